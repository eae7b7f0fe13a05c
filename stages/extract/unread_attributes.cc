#include "stages/extract/unread_attributes.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>
#include <vector>

namespace textmill {
namespace {

// libxml2's IS_BLANK_CH: space, tab, newline, carriage return (not form feed).
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsNameStart(char c) { return IsLetter(c) || c == '_' || c == ':' || c == '.'; }
// Name characters from a table: names are most of what this reads in tags.
constexpr auto kNameChars = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[static_cast<size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                    c == '_' || c == ':' || c == '.' || c == '-';
  }
  return table;
}();
bool IsNameChar(char c) { return kNameChars[static_cast<unsigned char>(c)]; }

// libxml2 reads names into a 100-byte buffer: a longer one parses otherwise.
constexpr size_t kMaxName = 99;

bool EqualsNoCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((IsLetter(a[i]) ? static_cast<char>(a[i] | 0x20) : a[i]) != lower[i]) return false;
  }
  return true;
}

// Whether the builder reads attribute `name` on element `element`.
bool IsRead(std::string_view element, std::string_view name) {
  if (name.size() < 2 || name.size() > 15) return false;  // the lengths in the lists
  for (const std::string_view read : kReadAttributes) {
    if (read.size() == name.size() && EqualsNoCase(name, read)) return true;
  }
  for (const auto& [read_element, read] : kReadElementAttributes) {
    if (read.size() == name.size() && EqualsNoCase(name, read) && EqualsNoCase(element, read_element)) return true;
  }
  return false;
}

class Slimmer {
 public:
  Slimmer(std::string_view html, std::string& out) : html_(html), out_(out) {}

  void Run() {
    size_t pos = 0;
    while ((pos = html_.find('<', pos)) != std::string_view::npos && pos < end_) {
      const std::optional<size_t> next = Markup(pos);
      if (!next) break;  // markup this does not follow: the rest as it is
      pos = *next;
    }
    if (copied_ > 0) out_.append(html_.substr(copied_));
  }

 private:
  char At(size_t i) const { return i < html_.size() ? html_[i] : '\0'; }

  // The markup at `lt`: where scanning goes on, or nullopt to stop.
  std::optional<size_t> Markup(size_t lt) {
    const char c = At(lt + 1);
    if (c == '/') return lt + 2;  // an end tag: its name and '>' are never touched
    if (c == '!') {
      if (html_.compare(lt, 4, "<!--") == 0) {
        const size_t end = html_.find("-->", lt + 4);
        if (end == std::string_view::npos) return std::nullopt;
        // The body goes ("<!---->" stays): libxml2 reads it a character at
        // a time into a buffer for a comment handler the builder does not
        // set. Not when "--!>" ends the comment earlier in libxml2 2.9.14.
        const std::string_view body = html_.substr(lt + 4, end - lt - 4);
        if (!body.empty() && end < end_ && body.find("--!>") == std::string_view::npos) Drop(lt + 4, end);
        return end + 3;
      }
      if (EqualsNoCase(html_.substr(lt + 2, 7), "doctype")) return Doctype(lt);
      return std::nullopt;
    }
    if (IsLetter(c)) return StartTag(lt);
    if (c == '?') return std::nullopt;
    return lt + 1;  // a '<' of text
  }

  // A doctype ends at its first '>' when that is outside its quoted
  // literals: an even number of '"' before it, and no '\'' (not followed).
  std::optional<size_t> Doctype(size_t lt) {
    const size_t gt = html_.find('>', lt);
    if (gt == std::string_view::npos) return std::nullopt;
    const std::string_view doctype = html_.substr(lt + 1, gt - lt - 1);
    if (doctype.find_first_of("<'") != std::string_view::npos) return std::nullopt;
    if (std::count(doctype.begin(), doctype.end(), '"') % 2 != 0) return std::nullopt;
    return gt + 1;
  }

  // A name at `i` as libxml2's htmlParseHTMLName reads it: its end, or
  // nullopt when it would read it otherwise (or not at all).
  std::optional<size_t> Name(size_t i) const {
    if (!IsNameStart(At(i))) return std::nullopt;
    size_t end = i + 1;
    while (end < html_.size() && IsNameChar(html_[end])) ++end;
    if (end - i > kMaxName) return std::nullopt;
    return end;
  }

  size_t SkipBlanks(size_t i) const {
    while (IsBlank(At(i))) ++i;
    return i;
  }

