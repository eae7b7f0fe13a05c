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

// Whether two names are the same but for ASCII case.
bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((IsLetter(a[i]) ? a[i] | 0x20 : a[i]) != (IsLetter(b[i]) ? b[i] | 0x20 : b[i])) return false;
  }
  return true;
}

// The elements libxml2 2.9.14 knows (html40ElementTable, and those only its
// start-tag closing table names), sorted: only these close or imply other
// elements when they start, or are read as raw text.
constexpr std::string_view kHtmlElements[] = {
    "a",        "abbr",    "acronym",    "address",  "applet",    "area",     "b",        "base",     "basefont",
    "bdo",      "big",     "blockquote", "body",     "br",        "button",   "caption",  "center",   "cite",
    "code",     "col",     "colgroup",   "dd",       "del",       "dfn",      "dir",      "div",      "dl",
    "dt",       "em",      "embed",      "fieldset", "font",      "form",     "frame",    "frameset", "h1",
    "h2",       "h3",      "h4",         "h5",       "h6",        "head",     "hr",       "html",     "i",
    "iframe",   "img",     "input",      "ins",      "isindex",   "kbd",      "label",    "legend",   "li",
    "link",     "listing", "map",        "menu",     "meta",      "noframes", "noscript", "object",   "ol",
    "optgroup", "option",  "p",          "param",    "plaintext", "pre",      "q",        "s",        "samp",
    "script",   "select",  "small",      "span",     "strike",    "strong",   "style",    "sub",      "sup",
    "table",    "tbody",   "td",         "textarea", "tfoot",     "th",       "thead",    "title",    "tr",
    "tt",       "u",       "ul",         "var",      "xmp",
};

