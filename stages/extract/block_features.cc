#include "stages/extract/block_features.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "stages/extract/block_feature_tables.h"
#include "stages/extract/html_tags.h"

namespace textmill {
namespace {

using namespace block_feature_tables;  // NOLINT(google-build-using-namespace): this file's vocabulary

constexpr float kNone = 64;  // distance when no ancestor matches
constexpr int kContainerLevels = 4;
constexpr int kRepeatLevels = 6;

const RE2& PageTypePattern(size_t t) {
  static const std::vector<std::unique_ptr<RE2>> patterns = [] {
    std::vector<std::unique_ptr<RE2>> p;
    for (const auto& [name, pattern] : kPageTypes) p.push_back(std::make_unique<RE2>(pattern));
    return p;
  }();
  return *patterns[t];
}

int TagFamily(const std::string& tag) {
  static const std::unordered_map<std::string_view, int> families = [] {
    std::unordered_map<std::string_view, int> map;
    for (size_t f = 0; f < kNumTagFamilies; ++f) {
      const std::string_view names = kTagFamilies[f].second;
      for (size_t pos = 0; pos <= names.size();) {
        size_t end = names.find(' ', pos);
        if (end == std::string_view::npos) end = names.size();
        map.emplace(names.substr(pos, end - pos), static_cast<int>(f));
        pos = end + 1;
      }
    }
    return map;
  }();
  const auto it = families.find(tag);
  return it == families.end() ? -1 : it->second;
}

struct GroupStats {
  int blocks = 0, chars = 0, link_chars = 0, strict_chars = 0;
};

struct TextStats {
  int chars = 0, link_chars = 0, words = 0, commas = 0, stops = 0, digits = 0, upper = 0, alpha = 0;
  int pipes = 0;
};

// What AddBlockText counts of a byte, one table lookup per byte: the block text
// loop was a tenth of the extract stage with a branch per class.
enum ByteClass : uint8_t {
  kSpace = 1,         // ' ', \n, \t, \r, \f
  kContinuation = 2,  // a UTF-8 continuation byte: not a character of its own
  kComma = 4,
  kStop = 8,  // . ! ?
  kPipe = 16,
  kDigit = 32,
  kUpper = 64,
  kAlpha = 128,  // ASCII letters and the lead bytes of non-ASCII characters
};
constexpr auto kByteClass = [] {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    uint8_t f = 0;
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') f |= kSpace;
    if ((c & 0xC0) == 0x80) f |= kContinuation;
    if (c == ',') f |= kComma;
    if (c == '.' || c == '!' || c == '?') f |= kStop;
    if (c == '|') f |= kPipe;
    if (c >= '0' && c <= '9') f |= kDigit;
    if (c >= 'A' && c <= 'Z') f |= kUpper;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0) f |= kAlpha;
    table[static_cast<size_t>(c)] = f;
  }
  return table;
}();

bool IsSpaceByte(char c) { return kByteClass[static_cast<unsigned char>(c)] & kSpace; }

// The position of the owner's tag in kOwnerTags, or -1: one lookup per block
// instead of a string comparison per owner tag.
int OwnerTagIndex(const std::string& tag) {
  static const std::unordered_map<std::string_view, int> index = [] {
    std::unordered_map<std::string_view, int> map;
    for (size_t t = 0; t < std::size(kOwnerTags); ++t) map.emplace(kOwnerTags[t], static_cast<int>(t));
    return map;
  }();
  const auto it = index.find(tag);
  return it == index.end() ? -1 : it->second;
}

// Appends the text to `out` with each run of white space made one space
// (none at the start of `out`), and counts it into `s`: a word is a run of
// non-space bytes, characters are the bytes that are not spaces or UTF-8
// continuation bytes. One pass for both.
void AddBlockText(std::string_view text, bool in_link, TextStats& s, std::string& out) {
  int words = 0, chars = 0, commas = 0, stops = 0, pipes = 0, digits = 0, upper = 0, alpha = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (IsSpaceByte(text[i])) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      while (i < text.size() && IsSpaceByte(text[i])) ++i;
      continue;
    }
    const size_t start = i;
    ++words;
    for (; i < text.size(); ++i) {
      const unsigned f = kByteClass[static_cast<unsigned char>(text[i])];
      if (f & kSpace) break;
      chars += (f & kContinuation) == 0;
      commas += (f & kComma) != 0;
      stops += (f & kStop) != 0;
      pipes += (f & kPipe) != 0;
      digits += (f & kDigit) != 0;
      upper += (f & kUpper) != 0;
      alpha += (f & kAlpha) != 0;
    }
    out.append(text.substr(start, i - start));
  }
  s.words += words;
  s.chars += chars;
  if (in_link) s.link_chars += chars;
  s.commas += commas;
  s.stops += stops;
  s.pipes += pipes;
  s.digits += digits;
  s.upper += upper;
  s.alpha += alpha;
}

