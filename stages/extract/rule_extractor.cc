#include "stages/extract/rule_extractor.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "stages/extract/hint_matches.h"
#include "stages/extract/html_tags.h"
#include "stages/extract/text_renderer.h"

namespace textmill {
namespace {

// --- Tag classes -------------------------------------------------------------

bool IsInline(std::string_view tag) { return IsInlineTag(tag); }

bool IsHeading(std::string_view tag) { return IsHeadingTag(tag); }

// Tags as std::string_view throughout: its == compares the length first,
// where std::string's == calls memcmp for every comparison (5% of the
// extract stage went to those calls).

// Tags whose subtree is page furniture whatever its class says.
bool IsFurnitureTag(std::string_view tag) {
  return tag == "nav" || tag == "aside" || tag == "footer" || tag == "header" || tag == "menu" || tag == "noscript";
}

// Containers never pruned by class hints: pruning them would drop the page.
bool IsProtectedTag(std::string_view tag) {
  return tag == "body" || tag == "html" || tag == "article" || tag == "main" || tag == "#root";
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

// Per byte: 1 when it starts a character that is not white space, 2 when it
// may start a comma (',' or the lead byte of '，' or '、'). One lookup per byte
// instead of seven comparisons: this loop reads every text byte twice a page.
constexpr auto kMeasureClass = [] {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    const bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
    table[static_cast<size_t>(c)] =
        static_cast<uint8_t>(((c & 0xC0) != 0x80 && !blank ? 1 : 0) | (c == ',' || c == 0xEF || c == 0xE3 ? 2 : 0));
  }
  return table;
}();

void MeasureText(const std::string& text, Measure& m) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  int chars = 0, commas = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t f = kMeasureClass[s[i]];
    chars += f & 1;
    if (f & 2) {
      const unsigned char c = s[i];
      if (c == ',') {
        ++commas;
      } else if (i + 2 < n && ((c == 0xEF && s[i + 1] == 0xBC && s[i + 2] == 0x8C) ||   // ，
                               (c == 0xE3 && s[i + 1] == 0x80 && s[i + 2] == 0x81))) {  // 、
        ++commas;
      }
    }
  }
  m.chars += chars;
  m.commas += commas;
}

double LinkDensity(const Measure& m) { return m.chars > 0 ? static_cast<double>(m.links) / m.chars : 0.0; }

// --- Extraction -----------------------------------------------------------------

