#include "stages/extract/hint_matches.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stages/extract/block_feature_tables.h"

namespace textmill {
namespace {

// The rule extractor's patterns, in HintFlag order (bit h = pattern h).
constexpr const char* kRulePatterns[] = {
    // kUnlikely
    "-ad-|ai2html|banner|breadcrumb|combx|community|cover-wrap|extra|footer|gdpr|cookie|consent|"
    "header|legends|menu|related|remark|rss|shoutbox|sidebar|skyscraper|social|sponsor|"
    "supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|share|sharing|newsletter|"
    "subscribe|promo|recommend|outbrain|taboola|navbar|navigation|contentinfo|complementary|"
    "toolbar|masthead|signup|login|modal|overlay|trending|most-popular|read-more|author-bio",
    // kMaybe
    "and|article|body|column|content|main|shadow|post|entry|story|text",
    // kComment
    "comment|disqus|replies|respond|reply-|discussion",
    // kNegative
    "-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|"
    "gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|"
    "sponsor|shopping|tags|tool|widget|byline|author|dateline|caption|credit",
    // kPositive
    "article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story",
};
constexpr size_t kNumRulePatterns = std::size(kRulePatterns);
static_assert(kNumRulePatterns + block_feature_tables::kNumHintFamilies <= 64, "a match is a 64-bit set");
constexpr uint64_t kRuleMask = (uint64_t{1} << kNumRulePatterns) - 1;

// The rule patterns, then the hint families: pattern h is bit h of a match.
std::vector<std::string_view> AllPatterns() {
  std::vector<std::string_view> patterns(std::begin(kRulePatterns), std::end(kRulePatterns));
  for (const auto& [name, pattern] : block_feature_tables::kHintFamilies) patterns.emplace_back(pattern);
  return patterns;
}

const RE2::Set& PatternSet() {
  static const RE2::Set* set = [] {
    RE2::Options options;
    options.set_max_mem(int64_t{64} << 20);  // room for the DFA: with less, RE2 falls back to the slow NFA
    auto* built = new RE2::Set(options, RE2::UNANCHORED);
    for (const std::string_view pattern : AllPatterns()) built->Add(pattern, nullptr);
    built->Compile();
    return built;
  }();
  return *set;
}

// The patterns matched without RE2, with RE2's results: an Aho-Corasick
// automaton over their literals, plus the few anchored and word-bounded
// alternatives checked by hand.
//
// Why: RE2::Set builds its DFA state by state as the strings of the first
// pages need them; the 181 news pages' 35,000 distinct hints strings took
// 27 ms cold and 7 ms warm, a tenth of the extract stage in a run of them.
// The automaton is built in well under a millisecond and reads a byte with
// one table load.
//
// Each pattern must be an alternation of: literals of [a-z0-9 -], a literal
// with one group of literal alternatives ("repl(y|ies)"), a literal anchored
// at the start, the end or both ("^hid ", " hid$", "^hid$"), or a literal
// that is a word of its own, "(^|[^a-z])lit([^a-z]|$)" (with "s?" before the
// last group for an optional plural). A pattern in any other form sends every
// string to RE2 (readable() is false); so do strings with a byte >= 0x80,
// where "[^a-z]" reads UTF-8 characters and not bytes.
class HintScanner {
 public:
  explicit HintScanner(const std::vector<std::string_view>& patterns) {
    class_.fill(kOther);
    for (size_t k = 0; k < kAlphabet.size(); ++k) {
      class_[static_cast<unsigned char>(kAlphabet[k])] = static_cast<uint8_t>(k);
    }
    next_.emplace_back();
    next_[0].fill(0);
    out_.push_back(0);
    for (size_t h = 0; h < patterns.size() && readable_; ++h) {
      for (const std::string_view alternative : TopLevelAlternatives(patterns[h])) {
        readable_ = readable_ && AddAlternative(alternative, uint64_t{1} << h);
      }
    }
    Finish();
  }

  bool readable() const { return readable_; }

  // Bit h set when pattern h matches `text`, which is ASCII.
  uint64_t Match(std::string_view text) const {
    uint64_t bits = 0;
    uint32_t state = 0;
    for (const char c : text) {
      state = next_[state][class_[static_cast<unsigned char>(c)]];
      bits |= out_[state];
    }
    for (const Anchored& a : anchored_) {
      if ((a.bits & ~bits) == 0) continue;  // matched already
      const bool at_start = text.starts_with(a.literal), at_end = text.ends_with(a.literal);
      if (a.start && a.end ? text == a.literal : a.start ? at_start : at_end) bits |= a.bits;
    }
    for (const Anchored& w : words_) {
      if ((w.bits & ~bits) == 0) continue;
      for (size_t at = text.find(w.literal); at != std::string_view::npos; at = text.find(w.literal, at + 1)) {
        const size_t end = at + w.literal.size();
        if ((at == 0 || !IsLower(text[at - 1])) && (end == text.size() || !IsLower(text[end]))) {
          bits |= w.bits;
          break;
        }
      }
    }
    return bits;
  }

 private:
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789 -";  // of literals
  static constexpr size_t kClasses = kAlphabet.size() + 1;                                 // and anything else
  static constexpr uint8_t kOther = kClasses - 1;
  struct Anchored {
    std::string literal;
    bool start = false, end = false;  // anchored there (anchored_); unused in words_
    uint64_t bits = 0;
  };

  static bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
  static bool IsLiteral(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return IsLower(c) || (c >= '0' && c <= '9') || c == ' ' || c == '-';
    });
  }

