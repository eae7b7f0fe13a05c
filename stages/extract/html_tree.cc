#include "stages/extract/html_tree.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "pipeline/util/strings.h"
#include "stages/extract/html_tags.h"
#include "stages/extract/unread_attributes.h"

namespace textmill {
namespace {

// Subtrees that never hold content. <rt>/<rp>: a ruby annotation's reading
// (Japanese furigana over each kanji), not the sentence; kept, it split every
// word of an easy-Japanese news page onto lines of its own.
// Switched on the first letter: asked at every element's start, where hashing
// the name was 1% of the extract stage.
bool IsDroppedTag(std::string_view tag) {
  const auto any = [tag](std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), tag) != names.end();
  };
  switch (tag.empty() ? '\0' : tag[0]) {
    case 'a':
      return tag == "audio";
    case 'b':
      return tag == "base";
    case 'c':
      return tag == "canvas";
    case 'd':
      return tag == "dialog";
    case 'e':
      return tag == "embed";
    case 'f':
      return any({"frame", "frameset"});
    case 'h':
      return tag == "head";
    case 'i':
      return any({"iframe", "input"});
    case 'l':
      return tag == "link";
    case 'm':
      return any({"math", "meta", "map"});
    case 'n':
      return tag == "noscript";
    case 'o':
      return any({"object", "option"});
    case 'r':
      return any({"rt", "rp", "rtc"});
    case 's':
      return any({"script", "style", "svg", "select", "source"});
    case 't':
      return any({"template", "textarea", "title", "track"});
    case 'v':
      return tag == "video";
    default:
      return false;
  }
}

// Elements of <head> that are metadata; anything else there is content that a
// broken <head> swallowed (a script holding "</a>" ends the script early in
// libxml2 2.9 and the body lands in <head>).
bool IsHeadOnly(std::string_view tag) {
  return tag == "title" || tag == "meta" || tag == "link" || tag == "base" || tag == "script" ||
         tag == "style" || tag == "noscript" || tag == "template";
}

const char* Attr(const xmlChar** atts, const char* name) {
  if (!atts) return nullptr;
  for (size_t i = 0; atts[i]; i += 2) {
    if (xmlStrcasecmp(atts[i], reinterpret_cast<const xmlChar*>(name)) == 0) {
      return atts[i + 1] ? reinterpret_cast<const char*>(atts[i + 1]) : "";
    }
  }
  return nullptr;
}

std::string AttrString(const xmlChar** atts, const char* name) {
  const char* v = Attr(atts, name);
  return v ? v : "";
}

