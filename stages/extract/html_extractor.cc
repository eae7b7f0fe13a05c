#include "stages/extract/html_extractor.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "pipeline/util/utf8.h"

namespace textmill {
namespace {

// --- Tag classes -------------------------------------------------------------

bool IsInline(const std::string& tag) {
  static const std::unordered_set<std::string> tags = {
      "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "img", "kbd",
      "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
      "tt", "u", "var", "wbr", "del", "ins", "big", "nobr", "acronym"};
  return tags.count(tag) > 0;
}

// Blocks separated by a blank line (paragraph breaks) rather than a newline.
bool IsParagraphBreak(const std::string& tag) {
  static const std::unordered_set<std::string> tags = {
      "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul", "ol", "dl", "table",
      "figure", "hr", "section", "article", "main", "header", "footer", "aside", "details"};
  return tags.count(tag) > 0;
}

bool IsHeading(const std::string& tag) {
  return tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6';
}

// Tags whose subtree is page furniture whatever its class says.
bool IsFurnitureTag(const std::string& tag) {
  return tag == "nav" || tag == "aside" || tag == "footer" || tag == "header" || tag == "menu";
}

// Containers never pruned by class hints: pruning them would drop the page.
bool IsProtectedTag(const std::string& tag) {
  return tag == "body" || tag == "html" || tag == "article" || tag == "main" || tag == "#root";
}

// --- Class/id/role hints (lists after Readability.js, extended) ---------------

const RE2& UnlikelyHint() {
  static const RE2 re(
      "-ad-|ai2html|banner|breadcrumb|combx|community|cover-wrap|extra|footer|gdpr|cookie|consent|"
      "header|legends|menu|related|remark|rss|shoutbox|sidebar|skyscraper|social|sponsor|"
      "supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|share|sharing|newsletter|"
      "subscribe|promo|recommend|outbrain|taboola|navbar|navigation|contentinfo|complementary|"
      "toolbar|masthead|signup|login|modal|overlay|trending|most-popular|read-more|author-bio");
  return re;
}
const RE2& MaybeHint() {
  static const RE2 re("and|article|body|column|content|main|shadow|post|entry|story|text");
  return re;
}
const RE2& CommentHint() {
  static const RE2 re("comment|disqus|replies|respond|reply-|discussion");
  return re;
}
const RE2& NegativeWeight() {
  static const RE2 re(
      "-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|"
      "gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|"
      "sponsor|shopping|tags|tool|widget|byline|author|dateline|caption|credit");
  return re;
}
const RE2& PositiveWeight() {
  static const RE2 re("article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story");
  return re;
}

// Which hint patterns a node's class/id/role matches, computed once per page
// and shared by the extraction attempts.
enum HintFlag : uint8_t { kUnlikely = 1, kMaybe = 2, kComment = 4, kNegative = 8, kPositive = 16 };

// All five hint patterns in one RE2::Set: one scan of a node's hints.
const RE2::Set& HintSet() {
  static const RE2::Set* set = [] {
    RE2::Options options;
    options.set_max_mem(int64_t{64} << 20);  // room for the DFA: with less, RE2 falls back to the slow NFA
    auto* s = new RE2::Set(options, RE2::UNANCHORED);
    for (const RE2* re : {&UnlikelyHint(), &MaybeHint(), &CommentHint(), &NegativeWeight(), &PositiveWeight()}) {
      s->Add(re->pattern(), nullptr);
    }
    s->Compile();
    return s;
  }();
  return *set;
}

std::vector<uint8_t> HintFlags(const std::vector<HtmlNode>& nodes) {
  static constexpr uint8_t kBits[] = {kUnlikely, kMaybe, kComment, kNegative, kPositive};
  std::vector<uint8_t> flags(nodes.size(), 0);
  std::vector<int> hits;
  // Pages repeat the same class strings (list items, cards): match each once.
  std::unordered_map<std::string_view, uint8_t> seen;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string& hints = nodes[i].hints;
    if (hints.empty()) continue;
    const auto [it, inserted] = seen.try_emplace(hints, 0);
    if (inserted) {
      hits.clear();
      if (HintSet().Match(hints, &hits)) {
        for (const int h : hits) it->second |= kBits[h];
      }
    }
    flags[i] = it->second;
  }
  return flags;
}

int ClassWeight(uint8_t flags) { return (flags & kPositive ? 25 : 0) - (flags & kNegative ? 25 : 0); }

// --- Text measures -----------------------------------------------------------

struct Measure {
  int chars = 0;   // code points that are not whitespace
  int links = 0;   // of which inside <a>
  int commas = 0;
  int paragraphs = 0;
  int images = 0;
  int items = 0;   // <li>
  bool block_child = false;
};

void MeasureText(const std::string& text, Measure& m) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = s[i];
    if (c == ',') ++m.commas;
    if (c == 0xEF && i + 2 < text.size() && s[i + 1] == 0xBC && s[i + 2] == 0x8C) ++m.commas;  // ，
    if (c == 0xE3 && i + 2 < text.size() && s[i + 1] == 0x80 && s[i + 2] == 0x81) ++m.commas;  // 、
    if ((c & 0xC0) == 0x80 || c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') continue;
    ++m.chars;
  }
}