float Log1p(double v) { return static_cast<float>(std::log1p(std::max(0.0, v))); }
// Counts are most of the arguments: small ones from a table of the same values.
float Log1p(int v) {
  static const std::array<float, 4096> table = [] {
    std::array<float, 4096> t{};
    for (size_t k = 0; k < t.size(); ++k) t[k] = Log1p(static_cast<double>(k));
    return t;
  }();
  return v >= 0 && static_cast<size_t>(v) < table.size() ? table[static_cast<size_t>(v)] : Log1p(static_cast<double>(v));
}
float Ratio(double a, double b) { return b > 0 ? static_cast<float>(a / b) : 0.0F; }

// What NormalizedForMatch makes of a byte: itself (non-ASCII bytes, digits,
// lower-case letters), its lower case, or 0 (dropped).
constexpr auto kMatchByte = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 256; ++c) {
    const bool kept = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
    if (kept) table[static_cast<size_t>(c)] = static_cast<char>(c);
    if (c >= 'A' && c <= 'Z') table[static_cast<size_t>(c)] = static_cast<char>(c + 32);
  }
  return table;
}();

// At most `limit` characters of the result are made (enough for every use).
std::string NormalizedForMatch(std::string_view s, size_t limit = std::string::npos) {
  std::string out(std::min(s.size(), limit), '\0');
  size_t n = 0;
  for (size_t i = 0; i < s.size() && n < out.size(); ++i) {
    const char c = kMatchByte[static_cast<unsigned char>(s[i])];
    out[n] = c;
    n += c != 0;
  }
  out.resize(n);
  return out;
}

// A text that block openings are looked up in, with the 4-byte sequences it
// holds hashed into 2^16 bits: an opening whose first 4 bytes are not there
// is absent without a search. The structured data's article body is often
// as long as the page's text, and was searched once per block.
class OpeningText {
 public:
  explicit OpeningText(std::string text) : text_(std::move(text)) {
    if (text_.size() < 4) return;
    quads_.assign(kWords, 0);
    for (size_t i = 0; i + 4 <= text_.size(); ++i) {
      const uint32_t h = Hash(text_.data() + i);
      quads_[h >> 6] |= uint64_t{1} << (h & 63);
    }
  }

  bool empty() const { return text_.empty(); }

  bool Contains(std::string_view needle) const {
    if (needle.size() >= 4 && !quads_.empty()) {
      const uint32_t h = Hash(needle.data());
      if (((quads_[h >> 6] >> (h & 63)) & 1) == 0) return false;
    }
    return text_.find(needle) != std::string::npos;
  }

 private:
  static constexpr size_t kWords = (size_t{1} << 16) / 64;
  static uint32_t Hash(const char* bytes) {
    uint32_t v = 0;
    std::memcpy(&v, bytes, 4);
    return (v * 2654435761U) >> 16;
  }

  std::string text_;
  std::vector<uint64_t> quads_;  // empty: text shorter than 4 bytes
};

// Whether a block's opening (its first 32 normalized characters, or all of a
// shorter block of at least 12) occurs in `text`: the block repeats what the
// page's description or structured data says.
bool SharesOpening(const std::string& block, const OpeningText& text) {
  if (block.size() < 12 || text.empty()) return false;
  return text.Contains(std::string_view(block).substr(0, 32));
}

const size_t kHeadingFamily = static_cast<size_t>(TagFamily("h1"));

}  // namespace

// std::string::find_first_not_of would call memchr per byte.
bool IsBlankText(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return IsSpaceByte(c); });  // a lambda inlines
}