using Mode = RuleMode;

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
    for (size_t k = 0; k < nodes_.size(); ++k) removed_[k] |= pruned_[k];
    TextRenderer renderer(nodes_);
    for (const int root : roots) renderer.Render(root, removed_, nullptr);
    return renderer.Take();
  }

  // The nodes Run() would render (1 = rendered), without rendering them.
  std::vector<uint8_t> Selection() {
    Prune();
    MeasureAll();
    const std::vector<int> roots = mode_ == Mode::kBody ? std::vector<int>{tree_.body()} : SelectContent();
    for (const int root : roots) CleanInside(root);
    std::vector<int> all_roots = roots;
    if (options_.keep_comments && mode_ != Mode::kBody) AppendCommentSections(all_roots);
    std::vector<uint8_t> selected(nodes_.size(), 0);
    for (const int root : all_roots) selected[static_cast<size_t>(root)] = 1;
    for (size_t k = 1; k < nodes_.size(); ++k) {
      const size_t parent = static_cast<size_t>(nodes_[k].parent);
      if (selected[parent]) selected[k] = 1;
    }
    for (size_t k = 0; k < nodes_.size(); ++k) {
      if (pruned_[k] || removed_[k]) selected[k] = 0;
    }
    return selected;
  }

 private:
  bool IsElement(int i) const { return !nodes_[static_cast<size_t>(i)].tag.empty(); }
  const HtmlNode& node(int i) const { return nodes_[static_cast<size_t>(i)]; }

  // Step 1. Nodes come in document order, so a parent precedes its children.
  void Prune() {
    for (size_t i = 1; i < nodes_.size(); ++i) {
      const HtmlNode& n = nodes_[i];
      const std::string_view tag = n.tag;
      if (n.parent >= 0 && pruned_[static_cast<size_t>(n.parent)]) {
        pruned_[i] = 1;
        continue;
      }
      if (tag.empty() || IsProtectedTag(tag)) continue;
      if (IsFurnitureTag(tag) && static_cast<int>(i) != tree_.body()) {
        pruned_[i] = 1;
        continue;
      }
      if (n.hints.empty()) continue;
      if (!options_.keep_comments && (flags_[i] & kComment) && tag != "a") {
        pruned_[i] = 1;
        continue;
      }
      if (mode_ != Mode::kRelaxed && tag != "a" && (flags_[i] & kUnlikely) && !(flags_[i] & kMaybe)) {
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
      const std::string_view tag = n.tag;
      Measure& m = measure_[k];
      if (tag.empty()) {
        MeasureText(n.text, m);
      } else {
        if (tag == "p") ++m.paragraphs;
        if (tag == "img") ++m.images;
        if (tag == "li") ++m.items;
        if (tag == "a") m.links = m.chars;
      }
      if (n.parent < 0) continue;
      Measure& p = measure_[static_cast<size_t>(n.parent)];
      p.chars += m.chars;
      p.links += m.links;
      p.commas += m.commas;
      p.paragraphs += m.paragraphs;
      p.images += m.images;
      p.items += m.items;
      if (!tag.empty() && !IsInline(tag) && tag != "br") p.block_child = true;
    }
  }

  bool IsParagraphLike(int i) const {
    const std::string_view tag = node(i).tag;
    if (tag == "p" || tag == "pre" || tag == "td" || tag == "blockquote") return true;
    if (tag == "div" || tag == "section" || tag == "article" || tag == "li" || tag == "dd") {
      return !measure_[static_cast<size_t>(i)].block_child;
    }
    return false;
  }

  double TagBase(std::string_view tag) const {
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
      if (!take && (std::string_view(node(c).tag) == "p" || IsParagraphLike(c))) {
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
    const std::string_view tag = n.tag;
    const bool is_list = tag == "ul" || tag == "ol";
    if (tag == "table" && m.chars > 0 && ld < 0.2) return false;  // a data table
    if (m.images > 1 && m.paragraphs * 2 < m.images && tag != "figure") return true;
    if (!is_list && m.chars < 25 && (m.images == 0 || m.images > 2)) return true;
    if (weight < 25 && ld > 0.2) return true;
    if (weight >= 25 && ld > 0.5) return true;
    return false;
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
};

}  // namespace

std::vector<uint8_t> RuleHintFlags(const std::vector<HtmlNode>& nodes) { return MatchRuleHints(nodes); }

std::vector<uint8_t> InCommentSection(const std::vector<HtmlNode>& nodes, const std::vector<uint8_t>& hint_flags) {
  std::vector<uint8_t> inside(nodes.size(), 0);
  for (size_t k = 1; k < nodes.size(); ++k) {
    const HtmlNode& n = nodes[k];
    inside[k] = inside[static_cast<size_t>(n.parent)] ||
                (!n.tag.empty() && std::string_view(n.tag) != "a" && (hint_flags[k] & kComment) != 0);
  }
  return inside;
}

std::string RuleExtractText(const HtmlTree& tree, const std::vector<uint8_t>& hint_flags,
                            const HtmlExtractOptions& options, RuleMode mode) {
  return Extractor(tree, hint_flags, options, mode).Run();
}

std::vector<uint8_t> RuleSelection(const HtmlTree& tree, const std::vector<uint8_t>& hint_flags,
                                   const HtmlExtractOptions& options, RuleMode mode) {
  return Extractor(tree, hint_flags, options, mode).Selection();
}

}  // namespace textmill