double LinkDensity(const Measure& m) { return m.chars > 0 ? static_cast<double>(m.links) / m.chars : 0.0; }

// --- Extraction -----------------------------------------------------------------

enum class Mode { kStrict, kRelaxed, kBody };

class Extractor {
 public:
  Extractor(const HtmlTree& tree, const std::vector<uint8_t>& hint_flags, const HtmlExtractOptions& options, Mode mode)
      : tree_(tree), nodes_(tree.nodes()), flags_(hint_flags), options_(options), mode_(mode) {
    const size_t n = nodes_.size();
    pruned_.assign(n, 0);
    removed_.assign(n, 0);
    measure_.assign(n, Measure{});
    score_.assign(n, 0.0);
    scored_.assign(n, 0);
  }

  std::string Run() {
    Prune();
    MeasureAll();
    std::vector<int> roots;
    if (mode_ == Mode::kBody) {
      roots.push_back(tree_.body());
    } else {
      roots = SelectContent();
    }
    for (const int root : roots) CleanInside(root);
    if (options_.keep_comments && mode_ != Mode::kBody) AppendCommentSections(roots);
    std::string text;
    for (const int root : roots) Render(root, text);
    return text;
  }

 private:
  bool IsElement(int i) const { return !nodes_[static_cast<size_t>(i)].tag.empty(); }
  const HtmlNode& node(int i) const { return nodes_[static_cast<size_t>(i)]; }

  // Step 1. Nodes come in document order, so a parent precedes its children.
  void Prune() {
    for (size_t i = 1; i < nodes_.size(); ++i) {
      const HtmlNode& n = nodes_[i];
      if (n.parent >= 0 && pruned_[static_cast<size_t>(n.parent)]) {
        pruned_[i] = 1;
        continue;
      }
      if (n.tag.empty() || IsProtectedTag(n.tag)) continue;
      if (IsFurnitureTag(n.tag) && static_cast<int>(i) != tree_.body()) {
        pruned_[i] = 1;
        continue;
      }
      if (n.hints.empty()) continue;
      if (!options_.keep_comments && (flags_[i] & kComment) && n.tag != "a") {
        pruned_[i] = 1;
        continue;
      }
      if (mode_ != Mode::kRelaxed && n.tag != "a" && (flags_[i] & kUnlikely) && !(flags_[i] & kMaybe)) {
        pruned_[i] = 1;
      }
    }
  }

  // Bottom-up measures over the kept tree: children have larger indices, so
  // a reverse scan sums every child into its parent before the parent is read.
  void MeasureAll() {
    for (size_t k = nodes_.size(); k-- > 0;) {
      if (pruned_[k]) continue;
      const HtmlNode& n = nodes_[k];
      Measure& m = measure_[k];
      if (n.tag.empty()) {
        MeasureText(n.text, m);
      } else {
        if (n.tag == "p") ++m.paragraphs;
        if (n.tag == "img") ++m.images;
        if (n.tag == "li") ++m.items;
        if (n.tag == "a") m.links = m.chars;
      }
      if (n.parent < 0) continue;
      Measure& p = measure_[static_cast<size_t>(n.parent)];
      p.chars += m.chars;
      p.links += m.links;
      p.commas += m.commas;
      p.paragraphs += m.paragraphs;
      p.images += m.images;
      p.items += m.items;
      if (!n.tag.empty() && !IsInline(n.tag) && n.tag != "br") p.block_child = true;
    }
  }