const std::vector<std::string>& FeatureNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"chars", "words", "link_ratio", "commas", "stops", "digit_ratio",
                                  "upper_ratio", "alpha_ratio", "pipes", "avg_word", "ends_punct",
                                  "text_pieces", "title_match", "desc_match", "structured_match", "depth"};
    for (const char* tag : kOwnerTags) n.push_back(std::string("owner_") + tag);
    for (const auto& [name, pattern] : kHintFamilies) n.push_back(std::string("hint_") + name);
    for (const auto& [name, tags] : kTagFamilies) n.push_back(std::string("tag_") + name);
    for (int level = 0; level < kContainerLevels; ++level) {
      const std::string l = std::to_string(level);
      for (const char* f : {"chars", "link_ratio", "blocks", "share", "paras"}) n.push_back("c" + l + "_" + f);
    }
    for (const char* f : {"rep_max", "rep_level", "rep_count", "rep_chars"}) n.push_back(f);
    for (const char* f : {"rule_strict", "rule_relaxed"}) n.push_back(f);
    for (const char* f : {"group_size", "group_chars", "group_link_ratio", "group_strict", "group_page_share"}) {
      n.push_back(f);
    }
    for (const char* side : {"prev", "next", "prev2", "next2"}) {
      for (const char* f : {"chars", "link_ratio", "strict", "heading"}) n.push_back(std::string(side) + "_" + f);
    }
    for (const char* f : {"page_chars", "page_link_ratio", "page_blocks", "page_strict_share"}) n.push_back(f);
    for (const auto& [name, pattern] : kPageTypes) n.push_back(std::string("type_") + name);
    return n;
  }();
  return names;
}

namespace {

// Zebra striping: alternate posts and rows carry one of these (bbPress
// "odd"/"even", "alt").
bool IsZebraHint(std::string_view token) { return token == "odd" || token == "even" || token == "alt"; }

// The hints with every run of letters and digits that holds a digit written
// "#": items of one kind differ by their numbers ("post-12345",
// "comment-987", Reddit's "t1_l0f3c9d-comment-rtjson-content", "col-md-8"),
// so each post, comment or card of a thread or listing would otherwise be a
// group of its own. `zebra` (if given) is set when the hints hold a zebra
// hint; with `drop_zebra` they are left out.
void AppendItemFreeHints(std::string_view hints, std::string& out, bool* zebra = nullptr, bool drop_zebra = false) {
  const size_t start = out.size();
  size_t i = 0;
  while (i < hints.size()) {
    if ((zebra || drop_zebra) && (i == 0 || hints[i - 1] == ' ')) {
      const size_t space = std::min(hints.find(' ', i), hints.size());
      if (IsZebraHint(hints.substr(i, space - i))) {
        if (zebra) *zebra = true;
        if (drop_zebra) {
          i = std::min(space + 1, hints.size());
          continue;
        }
      }
    }
    const auto alnum = [&](size_t k) {
      const char c = hints[k];
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    };
    if (!alnum(i)) {
      out.push_back(hints[i++]);
      continue;
    }
    size_t end = i;
    bool digit = false;
    while (end < hints.size() && alnum(end)) digit |= hints[end++] <= '9';
    if (digit) {
      out.push_back('#');
    } else {
      out.append(hints.substr(i, end - i));
    }
    i = end;
  }
  if (drop_zebra) {
    while (out.size() > start && out.back() == ' ') out.pop_back();  // "post odd" is "post"
  }
}

}  // namespace