bool IsHtmlElement(std::string_view name) {
  if (name.size() > 10) return false;  // the longest, "blockquote"
  char lower[10];
  for (size_t i = 0; i < name.size(); ++i) lower[i] = IsLetter(name[i]) ? static_cast<char>(name[i] | 0x20) : name[i];
  return std::binary_search(std::begin(kHtmlElements), std::end(kHtmlElements), std::string_view(lower, name.size()));
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

  // A start tag as libxml2 reads it: its name, the end of its attributes
  // (at '>' or at the '/' of "/>") and its '>'; nullopt when libxml2 would
  // read it otherwise. With `slim`, the unread attributes are kept in drops_.
  struct Tag {
    std::string_view name;
    size_t attributes_end;
    size_t gt;
  };
  std::optional<Tag> ReadTag(size_t lt, bool slim) {
    const std::optional<size_t> name_end = Name(lt + 1);
    if (!name_end) return std::nullopt;
    const std::string_view name = html_.substr(lt + 1, *name_end - lt - 1);
    const bool keep_all = EqualsNoCase(name, "meta");  // libxml2 reads its charset
    size_t i = *name_end;
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
      if (slim && EqualsNoCase(attribute_name, "style") && MayHideByVisibility(i, *attribute_end)) svg_cut_off_ = true;
      if (slim && !keep_all && !IsRead(name, attribute_name) && Droppable(attribute_start, *attribute_end)) {
        // Followed by an attribute without a blank ('a="1"b="2"'): one blank
        // stays, or the next one would join the name before.
        const char after = At(*attribute_end);
        const bool joined = !IsBlank(after) && after != '>' && after != '/';
        drops_.emplace_back(attribute_start + (joined && attribute_start < i ? 1 : 0), *attribute_end);
      }
      i = *attribute_end;
    }
    return Tag{name, i, html_.find('>', i)};
  }

  std::optional<size_t> StartTag(size_t lt) {
    drops_.clear();  // applied once the whole tag has been read
    const std::optional<Tag> tag = ReadTag(lt, /*slim=*/true);
    if (!tag) return std::nullopt;
    size_t next = tag->gt + 1;
    if (EqualsNoCase(tag->name, "math")) svg_cut_off_ = true;
    if (EqualsNoCase(tag->name, "svg") && At(tag->attributes_end) == '>' && !svg_cut_off_) {
      if (const std::optional<size_t> close = SvgContentEnd(next)) {
        if (*close > next) drops_.emplace_back(next, *close);
        next = *close;
      }
    }
    for (const auto& [start, end] : drops_) Drop(start, end);
    // Their bodies were cut (html_tree.cc): the end tag follows, or the body
    // is raw text to libxml2, which this does not read.
    if (IsRawText(tag->name) && !ClosesAt(tag->gt + 1, tag->name)) return std::nullopt;
    if (EqualsNoCase(tag->name, "plaintext")) return std::nullopt;
    return next;
  }

  // Leaves html[start, end) out of the output; spans come in order.
  void Drop(size_t start, size_t end) {
    if (out_.empty()) out_.reserve(html_.size());
    out_.append(html_.substr(copied_, start - copied_));
    copied_ = end;
  }

  static bool IsRawText(std::string_view name) { return EqualsNoCase(name, "script") || EqualsNoCase(name, "style"); }

  // Whether the end tag of `name` starts at `lt` ("</name", any case).
  bool ClosesAt(size_t lt, std::string_view name) const {
    return At(lt) == '<' && At(lt + 1) == '/' && SameName(html_.substr(lt + 2, name.size()), name);
  }

  // A style attribute that may say visibility:hidden (or spell it with
  // character references). The tree builder counts the text of every subtree
  // it skips after such an element (svg's <title> and <text> too) to decide
  // whether the page hides itself until its scripts run.
  bool MayHideByVisibility(size_t start, size_t end) const {
    const std::string_view attribute = html_.substr(start, end - start);
    if (attribute.find('&') != std::string_view::npos) return true;
    for (size_t k = 0; k + 10 <= attribute.size(); ++k) {
      if (EqualsNoCase(attribute.substr(k, 10), "visibility")) return true;
    }
    return false;
  }

  // The insides of an <svg> whose start tag ends just before `pos`: where its
  // end tag starts, or nullopt when cutting them might change anything
  // libxml2 or the tree builder does outside them.
  //
  // Why: the builder skips svg subtrees whole (html_tree.cc), yet libxml2
  // reads every element of an icon's paths, each one a "Tag path invalid"
  // error formatted and thrown away; svg is 7% of the news pages' bytes left
  // after the cut of script bodies.
  //
  // What libxml2 2.9 does inside svg decides what may go: an element it does
  // not know (path, g, use...) never closes or implies another on start
  // (htmlAutoClose, htmlCheckImplied) and an end tag closes the innermost
  // open element of its name with those inside it. So the insides go when
  // they are text, comments, unknown elements whose end tags close elements
  // opened inside the svg, <a> not directly in <a> (one <a> closes another),
  // <title> holding text only, and <script>/<style> whose end tag follows
  // (bodies cut). Anything else (an HTML element, an end tag of an element
  // outside, "<!" that is not a comment, "<?", no end tag) keeps them whole.
  std::optional<size_t> SvgContentEnd(size_t pos) {
    open_.assign(1, "svg");
    while (true) {
      const size_t lt = html_.find('<', pos);
      if (lt == std::string_view::npos || lt >= end_) return std::nullopt;
      const std::string_view innermost = open_.back();
      const bool text_only = SameName(innermost, "title");
      if (IsRawText(innermost) && lt != pos) return std::nullopt;  // a body that was not cut
      const char c = At(lt + 1);
      if (c == '/') {
        const std::optional<size_t> name_end = Name(lt + 2);
        if (!name_end) return std::nullopt;
        const size_t gt = SkipBlanks(*name_end);
        if (At(gt) != '>') return std::nullopt;
        const std::string_view name = html_.substr(lt + 2, *name_end - lt - 2);
        if ((text_only || IsRawText(innermost)) && !SameName(name, innermost)) return std::nullopt;
        size_t k = open_.size();
        while (k > 0 && !SameName(open_[k - 1], name)) --k;
        if (k == 0) return std::nullopt;  // it would close an element around the svg
        open_.resize(k - 1);
        if (open_.empty()) return lt;
        pos = gt + 1;
      } else if (text_only || IsRawText(innermost)) {
        return std::nullopt;
      } else if (c == '!') {
        if (html_.compare(lt, 4, "<!--") != 0) return std::nullopt;
        const size_t close = html_.find("-->", lt + 4);
        // libxml2 2.9.14 also ends a comment at "--!>".
        if (close == std::string_view::npos || close >= end_ ||
            html_.substr(lt + 4, close - lt - 4).find("--!>") != std::string_view::npos) {
          return std::nullopt;
        }
        pos = close + 3;
      } else if (IsLetter(c)) {
        const std::optional<Tag> tag = ReadTag(lt, /*slim=*/false);
        if (!tag || tag->gt >= end_) return std::nullopt;
        const bool anchor = SameName(tag->name, "a");
        if (IsHtmlElement(tag->name) && !anchor && !SameName(tag->name, "title") && !IsRawText(tag->name)) {
          return std::nullopt;
        }
        if (anchor && SameName(innermost, "a")) return std::nullopt;
        if (At(tag->attributes_end) == '>') open_.push_back(tag->name);  // not "/>"
        pos = tag->gt + 1;
      } else if (c == '?') {
        return std::nullopt;
      } else {
        pos = lt + 1;  // a '<' of text
      }
    }
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
  std::vector<std::pair<size_t, size_t>> drops_;  // spans of the tag being read (and an svg's insides)
  // No svg is cut after a <math> (the builder reads the text of a formula's
  // subtree) or a style that may hide by visibility (see MayHideByVisibility).
  bool svg_cut_off_ = false;
  std::vector<std::string_view> open_;  // elements open inside the svg being read
};

}  // namespace

bool DropUnreadAttributes(std::string_view html, std::string& out) {
  out.clear();
  Slimmer(html, out).Run();
  return !out.empty();
}

}  // namespace textmill