void AppendHint(const char* value, std::string& hints) {
  const size_t length = std::strlen(value);
  if (length == 0) return;
  const size_t at = hints.size();
  hints.resize(at + length + 1);
  // ASCII lowering only (what std::tolower does in the C locale), without a
  // locale call per byte: class strings are the longest attribute we read.
  for (size_t i = 0; i < length; ++i) {
    const char c = value[i];
    hints[at + i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  hints[at + length] = ' ';
}

enum class Hiding { kNone, kHidden, kVisibilityHidden };

// How an element's aria-hidden and style attributes hide it. visibility:hidden
// is told apart: pages that show themselves once their scripts ran put it on
// a wrapper of the whole page (see HtmlTree's constructor).
Hiding HidingByAttributes(const char* aria, const char* style_attr) {
  if (aria && AsciiLower(aria) == "true") return Hiding::kHidden;
  if (!style_attr || !std::strchr(style_attr, ':')) return Hiding::kNone;
  const std::string style = AsciiLower(style_attr);
  std::string compact;
  for (const char c : style) {
    if (c != ' ') compact.push_back(c);
  }
  if (compact.find("display:none") != std::string::npos) return Hiding::kHidden;
  return compact.find("visibility:hidden") != std::string::npos ? Hiding::kVisibilityHidden : Hiding::kNone;
}


// An accordion or tab panel: hidden until its header is clicked, but part
// of the page's content as its authors and readers see it (FAQ answers,
// product descriptions and specifications, service details). Recognised by
// the WAI-ARIA roles of such panels or the class names of the common widget
// libraries (Bootstrap's collapse and tab-pane, Chakra's chakra-collapse,
// Headless UI's disclosure panels...),
// or by aria-labelledby without a role (a panel named by its header);
// dialogs, menus and tooltips are not panels whatever their class.
bool IsDisclosurePanel(std::string_view role, bool labelled, std::string_view hints) {
  if (role == "region" || role == "tabpanel") return true;
  if (!role.empty()) return false;
  if (labelled) return true;
  for (const std::string_view marker :
       {"accordion", "collapse", "disclosure", "tab-pane", "tabpanel", "tab-content", "faq", "answer"}) {
    if (hints.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

// MediaWiki's marks inside the text: "[edit]" beside every heading and the
// footnote markers ("[3]") after sentences. A reader skips them, and the
// human-made truths of WCXB's Wikipedia pages leave them out.
bool IsWikiMark(std::string_view tag, std::string_view hints) {
  if (hints.find("mw-editsection") != std::string_view::npos) return true;
  if (tag != "sup") return false;
  for (size_t at = hints.find("reference"); at != std::string_view::npos; at = hints.find("reference", at + 1)) {
    const bool starts = at == 0 || hints[at - 1] == ' ';
    const bool ends = at + 9 == hints.size() || hints[at + 9] == ' ';
    if (starts && ends) return true;  // class="reference", not "references-small"
  }
  return false;
}

// The position of `needle` (lower-case ASCII) in `text` from `from`, ignoring
// ASCII case; npos if absent.
size_t FindNoCase(std::string_view text, std::string_view needle, size_t from) {
  while (from < text.size()) {
    const size_t lt = text.find(needle[0], from);
    if (lt == std::string_view::npos || text.size() - lt < needle.size()) return std::string_view::npos;
    size_t i = 1;
    while (i < needle.size() && (text[lt + i] | 0x20) == needle[i]) ++i;
    if (i == needle.size()) return lt;
    from = lt + 1;
  }
  return std::string_view::npos;
}

// The page with the bodies of <script> and <style> elements cut out (the tags
// stay). They are about half the bytes of real pages (54% of the extraction
// benchmark's), never content, and libxml2 reads raw text a character at a
// time. The body ends at "</script" or "</style" as in browsers; libxml2 2.9
// alone would end a script at the first "</" + letter inside a string literal
// and read the rest of the code as page text. Comments are skipped whole so a
// commented-out "<script" does not start a cut. Returns false (and leaves
// `out` empty) when there is nothing to cut.
// JSON-LD bodies are kept aside for the structured-data reader: at most
// kMaxJsonLdBlocks of them and kMaxJsonLdBytes in all (a page is not made slow
// or large by its structured data).
constexpr size_t kMaxJsonLdBlocks = 16;
constexpr size_t kMaxJsonLdBytes = size_t{1} << 20;

bool IsJsonLdTag(std::string_view start_tag) {
  return FindNoCase(start_tag, "ld+json", 0) != std::string_view::npos;
}

// MathJax 2 keeps each formula's TeX in <script type="math/tex"> (";
// mode=display" for a displayed one): the tree reads it as the formula.
bool IsMathTexTag(std::string_view start_tag) {
  return FindNoCase(start_tag, "math/tex", 0) != std::string_view::npos;
}

bool CutRawTextBodies(std::string_view html, std::string& out, std::vector<std::string>& json_ld) {
  size_t json_ld_bytes = 0;
  size_t pos = 0, copied = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    // Only "<!" and "<s" can start what this cuts or skips: every other tag
    // is passed over without the comparisons below.
    const char after_lt = pos + 1 < html.size() ? html[pos + 1] : '\0';
    if (after_lt != '!' && after_lt != 's' && after_lt != 'S') {
      ++pos;
      continue;
    }
    if (html.compare(pos, 4, "<!--") == 0) {
      const size_t end = html.find("-->", pos + 4);
      if (end == std::string_view::npos) break;
      pos = end + 3;
      continue;
    }
    std::string_view close;
    size_t name_end = pos + 1;
    for (const std::string_view name : {std::string_view("script"), std::string_view("style")}) {
      // "<script" + a character that ends a tag name (not "<scripts>").
      if (html.size() - pos - 1 <= name.size() || FindNoCase(html.substr(pos + 1, name.size()), name, 0) != 0) continue;
      const char next = html[pos + 1 + name.size()];
      if (next == '>' || next == '/' || next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == '\f') {
        close = name == "script" ? "</script" : "</style";
        name_end = pos + 1 + name.size();
      }
    }
    if (close.empty()) {
      ++pos;
      continue;
    }
    // The end of the start tag: the first '>' outside a quoted attribute value.
    size_t gt = name_end;
    char quote = 0;
    for (; gt < html.size(); ++gt) {
      const char c = html[gt];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
    if (gt >= html.size()) break;
    const size_t body_end = FindNoCase(html, close, gt + 1);
    if (body_end == std::string_view::npos) break;
    if (close == "</script" && body_end > gt + 1 && IsJsonLdTag(html.substr(pos, gt - pos)) &&
        json_ld.size() < kMaxJsonLdBlocks && json_ld_bytes + (body_end - gt - 1) <= kMaxJsonLdBytes) {
      json_ld.emplace_back(html.substr(gt + 1, body_end - gt - 1));
      json_ld_bytes += body_end - gt - 1;
    }
    if (body_end > gt + 1 && !(close == "</script" && IsMathTexTag(html.substr(pos, gt - pos)))) {
      if (out.empty()) out.reserve(html.size());
      out.append(html.substr(copied, gt + 1 - copied));
      copied = body_end;
    }
    pos = body_end + close.size();
  }
  if (copied == 0) return false;
  out.append(html.substr(copied));
  return true;
}

}  // namespace

int64_t ThreadCpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

constexpr size_t kMaxItemTypes = 64;

// Builds the tree from libxml2's SAX events: no libxml2 DOM is allocated,
// which halves the cost of a page compared with walking xmlDoc. The
// attributes it reads are listed in unread_attributes.h (kReadAttributes):
// the others are cut before parsing.
class HtmlTreeBuilder {
 public:
  HtmlTreeBuilder(std::vector<HtmlNode>& nodes, HtmlMeta& meta, int& body, int64_t deadline, bool honor_visibility)
      : nodes_(nodes), meta_(meta), body_(body), deadline_(deadline), honor_visibility_(honor_visibility) {
    stack_.push_back(0);
  }

  static void OnStart(void* ctx, const xmlChar* name, const xmlChar** atts) {
    static_cast<HtmlTreeBuilder*>(static_cast<htmlParserCtxtPtr>(ctx)->_private)->Start(name, atts);
  }
  static void OnEnd(void* ctx, const xmlChar* /*name*/) {
    static_cast<HtmlTreeBuilder*>(static_cast<htmlParserCtxtPtr>(ctx)->_private)->End();
  }
  static void OnText(void* ctx, const xmlChar* text, int len) {
    static_cast<HtmlTreeBuilder*>(static_cast<htmlParserCtxtPtr>(ctx)->_private)->Text(text, len);
  }

  htmlParserCtxtPtr ctxt = nullptr;
  bool timed_out = false;
  std::string og_title, og_url;
  size_t kept_text_bytes = 0;
  size_t visibility_hidden_text_bytes = 0;  // text left out for visibility:hidden alone

 private:
  void CheckDeadline() {
    if (deadline_ && (++events_ & 1023) == 0 && ThreadCpuNow() > deadline_) {
      timed_out = true;
      xmlStopParser(ctxt);
    }
  }

  void Start(const xmlChar* raw_name, const xmlChar** atts) {
    CheckDeadline();
    ++depth_;
    // libxml2's HTML parser already lower-cases element names.
    const std::string_view tag(reinterpret_cast<const char*>(raw_name));
    if (skip_depth_ > 0) {
      ++skip_depth_;
      if (math_.active && tag == "annotation" && math_.tex.empty() &&
          AsciiLower(AttrString(atts, "encoding")) == "application/x-tex") {
        math_.annotation_depth = skip_depth_;
      }
      return;
    }
    if (tag == "head") in_head_ = true;
    if (tag == "title") in_title_ = true;
    if (tag == "meta") ReadMeta(atts);
    if (tag == "link" && AsciiLower(AttrString(atts, "rel")) == "canonical") meta_.url = AttrString(atts, "href");
    if (tag == "html" && meta_.lang.empty()) meta_.lang = AttrString(atts, "lang");
    // A <button> has no node of its own but keeps its text: libxml2 2.9
    // ignores "</button>" while a <div> inside it is open (its end-tag
    // priorities), so dropping the subtree dropped the rest of such pages.
    // A button holds phrasing content (and, in practice, a <div>): a block
    // opening inside one means libxml2 kept the button open past its end
    // tag, as it does with "<button><div>Menu</button>", and the text that
    // follows is not the button's.
    if (!button_levels_.empty() && tag != "div" && tag != "button" && !IsInlineTag(tag)) button_levels_.clear();
    if (tag == "html" || tag == "head" || tag == "title" || tag == "meta" || tag == "link" || tag == "base" ||
        tag == "button") {
      stack_.push_back(stack_.back());  // no node of its own
      if (tag == "button") button_levels_.push_back(stack_.size());
      return;
    }
    // <noscript> in the body is what a crawler sees of script-built pages
    // (Discourse forums serve every post there): kept, for the extractor to judge.
    if (tag == "math" || (tag == "script" && IsMathTexTag(AttrString(atts, "type")))) {
      StartMath(tag, atts);
      return;
    }
    if (tag == "input") NoteCheckbox(atts);
    if (IsDroppedTag(tag) && !(tag == "noscript" && !in_head_)) {
      skip_depth_ = 1;
      skipping_visibility_hidden_ = false;
      return;
    }
    // One pass over the attributes: hidden markers and the class/id/role/itemprop hints.
    std::string hints;
    const char* aria_hidden = nullptr;
    const char* style = nullptr;
    const char* role = "";
    bool labelled = false;
    bool hidden = false;
    bool streamed_segment = false;
    for (size_t i = 0; atts && atts[i]; i += 2) {
      const char* name = reinterpret_cast<const char*>(atts[i]);
      const char* value = atts[i + 1] ? reinterpret_cast<const char*>(atts[i + 1]) : "";
      switch (name[0]) {
        case 'c':
          if (std::strcmp(name, "class") == 0) AppendHint(value, hints);
          break;
        case 'i':
          if (std::strcmp(name, "id") == 0) streamed_segment = value[0] == 'S' && value[1] == ':';
          if (std::strcmp(name, "id") == 0 || std::strcmp(name, "itemprop") == 0) AppendHint(value, hints);
          if (std::strcmp(name, "itemtype") == 0 && meta_.item_types.size() < kMaxItemTypes) {
            meta_.item_types.emplace_back(value);
          }
          break;
        case 'r':
          if (std::strcmp(name, "role") == 0) {
            AppendHint(value, hints);
            role = value;
          }
          break;
        case 'h':
          if (std::strcmp(name, "hidden") == 0) hidden = true;
          break;
        case 'a':
          if (std::strcmp(name, "aria-hidden") == 0) aria_hidden = value;
          if (std::strcmp(name, "aria-labelledby") == 0) labelled = true;
          break;
        case 's':
          if (std::strcmp(name, "style") == 0) style = value;
          break;
        default:
          break;
      }
    }
    // React's streaming server rendering (React 18, Next.js) sends each
    // finished part of the page as <div hidden id="S:n"> and a script moves it
    // into view: what the reader sees, often the whole main content.
    if (tag == "img" && hints.find("mwe-math-fallback-image") != std::string::npos) {
      // MediaWiki shows a formula as an image whose alt text is its TeX; the
      // image is aria-hidden and the MathML beside it display:none.
      AddMath(AttrString(atts, "alt"), hints.find("display") != std::string::npos);
    }
    const Hiding hiding = HidingByAttributes(aria_hidden, style);
    if (((hidden && !streamed_segment) || hiding == Hiding::kHidden ||
         (hiding == Hiding::kVisibilityHidden && honor_visibility_)) &&
        !IsDisclosurePanel(role, labelled, hints)) {
      skip_depth_ = 1;
      skipping_visibility_hidden_ = !hidden && hiding == Hiding::kVisibilityHidden;
      return;
    }
    if (IsWikiMark(tag, hints)) {
      skip_depth_ = 1;
      skipping_visibility_hidden_ = false;
      return;
    }
    const int parent = (in_head_ && !IsHeadOnly(tag)) ? 0 : stack_.back();
    if (depth_ >= HtmlTree::kMaxDepth) {  // flatten: children go to the ancestor at the cap
      stack_.push_back(parent);
      return;
    }
    HtmlNode element;
    element.parent = parent;
    element.tag.assign(tag);
    element.hints = std::move(hints);
    nodes_.push_back(std::move(element));
    const int self = static_cast<int>(nodes_.size() - 1);
    nodes_[static_cast<size_t>(parent)].children.push_back(self);
    if (tag == "noscript") open_noscripts_.push_back({self, kept_text_bytes});
    if (tag == "label") {
      if (std::string target = AttrString(atts, "for"); !target.empty())
        label_targets_.emplace_back(self, std::move(target));
    }
    if (tag == "body" && body_ == 0) {
      body_ = self;
      in_head_ = false;
    }
    stack_.push_back(self);
  }

  void End() {
    CheckDeadline();
    if (depth_ > 0) --depth_;
    if (skip_depth_ > 0) {
      if (math_.annotation_depth == skip_depth_) math_.annotation_depth = 0;
      if (--skip_depth_ == 0 && math_.active) EndMath();
      return;
    }
    if (stack_.size() > 1) {
      const int closing = stack_.back();
      if (!button_levels_.empty() && button_levels_.back() == stack_.size()) button_levels_.pop_back();
      stack_.pop_back();
      if (!open_noscripts_.empty() && open_noscripts_.back().node == closing) DropShortNoscript();
      if (closing >= 0 && static_cast<size_t>(closing) < nodes_.size() &&
          std::string_view(nodes_[static_cast<size_t>(closing)].tag) == "head") {
        in_head_ = false;
      }
    }
    in_title_ = false;
  }

  void Text(const xmlChar* text, int len) {
    CheckDeadline();
    if (len <= 0) return;
    const std::string_view chunk(reinterpret_cast<const char*>(text), static_cast<size_t>(len));
    if (skip_depth_ > 0) {
      if (skipping_visibility_hidden_) visibility_hidden_text_bytes += chunk.size();
      if (math_.active) ReadMathText(chunk);
      return;
    }
    if (!in_head_ && !in_title_) kept_text_bytes += chunk.size();
    if (in_title_) {
      meta_.title.append(chunk);
      return;
    }
    if (in_head_ && stack_.back() == 0) return;  // text directly in <head>
    AddText(chunk);
  }

  // A text node under the open element, joined to the text just before it
  // (libxml2 may deliver one text run in several calls).
  void AddText(std::string_view chunk) {
    const int parent = stack_.back();
    // libxml2 may deliver one text run in several calls: join them.
    HtmlNode& p = nodes_[static_cast<size_t>(parent)];
    const bool in_button = !button_levels_.empty();
    if (!p.children.empty() && nodes_[static_cast<size_t>(p.children.back())].tag.empty() &&
        last_text_node_ == p.children.back() && nodes_[static_cast<size_t>(p.children.back())].in_button == in_button) {
      nodes_[static_cast<size_t>(p.children.back())].text.append(chunk);
      return;
    }
    HtmlNode node;
    node.parent = parent;
    node.text.assign(chunk);
    node.in_button = in_button;
    nodes_.push_back(std::move(node));
    last_text_node_ = static_cast<int>(nodes_.size() - 1);
    nodes_[static_cast<size_t>(parent)].children.push_back(last_text_node_);
  }

  // Formulas are kept as TeX, the form a language model reads and writes
  // ("$a \\neq 0$", "$$...$$" displayed), as OpenWebMath keeps them: from
  // MathML's alttext or its application/x-tex annotation, MathJax 2's
  // <script type="math/tex">, or MediaWiki's image alt text. A MathML formula
  // without TeX is written as the text of its token elements.
  struct MathCapture {
    bool active = false;
    bool display = false;
    bool script = false;       // a math/tex script: its text is the TeX
    std::string tex;           // alttext, annotation or script text
    std::string tokens;        // text of the MathML elements, space-separated
    int annotation_depth = 0;  // skip_depth_ of an open x-tex <annotation>, 0 if none
  };
  static constexpr size_t kMaxMathBytes = 64 << 10;

  void StartMath(std::string_view tag, const xmlChar** atts) {
    skip_depth_ = 1;
    skipping_visibility_hidden_ = false;
    math_ = MathCapture{};
    math_.active = true;
    math_.script = tag == "script";
    if (math_.script) {
      math_.display = AsciiLower(AttrString(atts, "type")).find("mode=display") != std::string::npos;
    } else {
      math_.display = AsciiLower(AttrString(atts, "display")) == "block";
      math_.tex = AttrString(atts, "alttext");
    }
  }

  void ReadMathText(std::string_view chunk) {
    if (math_.script || math_.annotation_depth > 0) {
      if (math_.tex.size() < kMaxMathBytes) math_.tex.append(chunk);
    } else if (math_.tokens.size() < kMaxMathBytes) {
      math_.tokens.append(chunk);
      math_.tokens.push_back(' ');
    }
  }

  void EndMath() {
    const MathCapture math = std::move(math_);
    math_ = MathCapture{};
    AddMath(math.tex.find_first_not_of(" \t\r\n") != std::string::npos ? math.tex : math.tokens, math.display);
  }

  void AddMath(std::string_view tex, bool display) {
    tex = TrimMath(tex);
    if (tex.empty() || in_head_ || in_title_) return;
    const std::string_view fence = display ? "$$" : "$";
    std::string text;
    text.reserve(tex.size() + 6);
    text.append(fence);
    bool space = false;  // MathML token text and TeX line breaks collapse to single spaces
    for (const char c : tex) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        space = true;
        continue;
      }
      if (space) text.push_back(' ');
      space = false;
      text.push_back(c);
    }
    text.append(fence);
    kept_text_bytes += text.size();
    AddText(text);
  }

  // Without surrounding blanks and MediaWiki's "{\displaystyle ...}" wrapper.
  static std::string_view TrimMath(std::string_view tex) {
    const size_t begin = tex.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    tex = tex.substr(begin, tex.find_last_not_of(" \t\r\n") - begin + 1);
    for (const std::string_view wrapper : {std::string_view("{\\displaystyle "), std::string_view("{\\textstyle ")}) {
      if (tex.starts_with(wrapper) && tex.ends_with('}')) {
        tex = tex.substr(wrapper.size(), tex.size() - wrapper.size() - 1);
        break;
      }
    }
    return tex;
  }

  // A <noscript> in the body is kept for the crawler view of a script-built
  // page (a Discourse thread's posts); a short one is a "please enable
  // JavaScript" notice or a tracking pixel, never content: it is removed
  // with its subtree, the last nodes built.
  static constexpr size_t kMinNoscriptTextBytes = 200;
  void DropShortNoscript() {
    const OpenNoscript open = open_noscripts_.back();
    open_noscripts_.pop_back();
    const size_t node = static_cast<size_t>(open.node);
    if (node >= nodes_.size() || nodes_[node].tag != "noscript") return;
    // libxml2 may close the <noscript> while our stack still holds a node of
    // it (an element without a node of its own whose end it ignored): keep it.
    for (const int open_node : stack_) {
      if (open_node >= open.node) return;
    }
    if (body_ >= open.node) return;  // a <body> inside it (broken markup) stays
    if (kept_text_bytes - open.text_bytes_before >= kMinNoscriptTextBytes) return;
    std::vector<int>& siblings = nodes_[static_cast<size_t>(nodes_[node].parent)].children;
    if (siblings.empty() || siblings.back() != open.node) return;
    siblings.pop_back();
    nodes_.resize(node);
    // Its labels go with it (they are listed in node order).
    while (!label_targets_.empty() && static_cast<size_t>(label_targets_.back().first) >= node) {
      label_targets_.pop_back();
    }
    kept_text_bytes = open.text_bytes_before;
    last_text_node_ = -1;
  }

  void ReadMeta(const xmlChar** atts) {
    std::string name = AsciiLower(AttrString(atts, "name"));
    if (name.empty()) name = AsciiLower(AttrString(atts, "property"));
    const std::string itemprop = AsciiLower(AttrString(atts, "itemprop"));
    const std::string content = AttrString(atts, "content");
    if (content.empty()) return;
    if (name == "og:title") og_title = content;
    if (name == "og:url") og_url = content;
    if (name == "og:type") meta_.og_type = AsciiLower(content);
    if (name == "generator" && meta_.generator.size() < 256) {  // WordPress and its page builder both say so
      if (!meta_.generator.empty()) meta_.generator += ' ';
      meta_.generator += AsciiLower(content);
    }
    if ((name == "description" || name == "og:description") && meta_.description.empty()) meta_.description = content;
    if ((name == "description" || name == "og:description" || name == "twitter:description") &&
        content.size() > meta_.longest_description.size()) {
      meta_.longest_description = content;
    }
    static const char* kDateNames[] = {"article:published_time", "og:published_time", "datepublished", "date",
                                       "pubdate", "publishdate", "publish-date", "dc.date.issued", "dc.date",
                                       "dcterms.created", "sailthru.date", "parsely-pub-date"};
    if (!meta_.date.empty()) return;
    for (const char* date_name : kDateNames) {
      if (name == date_name || itemprop == date_name) {
        meta_.date = content;
        return;
      }
    }
  }

  std::vector<HtmlNode>& nodes_;
  HtmlMeta& meta_;
  int& body_;
  int64_t deadline_;
  bool honor_visibility_;
  // A checkbox input (dropped with the form controls) marks the <label>
  // around it, and is remembered by id for the labels that name it.
  void NoteCheckbox(const xmlChar** atts) {
    if (AsciiLower(AttrString(atts, "type")) != "checkbox") return;
    constexpr int kMaxLabelDistance = 4;  // <label><span><input>: a few levels at most
    int node = stack_.back();
    for (int level = 0; level < kMaxLabelDistance && node > 0; ++level) {
      HtmlNode& element = nodes_[static_cast<size_t>(node)];
      if (element.tag == "label") {
        element.checkbox_label = true;
        break;
      }
      node = element.parent;
    }
    if (std::string id = AttrString(atts, "id"); !id.empty()) checkbox_ids_.insert(std::move(id));
  }

 public:
  // After the parse: the labels whose for= names a checkbox.
  void MarkLabelsOfCheckboxes() {
    for (const auto& [label, target] : label_targets_) {
      if (static_cast<size_t>(label) < nodes_.size() && checkbox_ids_.count(target) > 0) {
        nodes_[static_cast<size_t>(label)].checkbox_label = true;
      }
    }
  }

 private:
  std::vector<std::pair<int, std::string>> label_targets_;  // (label node, its for=)
  std::unordered_set<std::string> checkbox_ids_;
  std::vector<int> stack_;  // our node for each open element
  std::vector<size_t> button_levels_;  // stack_ sizes at which a <button> is open
  int depth_ = 0;
  int skip_depth_ = 0;
  bool skipping_visibility_hidden_ = false;
  struct OpenNoscript {
    int node;
    size_t text_bytes_before;
  };
  std::vector<OpenNoscript> open_noscripts_;
  bool in_head_ = false;
  bool in_title_ = false;
  int last_text_node_ = -1;
  MathCapture math_;
  uint64_t events_ = 0;
};

HtmlTree::HtmlTree(std::string_view html, int64_t deadline_ns, bool drop_unread_attributes) {
  // The pull parser, like the DOM builder, keeps content after </html>
  // (browsers do too); the push parser drops it.
  std::string cut;
  std::vector<std::string> json_ld;
  if (CutRawTextBodies(html, cut, json_ld)) html = cut;
  std::string slim;
  if (drop_unread_attributes && DropUnreadAttributes(html, slim)) html = slim;
  const VisibleText text = Build(html, deadline_ns, /*honor_visibility=*/true);
  // A page that hides itself with visibility:hidden until its scripts have run
  // (an anti-flicker or hydration cover; geeksforgeeks.org wraps every
  // article so) would be empty: read it again as the reader finally sees it.
  constexpr size_t kMinCoveredBytes = 200;
  if (!timed_out_ && text.visibility_hidden > kMinCoveredBytes && text.visibility_hidden > 3 * text.kept) {
    Build(html, deadline_ns, /*honor_visibility=*/false);
  }
  meta_.json_ld = std::move(json_ld);
}

HtmlTree::VisibleText HtmlTree::Build(std::string_view html, int64_t deadline_ns, bool honor_visibility) {
  nodes_.clear();
  meta_ = HtmlMeta{};
  body_ = 0;
  nodes_.reserve(html.size() / 32 + 16);  // about one node per 30-60 bytes of real pages
  nodes_.push_back(HtmlNode{});
  nodes_[0].tag = "#root";
  HtmlTreeBuilder builder(nodes_, meta_, body_, deadline_ns, honor_visibility);
  htmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.startElement = HtmlTreeBuilder::OnStart;
  sax.endElement = HtmlTreeBuilder::OnEnd;
  sax.characters = HtmlTreeBuilder::OnText;
  sax.cdataBlock = HtmlTreeBuilder::OnText;
  htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(
      html.data(), static_cast<int>(std::min<size_t>(html.size(), INT32_MAX)));
  if (!ctxt) return {};
  std::memcpy(ctxt->sax, &sax, sizeof sax);
  ctxt->userData = ctxt;
  ctxt->_private = &builder;
  builder.ctxt = ctxt;
  htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                               HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC);  // the text is UTF-8 already
  xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
  htmlParseDocument(ctxt);
  htmlFreeParserCtxt(ctxt);
  builder.MarkLabelsOfCheckboxes();
  timed_out_ = builder.timed_out;
  if (!builder.og_title.empty()) meta_.title = builder.og_title;
  if (meta_.url.empty()) meta_.url = builder.og_url;
  return {builder.kept_text_bytes, builder.visibility_hidden_text_bytes};
}

}  // namespace textmill