  std::optional<size_t> StartTag(size_t lt) {
    const std::optional<size_t> name_end = Name(lt + 1);
    if (!name_end) return std::nullopt;
    const std::string_view name = html_.substr(lt + 1, *name_end - lt - 1);
    const bool keep_all = EqualsNoCase(name, "meta");  // libxml2 reads its charset
    size_t i = *name_end;
    drops_.clear();  // applied once the whole tag has been read
    while (true) {
      const size_t attribute_start = i;  // the blanks before it go with it
      i = SkipBlanks(i);
      const char c = At(i);
      if (c == '>' || (c == '/' && At(i + 1) == '>')) break;
      // A blank separates attributes, except after a quoted value.
      if (i == attribute_start && At(i - 1) != '"' && At(i - 1) != '\'') return std::nullopt;
      const std::optional<size_t> attribute_name_end = Name(i);
      if (!attribute_name_end) return std::nullopt;
      const std::optional<size_t> attribute_end = Attribute(*attribute_name_end);
      if (!attribute_end) return std::nullopt;
      const std::string_view attribute_name = html_.substr(i, *attribute_name_end - i);
      if (!keep_all && !IsRead(name, attribute_name) && Droppable(attribute_start, *attribute_end)) {
        // Followed by an attribute without a blank ('a="1"b="2"'): one blank
        // stays, or the next one would join the name before.
        const char after = At(*attribute_end);
        const bool joined = !IsBlank(after) && after != '>' && after != '/';
        drops_.emplace_back(attribute_start + (joined && attribute_start < i ? 1 : 0), *attribute_end);
      }
      i = *attribute_end;
    }
    for (const auto& [start, end] : drops_) Drop(start, end);
    const size_t gt = html_.find('>', i);
    // Their bodies were cut (html_tree.cc): the end tag follows, or the body
    // is raw text to libxml2, which this does not read.
    for (const std::string_view raw : {std::string_view("script"), std::string_view("style")}) {
      if (EqualsNoCase(name, raw) &&
          (At(gt + 1) != '<' || At(gt + 2) != '/' || !EqualsNoCase(html_.substr(gt + 3, raw.size()), raw))) {
        return std::nullopt;
      }
    }
    if (EqualsNoCase(name, "plaintext")) return std::nullopt;
    return gt + 1;
  }

  // Leaves html[start, end) out of the output; spans come in order.
  void Drop(size_t start, size_t end) {
    if (out_.empty()) out_.reserve(html_.size());
    out_.append(html_.substr(copied_, start - copied_));
    copied_ = end;
  }

  // An attribute whose name ends at `name_end`: the end of its value, or of
  // its name if it has none.
  std::optional<size_t> Attribute(size_t name_end) const {
    size_t j = SkipBlanks(name_end);
    if (At(j) != '=') return name_end;
    j = SkipBlanks(j + 1);
    const char quote = At(j);
    if (quote == '"' || quote == '\'') {
      const size_t close = html_.find(quote, j + 1);
      if (close == std::string_view::npos) return std::nullopt;
      return close + 1;
    }
    // Unquoted: to a blank or '>', as libxml2 reads it; nothing else odd in it.
    size_t end = j;
    while (end < html_.size() && !IsBlank(html_[end]) && html_[end] != '>') {
      const char c = html_[end];
      if (c == '"' || c == '\'' || c == '<' || c == '=' || c == '`' || c == '\0') return std::nullopt;
      ++end;
    }
    if (end == j) return std::nullopt;
    return end;
  }

  // Whether html[start, end) can go without changing anything libxml2 reads
  // around it: nothing in it could end a tag, a comment or the input, and it
  // does not join a '-' before it to a "->" after it.
  bool Droppable(size_t start, size_t end) const {
    if (start == 0 || html_[start - 1] == '-' || end <= start) return false;
    // One pass without early exits, which the compiler vectorizes: values
    // (srcset, data-* JSON) are the longest runs this reads.
    const char* span = html_.data() + start;
    const size_t n = end - start;
    unsigned bad = 0;
    for (size_t k = 0; k + 1 < n; ++k) {
      const char c = span[k];
      bad |= static_cast<unsigned>(c == '<') | static_cast<unsigned>(c == '>') | static_cast<unsigned>(c == '\0') |
             (static_cast<unsigned>(c == '-') & static_cast<unsigned>(span[k + 1] == '-'));
    }
    const char last = span[n - 1];
    return bad == 0 && last != '<' && last != '>' && last != '\0' && !(last == '-' && At(end) == '-');
  }

  std::string_view html_;
  std::string& out_;
  // libxml2 stops reading at a NUL: nothing past the first one is touched.
  const size_t end_ = std::min(html_.find('\0'), html_.size());
  size_t copied_ = 0;
  std::vector<std::pair<size_t, size_t>> drops_;  // spans of the tag being read
};

}  // namespace

bool DropUnreadAttributes(std::string_view html, std::string& out) {
  out.clear();
  Slimmer(html, out).Run();
  return !out.empty();
}

}  // namespace textmill
