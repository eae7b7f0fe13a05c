// Tag classes shared by the extractor, the block features and the renderer.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

namespace textmill {

// Phrasing elements: their text belongs to the enclosing block.
inline bool IsInlineTag(std::string_view tag) {
  static const std::unordered_set<std::string_view> tags = {
      "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "img", "kbd",
      "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
      "tt", "u", "var", "wbr", "del", "ins", "big", "nobr", "acronym"};
  return tags.count(tag) > 0;
}

inline bool IsHeadingTag(std::string_view tag) {
  return tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6';
}

}  // namespace textmill