  bool IsParagraphLike(int i) const {
    const std::string& tag = node(i).tag;
    if (tag == "p" || tag == "pre" || tag == "td" || tag == "blockquote") return true;
    if (tag == "div" || tag == "section" || tag == "article" || tag == "li" || tag == "dd") {
      return !measure_[static_cast<size_t>(i)].block_child;
    }
    return false;
  }

  double TagBase(const std::string& tag) const {
    if (tag == "div" || tag == "article" || tag == "section" || tag == "main") return 5;
    if (tag == "pre" || tag == "td" || tag == "blockquote") return 3;
    if (tag == "address" || tag == "ol" || tag == "ul" || tag == "dl" || tag == "dd" || tag == "dt" ||
        tag == "li" || tag == "form") {
      return -3;
    }
    if (IsHeading(tag) || tag == "th") return -5;
    return 0;
  }

  double Final(int i) const {
    return score_[static_cast<size_t>(i)] * (1.0 - LinkDensity(measure_[static_cast<size_t>(i)]));
  }

  // Step 2 and 3: the best container and its content-like siblings.
  std::vector<int> SelectContent() {
    for (size_t k = 1; k < nodes_.size(); ++k) {
      const int i = static_cast<int>(k);
      if (pruned_[k] || !IsElement(i) || !IsParagraphLike(i)) continue;
      const Measure& m = measure_[k];
      if (m.chars < 25) continue;
      const double s = 1.0 + m.commas + std::min(m.chars / 100.0, 3.0);
      int a = node(i).parent;
      for (int level = 0; level < 5 && a > 0; ++level, a = node(a).parent) {
        const size_t ak = static_cast<size_t>(a);
        if (!scored_[ak]) {
          scored_[ak] = 1;
          score_[ak] = TagBase(node(a).tag) + ClassWeight(flags_[ak]);
        }
        score_[ak] += s / (level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0);
      }
    }
    int top = -1;
    for (size_t k = 1; k < nodes_.size(); ++k) {
      if (scored_[k] && !pruned_[k] && (top < 0 || Final(static_cast<int>(k)) > Final(top))) {
        top = static_cast<int>(k);
      }
    }
    if (top < 0) return {tree_.body()};
    top = ClimbToSharedAncestor(top);
    // An only child says nothing about its parent's other content: use the parent.
    while (node(top).parent > 0 && node(top).parent != tree_.body() && ElementChildren(node(top).parent) == 1) {
      top = node(top).parent;
    }
    const int parent = node(top).parent;
    if (parent <= 0) return {top};
    std::vector<int> selected;
    const double threshold = std::max(10.0, Final(top) * 0.2);
    for (const int c : node(parent).children) {
      const size_t ck = static_cast<size_t>(c);
      if (pruned_[ck] || !IsElement(c)) continue;
      bool take = c == top;
      if (!take && scored_[ck]) {
        const double bonus = (!node(c).hints.empty() && node(c).hints == node(top).hints) ? Final(top) * 0.2 : 0;
        take = Final(c) + bonus >= threshold;
      }
      if (!take && (node(c).tag == "p" || IsParagraphLike(c))) {
        const Measure& m = measure_[ck];
        const double ld = LinkDensity(m);
        take = (m.chars > 80 && ld < 0.25) || (m.chars > 0 && m.chars <= 80 && ld == 0 && EndsSentence(c));
      }
      if (take) selected.push_back(c);
    }
    return selected;
  }

  int ElementChildren(int i) const {
    int count = 0;
    for (const int c : node(i).children) {
      if (!pruned_[static_cast<size_t>(c)] && IsElement(c) && measure_[static_cast<size_t>(c)].chars > 0) ++count;
    }
    return count;
  }