  // The alternatives of `pattern` outside parentheses.
  static std::vector<std::string_view> TopLevelAlternatives(std::string_view pattern) {
    std::vector<std::string_view> alternatives;
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i <= pattern.size(); ++i) {
      if (i == pattern.size() || (pattern[i] == '|' && depth == 0)) {
        alternatives.push_back(pattern.substr(start, i - start));
        start = i + 1;
      } else if (pattern[i] == '(') {
        ++depth;
      } else if (pattern[i] == ')') {
        --depth;
      }
    }
    return alternatives;
  }

  bool AddAlternative(std::string_view alternative, uint64_t bit) {
    constexpr std::string_view kWordStart = "(^|[^a-z])", kWordEnd = "([^a-z]|$)";
    if (alternative.starts_with(kWordStart) && alternative.ends_with(kWordEnd)) {
      std::string_view word = alternative.substr(kWordStart.size());
      word.remove_suffix(kWordEnd.size());
      const bool plural = word.ends_with("s?");
      if (plural) word.remove_suffix(2);
      if (!IsLiteral(word)) return false;
      words_.push_back({std::string(word), false, false, bit});
      if (plural) words_.push_back({std::string(word) + "s", false, false, bit});
      return true;
    }
    const size_t open = alternative.find('(');
    if (open != std::string_view::npos) {  // prefix(a|b)suffix
      const size_t close = alternative.find(')', open);
      if (close == std::string_view::npos) return false;
      const std::string_view prefix = alternative.substr(0, open), suffix = alternative.substr(close + 1);
      for (const std::string_view inner : TopLevelAlternatives(alternative.substr(open + 1, close - open - 1))) {
        const std::string literal = std::string(prefix).append(inner).append(suffix);
        if (!IsLiteral(literal) || !AddLiteral(literal, bit)) return false;
      }
      return true;
    }
    const bool start = alternative.starts_with('^'), end = alternative.ends_with('$');
    const std::string_view literal = alternative.substr(start ? 1 : 0, alternative.size() - start - end);
    if (!IsLiteral(literal)) return false;
    if (!start && !end) return AddLiteral(literal, bit);
    anchored_.push_back({std::string(literal), start, end, bit});
    return true;
  }

  // False when the states no longer fit their 16-bit numbers.
  bool AddLiteral(std::string_view literal, uint64_t bit) {
    uint32_t state = 0;
    for (const char c : literal) {
      if (next_.size() > UINT16_MAX) return false;
      const uint16_t fresh = static_cast<uint16_t>(next_.size());
      uint16_t& to = next_[state][class_[static_cast<unsigned char>(c)]];
      if (to == 0) {
        to = fresh;
        next_.emplace_back();  // invalidates `to`, set already
        next_.back().fill(0);
        out_.push_back(0);
      }
      state = next_[state][class_[static_cast<unsigned char>(c)]];
    }
    out_[state] |= bit;
    return true;
  }

  // Failure links, breadth first, folded into the transitions and outputs:
  // a state's missing transitions are its failure state's, and it outputs
  // what its failure state outputs (the literals ending at the same byte).
  void Finish() {
    std::vector<uint16_t> fail(next_.size(), 0), queue;
    for (size_t c = 0; c < kClasses; ++c) {
      if (next_[0][c] != 0) queue.push_back(next_[0][c]);
    }
    for (size_t q = 0; q < queue.size(); ++q) {
      const uint16_t state = queue[q];
      out_[state] |= out_[fail[state]];
      for (size_t c = 0; c < kClasses; ++c) {
        uint16_t& to = next_[state][c];
        if (to != 0) {
          fail[to] = next_[fail[state]][c];
          queue.push_back(to);
        } else {
          to = next_[fail[state]][c];
        }
      }
    }
  }

  bool readable_ = true;
  std::array<uint8_t, 256> class_{};
  std::vector<std::array<uint16_t, kClasses>> next_;  // per state and byte class
  std::vector<uint64_t> out_;                         // per state: patterns with a literal ending there
  std::vector<Anchored> anchored_, words_;
};

const HintScanner& Scanner() {
  static const HintScanner scanner(AllPatterns());
  return scanner;
}

// Per node, bit h set when pattern h matches its hints.
std::vector<uint64_t> Match(const std::vector<HtmlNode>& nodes) {
  std::vector<uint64_t> bits(nodes.size(), 0);
  std::unordered_map<std::string_view, uint64_t> seen;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string& hints = nodes[i].hints;
    if (hints.empty()) continue;
    const auto [it, inserted] = seen.try_emplace(hints, 0);
    if (inserted) it->second = MatchHints(hints);
    bits[i] = it->second;
  }
  return bits;
}

}  // namespace

uint64_t MatchHintsByRe2(std::string_view hints) {
  std::vector<int> hits;
  uint64_t bits = 0;
  if (PatternSet().Match(hints, &hits)) {
    for (const int h : hits) bits |= uint64_t{1} << h;
  }
  return bits;
}

bool HintsMatchedWithoutRe2() { return Scanner().readable(); }

uint64_t MatchHints(std::string_view hints) {
  const bool ascii =
      std::all_of(hints.begin(), hints.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  return ascii && Scanner().readable() ? Scanner().Match(hints) : MatchHintsByRe2(hints);
}

std::vector<uint8_t> MatchRuleHints(const std::vector<HtmlNode>& nodes) {
  const std::vector<uint64_t> bits = Match(nodes);
  std::vector<uint8_t> flags(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) flags[i] = static_cast<uint8_t>(bits[i] & kRuleMask);
  return flags;
}

HintMatches MatchAllHints(const std::vector<HtmlNode>& nodes) {
  const std::vector<uint64_t> bits = Match(nodes);
  HintMatches out;
  out.rule_flags.resize(bits.size());
  out.families.resize(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) {
    out.rule_flags[i] = static_cast<uint8_t>(bits[i] & kRuleMask);
    out.families[i] = bits[i] >> kNumRulePatterns;
  }
  return out;
}

}  // namespace textmill
