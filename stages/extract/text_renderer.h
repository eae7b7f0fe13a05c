// TextRenderer: turns a subtree of an HtmlTree into text with its structure:
// blank lines between paragraphs and headings, "- " before list items, " | "
// between table cells, <pre> kept verbatim, <br> as a line break. Words of
// adjacent inline elements with nothing between them (tag chips, metadata
// items: <span>2026</span><span>1h 54m</span>) are kept apart by a space, as
// the page's styling shows them; code is left as written.
//
// Render() may be called for several roots in turn (they join with a
// paragraph break); Take() returns the text. `skip` marks elements whose
// subtree is left out; `keep_text`, when given, says per text node whether it
// is emitted (the block classifier's choice). Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/extract/html_tree.h"

namespace textmill {

class TextRenderer {
 public:
  explicit TextRenderer(const std::vector<HtmlNode>& nodes) : nodes_(nodes) {}

  void Render(int root, const std::vector<uint8_t>& skip, const std::vector<uint8_t>* keep_text);
  std::string Take() { return std::move(out_); }

 private:
  void Break(int level);
  void Open(std::string_view tag, std::string& out);
  void Close(std::string_view tag, std::string& out);
  void StartText(std::string& out);
  void EmitText(const std::string& text, std::string& out);

  const std::vector<HtmlNode>& nodes_;
  std::string out_;
  int pending_break_ = 0;
  int pre_depth_ = 0;
  int code_depth_ = 0;
  bool line_empty_ = true;
  // An inline element closed and no text followed yet; when another inline
  // element opens right after it, their words are told apart (see EmitText).
  bool inline_closed_ = false;
  bool element_gap_ = false;
  bool need_space_ = false;
  bool row_has_text_ = false;
  std::string pending_separator_;
};

}  // namespace textmill