  // Readability: when >= 3 other strong candidates share an ancestor with the
  // top one, the article is split over several containers: take the ancestor.
  int ClimbToSharedAncestor(int top) const {
    std::vector<int> strong;
    const double bar = Final(top) * 0.75;
    for (size_t k = 1; k < nodes_.size(); ++k) {
      const int i = static_cast<int>(k);
      if (i != top && scored_[k] && !pruned_[k] && Final(i) >= bar) strong.push_back(i);
    }
    if (strong.size() < 3) return top;
    for (int a = node(top).parent; a > 0 && a != tree_.body(); a = node(a).parent) {
      int contained = 0;
      for (const int s : strong) {
        for (int x = s; x > 0; x = node(x).parent) {
          if (x == a) {
            ++contained;
            break;
          }
        }
      }
      if (contained >= 3) return a;
    }
    return top;
  }

  bool EndsSentence(int i) const {
    std::string text;
    CollectText(i, text);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
    return !text.empty() && (text.back() == '.' || text.find(". ") != std::string::npos);
  }

  void CollectText(int i, std::string& out) const {
    if (!IsElement(i)) {
      out += node(i).text;
      return;
    }
    for (const int c : node(i).children) {
      if (!pruned_[static_cast<size_t>(c)]) CollectText(c, out);
    }
  }

  // With keep_comments, comment sections outside the selected content are
  // appended after it, in document order, uncleaned (their link density and
  // class weights would otherwise drop them).
  void AppendCommentSections(std::vector<int>& roots) const {
    // Nodes come parent-first, so "covered" flows down in one forward pass.
    std::vector<uint8_t> covered(nodes_.size(), 0);
    for (const int root : roots) covered[static_cast<size_t>(root)] = 1;
    for (size_t k = 1; k < nodes_.size(); ++k) {
      const int parent = nodes_[k].parent;
      if (parent >= 0 && covered[static_cast<size_t>(parent)]) covered[k] = 1;
      if (covered[k] || pruned_[k] || nodes_[k].hints.empty() || measure_[k].chars == 0) continue;
      if (!(flags_[k] & kComment)) continue;
      roots.push_back(static_cast<int>(k));
      covered[k] = 1;
    }
  }

