// Tag classes shared by the extractor, the block features and the renderer.
#pragma once

#include <string>
#include <string_view>

namespace textmill {

// Phrasing elements: their text belongs to the enclosing block. Asked for
// every node by the features, the rule extractor and the renderer: compared
// by length first instead of hashed (a hash set was 1-2% of a run).
inline bool IsInlineTag(std::string_view tag) {
  switch (tag.size()) {
    case 1:
      return tag == "a" || tag == "b" || tag == "i" || tag == "q" || tag == "s" || tag == "u";
    case 2:
      return tag == "em" || tag == "tt" || tag == "rb";
    case 3:
      return tag == "bdi" || tag == "bdo" || tag == "dfn" || tag == "img" || tag == "kbd" || tag == "sub" ||
             tag == "sup" || tag == "var" || tag == "wbr" || tag == "del" || tag == "ins" || tag == "big";
    case 4:
      return tag == "abbr" || tag == "cite" || tag == "code" || tag == "data" || tag == "font" || tag == "mark" ||
             tag == "samp" || tag == "span" || tag == "time" || tag == "nobr" || tag == "ruby";
    case 5:
      return tag == "label" || tag == "small";
    case 6:
      return tag == "strike" || tag == "strong";
    case 7:
      return tag == "acronym";
    default:
      return false;
  }
}

inline bool IsHeadingTag(std::string_view tag) {
  return tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6';
}

}  // namespace textmill
