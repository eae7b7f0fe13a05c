#include "stages/extract/text_renderer.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "stages/extract/html_tags.h"

namespace textmill {
namespace {

// Blocks separated by a blank line (paragraph breaks) rather than a newline.
bool IsParagraphBreak(std::string_view tag) {
  static const std::unordered_set<std::string_view> tags = {
      "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul", "ol", "dl", "table",
      "figure", "hr", "section", "article", "main", "header", "footer", "aside", "details"};
  return tags.count(tag) > 0;
}

// A byte that starts a word of an alphabetic script: ASCII letters and
// digits, and the lead bytes of two-byte UTF-8 (Latin, Greek, Cyrillic,
// Hebrew, Arabic...). Scripts written without spaces (CJK, three bytes) are
// left joined.
bool StartsSpacedWord(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC2 && c <= 0xDF);
}

// The same for the last character of a text: ASCII letters and digits, and
// continuation bytes of a two-byte character.
bool EndsSpacedWord(const std::string& out) {
  if (out.empty()) return false;
  const unsigned char last = static_cast<unsigned char>(out.back());
  if (last < 0x80) return StartsSpacedWord(last);
  return out.size() >= 2 && (last & 0xC0) == 0x80 && StartsSpacedWord(static_cast<unsigned char>(out[out.size() - 2]));
}

}  // namespace

void TextRenderer::Render(int root, const std::vector<uint8_t>& skip, const std::vector<uint8_t>* keep_text) {
  std::string& out = out_;
  struct Event {
    int node;
    bool close;
  };
  std::vector<Event> stack{{root, false}};
  while (!stack.empty()) {
    const Event e = stack.back();
    stack.pop_back();
    const size_t k = static_cast<size_t>(e.node);
    if (skip[k]) continue;
    const HtmlNode& n = nodes_[k];
    if (n.tag.empty()) {
      if (keep_text && !(*keep_text)[k]) {
        // A dropped text run consumes the list or cell marker it was given.
        if (!n.text.empty() && n.text.find_first_not_of(" \n\t\r\f") != std::string::npos) {
          pending_separator_.clear();
        }
        continue;
      }
      EmitText(n.text, out);
      continue;
    }
    if (e.close) {
      Close(n.tag, out);
      continue;
    }
    Open(n.tag, out);
    stack.push_back({e.node, true});
    for (auto it = n.children.rbegin(); it != n.children.rend(); ++it) stack.push_back({*it, false});
  }
  Break(2);
}

void TextRenderer::Break(int level) { pending_break_ = std::max(pending_break_, level); }

// Tags as std::string_view: its == compares the length before calling memcmp.
void TextRenderer::Open(std::string_view tag, std::string& out) {
  if (tag == "br") {
    // In <pre> too: highlighters such as Prism (Docusaurus) end each code
    // line with <br> and no newline, and a browser breaks the line there.
    if (pre_depth_ > 0) StartText(out);
    out.push_back('\n');
    line_empty_ = true;
    need_space_ = false;
    return;
  }
  if (tag == "pre") ++pre_depth_;
  if (tag == "code") ++code_depth_;
  if (IsInlineTag(tag) && inline_closed_ && code_depth_ == 0) element_gap_ = true;
  inline_closed_ = false;
  if (tag == "tr") {
    Break(1);
    row_has_text_ = false;
  }
  if ((tag == "td" || tag == "th") && row_has_text_) pending_separator_ = " | ";
  if (tag == "li") {
    Break(1);
    pending_separator_ = "- ";
  }
  if (tag == "img" || IsInlineTag(tag) || tag == "td" || tag == "th") return;
  Break(IsParagraphBreak(tag) ? 2 : 1);
}

void TextRenderer::Close(std::string_view tag, std::string& out) {
  (void)out;
  if (tag == "pre") --pre_depth_;
  if (tag == "code" && code_depth_ > 0) --code_depth_;
  inline_closed_ = IsInlineTag(tag);
  if (IsInlineTag(tag) || tag == "br" || tag == "img" || tag == "td" || tag == "th") return;
  Break(IsParagraphBreak(tag) ? 2 : 1);
}

void TextRenderer::StartText(std::string& out) {
  if (pending_break_ > 0 && !out.empty()) {
    out.append(static_cast<size_t>(pending_break_), '\n');
    line_empty_ = true;
    need_space_ = false;
  }
  pending_break_ = 0;
  if (!pending_separator_.empty()) {
    if (!(line_empty_ && pending_separator_ == " | ")) out += pending_separator_;
    pending_separator_.clear();
    need_space_ = false;
    line_empty_ = false;
  }
}

void TextRenderer::EmitText(const std::string& text, std::string& out) {
  if (pre_depth_ > 0) {
    if (text.empty()) return;
    StartText(out);
    out += text;
    line_empty_ = !text.empty() && text.back() == '\n';
    row_has_text_ = true;
    return;
  }
  size_t i = 0;
  bool leading_space = false;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
      leading_space = true;
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n' && text[j] != '\t' && text[j] != '\r' &&
           text[j] != '\f') {
      ++j;
    }
    StartText(out);
    const bool gap = element_gap_ && EndsSpacedWord(out) && StartsSpacedWord(static_cast<unsigned char>(text[i]));
    if ((need_space_ || leading_space || gap) && !line_empty_) out.push_back(' ');
    element_gap_ = false;
    inline_closed_ = false;
    out.append(text, i, j - i);
    line_empty_ = false;
    need_space_ = false;
    leading_space = false;
    row_has_text_ = true;
    i = j;
  }
  if (leading_space && !line_empty_) need_space_ = true;
}

}  // namespace textmill