  // Step 3b: conditional cleaning of blocks inside the selected content.
  void CleanInside(int root) {
    std::vector<int> stack(node(root).children.rbegin(), node(root).children.rend());
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      const size_t k = static_cast<size_t>(i);
      if (pruned_[k] || !IsElement(i)) continue;
      if (ShouldRemove(i)) {
        removed_[k] = 1;
        continue;
      }
      for (auto it = node(i).children.rbegin(); it != node(i).children.rend(); ++it) stack.push_back(*it);
    }
  }

  bool ShouldRemove(int i) const {
    const HtmlNode& n = node(i);
    const Measure& m = measure_[static_cast<size_t>(i)];
    const double ld = LinkDensity(m);
    if (mode_ == Mode::kBody) {
      return !IsInline(n.tag) && m.chars > 0 && ld > 0.5;
    }
    const int weight = ClassWeight(flags_[static_cast<size_t>(i)]);
    if (IsHeading(n.tag)) return weight < 0 || ld > 0.33;
    static const std::unordered_set<std::string> conditional = {
        "div", "section", "ul", "ol", "table", "form", "fieldset", "dl", "figure", "center"};
    if (!conditional.count(n.tag)) return false;
    if (weight + (scored_[static_cast<size_t>(i)] ? score_[static_cast<size_t>(i)] : 0) < 0) return true;
    if (m.commas >= 10) return false;
    const bool is_list = n.tag == "ul" || n.tag == "ol";
    if (n.tag == "table" && m.chars > 0 && ld < 0.2) return false;  // a data table
    if (m.images > 1 && m.paragraphs * 2 < m.images && n.tag != "figure") return true;
    if (!is_list && m.chars < 25 && (m.images == 0 || m.images > 2)) return true;
    if (weight < 25 && ld > 0.2) return true;
    if (weight >= 25 && ld > 0.5) return true;
    return false;
  }

  // Step 4. Iterative render with open/close events.
  void Render(int root, std::string& out) {
    struct Event {
      int node;
      bool close;
    };
    std::vector<Event> stack{{root, false}};
    while (!stack.empty()) {
      const Event e = stack.back();
      stack.pop_back();
      const size_t k = static_cast<size_t>(e.node);
      if (pruned_[k] || removed_[k]) continue;
      const HtmlNode& n = node(e.node);
      if (n.tag.empty()) {
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

  void Break(int level) { pending_break_ = std::max(pending_break_, level); }

  void Open(const std::string& tag, std::string& out) {
    if (tag == "br") {
      if (pre_depth_ == 0) {
        out.push_back('\n');
        line_empty_ = true;
        need_space_ = false;
      }
      return;
    }
    if (tag == "pre") ++pre_depth_;
    if (tag == "tr") {
      Break(1);
      row_has_text_ = false;
    }
    if ((tag == "td" || tag == "th") && row_has_text_) pending_separator_ = " | ";
    if (tag == "li") {
      Break(1);
      pending_separator_ = "- ";
    }
    if (tag == "img" || IsInline(tag) || tag == "td" || tag == "th") return;
    Break(IsParagraphBreak(tag) ? 2 : 1);
  }

  void Close(const std::string& tag, std::string& out) {
    (void)out;
    if (tag == "pre") --pre_depth_;
    if (IsInline(tag) || tag == "br" || tag == "img" || tag == "td" || tag == "th") return;
    Break(IsParagraphBreak(tag) ? 2 : 1);
  }

  void StartText(std::string& out) {
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

  void EmitText(const std::string& text, std::string& out) {
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
      if ((need_space_ || leading_space) && !line_empty_) out.push_back(' ');
      out.append(text, i, j - i);
      line_empty_ = false;
      need_space_ = false;
      leading_space = false;
      row_has_text_ = true;
      i = j;
    }
    if (leading_space && !line_empty_) need_space_ = true;
  }

  const HtmlTree& tree_;
  const std::vector<HtmlNode>& nodes_;
  const std::vector<uint8_t>& flags_;
  HtmlExtractOptions options_;
  Mode mode_;
  std::vector<uint8_t> pruned_;
  std::vector<uint8_t> removed_;
  std::vector<Measure> measure_;
  std::vector<double> score_;
  std::vector<uint8_t> scored_;
  // Render state.
  int pending_break_ = 0;
  int pre_depth_ = 0;
  bool line_empty_ = true;
  bool need_space_ = false;
  bool row_has_text_ = false;
  std::string pending_separator_;
};

// Step 5: drop boilerplate lines, tidy blank lines.
std::string DropBoilerplateLines(const std::string& text, const BoilerplatePhrases* phrases) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  int blank = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(' ') == std::string_view::npos) {
      ++blank;
      continue;
    }
    if (phrases && phrases->Matches(line)) continue;
    if (!out.empty()) out.append(blank > 0 ? "\n\n" : "\n");
    blank = 0;
    out.append(line);
  }
  return out;
}

}  // namespace

HtmlExtractResult ExtractMainText(const HtmlTree& tree, const HtmlExtractOptions& options,
                                  const BoilerplatePhrases* phrases) {
  HtmlExtractResult best;
  const std::vector<uint8_t> flags = HintFlags(tree.nodes());
  const std::pair<Mode, const char*> attempts[] = {
      {Mode::kStrict, "article"}, {Mode::kRelaxed, "relaxed"}, {Mode::kBody, "body"}};
  for (const auto& [mode, name] : attempts) {
    Extractor extractor(tree, flags, options, mode);
    std::string text = DropBoilerplateLines(extractor.Run(), phrases);
    if (CountCodePoints(text) > CountCodePoints(best.text)) {
      best.text = std::move(text);
      best.method = name;
    }
    if (CountCodePoints(best.text) >= static_cast<size_t>(options.min_text_chars)) break;
  }
  if (options.include_title && !tree.meta().title.empty()) {
    std::string title = tree.meta().title;
    best.text = title + (best.text.empty() ? "" : "\n\n") + best.text;
  }
  return best;
}

}  // namespace textmill