PageBlocks ComputeBlocks(const HtmlTree& tree, const RuleSelections& rules, const std::vector<uint64_t>& hint_families,
                         const std::vector<std::string>& page_types, std::string_view structured_text_raw) {
  const std::vector<HtmlNode>& nodes = tree.nodes();
  const size_t n = nodes.size();
  PageBlocks page;
  page.block_of_text.assign(n, -1);

  // Forward pass (parents precede children): owner element, link context,
  // depth, and distances to ancestor families.
  std::vector<int> owner(n, 0), depth(n, 0);
  std::vector<uint8_t> in_link(n, 0);
  std::vector<std::array<uint8_t, kNumHintFamilies>> hint_dist(n);
  std::vector<std::array<uint8_t, kNumTagFamilies>> tag_dist(n);
  for (size_t i = 0; i < n; ++i) {
    const HtmlNode& node = nodes[i];
    const int parent = node.parent;
    const bool element = !node.tag.empty();
    if (parent < 0) {
      hint_dist[i].fill(static_cast<uint8_t>(kNone));
      tag_dist[i].fill(static_cast<uint8_t>(kNone));
      continue;
    }
    const size_t p = static_cast<size_t>(parent);
    depth[i] = depth[p] + 1;
    in_link[i] = in_link[p] || std::string_view(node.tag) == "a";
    owner[i] = (element && !IsInlineTag(node.tag)) ? static_cast<int>(i) : owner[p];
    if (!element) continue;
    // The parent's distances one level further (a loop the compiler
    // vectorizes), then 0 for the element's own families.
    for (size_t f = 0; f < kNumHintFamilies; ++f) {
      hint_dist[i][f] = static_cast<uint8_t>(std::min<int>(hint_dist[p][f] + 1, kNone));
    }
    for (uint64_t m = hint_families[i]; m != 0; m &= m - 1) hint_dist[i][static_cast<size_t>(std::countr_zero(m))] = 0;
    const int tf = TagFamily(node.tag);
    for (size_t f = 0; f < kNumTagFamilies; ++f) {
      tag_dist[i][f] = static_cast<uint8_t>(std::min<int>(tag_dist[p][f] + 1, kNone));
    }
    if (tf >= 0) tag_dist[i][static_cast<size_t>(tf)] = 0;
  }

  // Blocks in document order; their text and stats.
  std::vector<TextStats> stats;
  std::vector<int> pieces;
  std::vector<int> block_of_owner(n, -1);  // per owner element
  for (size_t i = 0; i < n; ++i) {
    const HtmlNode& node = nodes[i];
    if (!node.tag.empty() || IsBlankText(node.text)) continue;
    const int o = owner[i];
    int& owner_block = block_of_owner[static_cast<size_t>(o)];
    if (owner_block < 0) {
      owner_block = static_cast<int>(page.owner.size());
      page.owner.push_back(o);
      page.text.emplace_back();
      stats.emplace_back();
      pieces.push_back(0);
    }
    const int b = owner_block;
    page.block_of_text[i] = b;
    std::string& text = page.text[static_cast<size_t>(b)];
    if (!text.empty() && text.back() != ' ') text.push_back(' ');
    AddBlockText(node.text, in_link[i], stats[static_cast<size_t>(b)], text);
    ++pieces[static_cast<size_t>(b)];
  }
  for (std::string& text : page.text) {
    while (!text.empty() && text.back() == ' ') text.pop_back();
  }
  // White space between inline elements (and the line breaks of a <pre>)
  // belongs to the block of its element, so it is rendered with it.
  for (size_t i = 0; i < n; ++i) {
    if (!nodes[i].tag.empty() || page.block_of_text[i] >= 0) continue;
    page.block_of_text[i] = block_of_owner[static_cast<size_t>(owner[i])];
  }
  const size_t num_blocks = page.owner.size();
  std::unordered_map<std::string, int> group_of_signature;
  std::string signature;
  bool zebra = false;
  // The signature of block b's owner and two ancestors: tags and item-free hints.
  const auto sign = [&](size_t b, bool drop_zebra) {
    signature.clear();
    int e = page.owner[b];
    for (int level = 0; level < 3 && e > 0; ++level, e = nodes[static_cast<size_t>(e)].parent) {
      const HtmlNode& element = nodes[static_cast<size_t>(e)];
      signature.append(element.tag).append(1, '\x1f');
      AppendItemFreeHints(element.hints, signature, &zebra, drop_zebra);
      signature.append(1, '\x1e');
    }
  };
  for (size_t b = 0; b < num_blocks; ++b) {
    sign(b, false);
    const auto [it, inserted] = group_of_signature.try_emplace(signature, static_cast<int>(group_of_signature.size()));
    page.group.push_back(it->second);
  }
  page.post_group = page.group;
  if (zebra) {  // most pages have none: their post groups are their groups
    std::unordered_map<std::string, int> post_group_of_signature;
    for (size_t b = 0; b < num_blocks; ++b) {
      sign(b, true);
      const int next = static_cast<int>(post_group_of_signature.size());
      page.post_group[b] = post_group_of_signature.try_emplace(signature, next).first->second;
    }
  }

  // Bottom-up subtree sums: chars, link chars, blocks, <p> count.
  std::vector<int> sub_chars(n, 0), sub_links(n, 0), sub_blocks(n, 0), sub_paras(n, 0);
  for (size_t b = 0; b < num_blocks; ++b) {
    const size_t o = static_cast<size_t>(page.owner[b]);
    sub_chars[o] += stats[b].chars;
    sub_links[o] += stats[b].link_chars;
    sub_blocks[o] += 1;
  }
  for (size_t k = n; k-- > 1;) {
    if (std::string_view(nodes[k].tag) == "p") ++sub_paras[k];
    const size_t p = static_cast<size_t>(nodes[k].parent);
    sub_chars[p] += sub_chars[k];
    sub_links[p] += sub_links[k];
    sub_blocks[p] += sub_blocks[k];
    sub_paras[p] += sub_paras[k];
  }

  // Siblings with the same tag and hints (posts, cards, rows).
  // Element children sorted by (tag, hints): each run of equals is one kind,
  // counted without building a key string per child.
  std::vector<int> repeat(n, 1);
  std::vector<int> kids;
  const auto kind = [&nodes](int c) {
    const HtmlNode& child = nodes[static_cast<size_t>(c)];
    return std::tie(child.tag, child.hints);
  };
  for (size_t i = 0; i < n; ++i) {
    const std::vector<int>& children = nodes[i].children;
    if (children.size() < 2) continue;
    kids.clear();
    for (const int c : children) {
      if (!nodes[static_cast<size_t>(c)].tag.empty()) kids.push_back(c);
    }
    std::sort(kids.begin(), kids.end(), [&kind](int a, int b) { return kind(a) < kind(b); });
    for (size_t run = 0; run < kids.size();) {
      size_t end = run + 1;
      while (end < kids.size() && kind(kids[end]) == kind(kids[run])) ++end;
      for (size_t k = run; k < end; ++k) repeat[static_cast<size_t>(kids[k])] = static_cast<int>(end - run);
      run = end;
    }
  }

  // Page-level values.
  const int body = tree.body();
  const double page_chars = sub_chars[static_cast<size_t>(body)];
  double strict_chars = 0;
  std::vector<uint8_t> block_strict(num_blocks, 0), block_relaxed(num_blocks, 0);
  for (size_t i = 0; i < n; ++i) {
    const int b = page.block_of_text[i];
    if (b < 0) continue;
    if (rules.strict[i]) block_strict[static_cast<size_t>(b)] = 1;
    if (rules.relaxed[i]) block_relaxed[static_cast<size_t>(b)] = 1;
  }
  for (size_t b = 0; b < num_blocks; ++b) {
    if (block_strict[b]) strict_chars += stats[b].chars;
  }
  std::array<float, kNumPageTypes> type_flags{};
  for (size_t t = 0; t < kNumPageTypes; ++t) {
    for (const std::string& type : page_types) {
      if (RE2::FullMatch(type, PageTypePattern(t))) type_flags[t] = 1;
    }
  }
  // Blocks of one group (posts, cards, list items) judged together.
  std::vector<GroupStats> group_stats(group_of_signature.size());
  for (size_t b = 0; b < num_blocks; ++b) {
    GroupStats& g = group_stats[static_cast<size_t>(page.group[b])];
    ++g.blocks;
    g.chars += stats[b].chars;
    g.link_chars += stats[b].link_chars;
    if (block_strict[b]) g.strict_chars += stats[b].chars;
  }
  const std::string title = NormalizedForMatch(tree.meta().title);
  const OpeningText description(NormalizedForMatch(tree.meta().description));
  const OpeningText structured_text(NormalizedForMatch(structured_text_raw));

  const size_t width = FeatureNames().size();
  page.features.assign(num_blocks * width, 0.0F);
  for (size_t b = 0; b < num_blocks; ++b) {
    float* row = page.features.data() + b * width;
    size_t f = 0;
    const TextStats& s = stats[b];
    const std::string& text = page.text[b];
    const char last = text.empty() ? ' ' : text.back();
    // A block longer than the title is not in it, and the openings compared
    // are 32 characters: the block is normalized no further than that.
    const std::string normalized = NormalizedForMatch(text, std::max<size_t>(32, title.size() + 1));
    row[f++] = Log1p(s.chars);
    row[f++] = Log1p(s.words);
    row[f++] = Ratio(s.link_chars, s.chars);
    row[f++] = Log1p(s.commas);
    row[f++] = Log1p(s.stops);
    row[f++] = Ratio(s.digits, s.chars);
    row[f++] = Ratio(s.upper, s.alpha);
    row[f++] = Ratio(s.alpha, s.chars);
    row[f++] = Log1p(s.pipes);
    row[f++] = Ratio(s.chars, s.words);
    row[f++] = (last == '.' || last == '!' || last == '?' || last == ':' || last == ';') ? 1 : 0;
    row[f++] = Log1p(pieces[b]);
    row[f++] = (normalized.size() >= 8 && !title.empty() && title.find(normalized) != std::string::npos) ? 1 : 0;
    row[f++] = SharesOpening(normalized, description) ? 1 : 0;
    row[f++] = SharesOpening(normalized, structured_text) ? 1 : 0;
    const size_t o = static_cast<size_t>(page.owner[b]);
    row[f++] = static_cast<float>(depth[o]);
    const int owner_tag = OwnerTagIndex(nodes[o].tag);
    for (size_t t = 0; t < std::size(kOwnerTags); ++t) row[f++] = static_cast<int>(t) == owner_tag ? 1 : 0;
    for (size_t h = 0; h < kNumHintFamilies; ++h) row[f++] = hint_dist[o][h];
    for (size_t t = 0; t < kNumTagFamilies; ++t) row[f++] = tag_dist[o][t];
    int c = static_cast<int>(o);
    for (int level = 0; level < kContainerLevels; ++level) {
      const size_t ck = static_cast<size_t>(c);
      row[f++] = Log1p(sub_chars[ck]);
      row[f++] = Ratio(sub_links[ck], sub_chars[ck]);
      row[f++] = Log1p(sub_blocks[ck]);
      row[f++] = Ratio(s.chars, sub_chars[ck]);
      row[f++] = Log1p(sub_paras[ck]);
      if (nodes[ck].parent > 0) c = nodes[ck].parent;
    }
    // The nearest ancestor (within kRepeatLevels) that repeats among its siblings.
    int rep_max = 1, rep_level = static_cast<int>(kNone), rep_count = 0, rep_chars = 0;
    c = static_cast<int>(o);
    for (int level = 0; level < kRepeatLevels && c > 0; ++level, c = nodes[static_cast<size_t>(c)].parent) {
      const int r = repeat[static_cast<size_t>(c)];
      rep_max = std::max(rep_max, r);
      if (r >= 2 && rep_level == static_cast<int>(kNone)) {
        rep_level = level;
        rep_count = r;
        rep_chars = sub_chars[static_cast<size_t>(c)];
      }
    }
    row[f++] = Log1p(rep_max);
    row[f++] = static_cast<float>(rep_level);
    row[f++] = Log1p(rep_count);
    row[f++] = Log1p(rep_chars);
    row[f++] = block_strict[b];
    row[f++] = block_relaxed[b];
    const GroupStats& g = group_stats[static_cast<size_t>(page.group[b])];
    row[f++] = Log1p(g.blocks);
    row[f++] = Log1p(g.chars);
    row[f++] = Ratio(g.link_chars, g.chars);
    row[f++] = Ratio(g.strict_chars, g.chars);
    row[f++] = Ratio(g.chars, page_chars);
    for (const int side : {-1, 1, -2, 2}) {
      const long nb = static_cast<long>(b) + side;
      if (nb < 0 || nb >= static_cast<long>(num_blocks)) {
        for (int k = 0; k < 4; ++k) row[f++] = -1;
        continue;
      }
      const TextStats& ns = stats[static_cast<size_t>(nb)];
      row[f++] = Log1p(ns.chars);
      row[f++] = Ratio(ns.link_chars, ns.chars);
      row[f++] = block_strict[static_cast<size_t>(nb)];
      row[f++] = tag_dist[static_cast<size_t>(page.owner[static_cast<size_t>(nb)])][kHeadingFamily] == 0 ? 1 : 0;
    }
    row[f++] = Log1p(page_chars);
    row[f++] = Ratio(sub_links[static_cast<size_t>(body)], page_chars);
    row[f++] = Log1p(static_cast<double>(num_blocks));
    row[f++] = Ratio(strict_chars, page_chars);
    for (const float flag : type_flags) row[f++] = flag;
  }
  return page;
}

size_t FeatureIndex(std::string_view name) {
  const std::vector<std::string>& names = FeatureNames();
  return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace textmill
