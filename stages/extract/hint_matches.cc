#include "stages/extract/hint_matches.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <string_view>
#include <unordered_map>

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

// The rule patterns, then (with `families`) the hint families.
const RE2::Set* BuildSet(bool families) {
  RE2::Options options;
  options.set_max_mem(int64_t{64} << 20);  // room for the DFA: with less, RE2 falls back to the slow NFA
  auto* set = new RE2::Set(options, RE2::UNANCHORED);
  for (const char* pattern : kRulePatterns) set->Add(pattern, nullptr);
  if (families) {
    for (const auto& [name, pattern] : block_feature_tables::kHintFamilies) set->Add(pattern, nullptr);
  }
  set->Compile();
  return set;
}

// Per node, bit h set when pattern h of `set` matches its hints.
std::vector<uint64_t> Match(const std::vector<HtmlNode>& nodes, const RE2::Set& set) {
  std::vector<uint64_t> bits(nodes.size(), 0);
  std::vector<int> hits;
  std::unordered_map<std::string_view, uint64_t> seen;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string& hints = nodes[i].hints;
    if (hints.empty()) continue;
    const auto [it, inserted] = seen.try_emplace(hints, 0);
    if (inserted) {
      hits.clear();
      if (set.Match(hints, &hits)) {
        for (const int h : hits) it->second |= uint64_t{1} << h;
      }
    }
    bits[i] = it->second;
  }
  return bits;
}

constexpr uint64_t kRuleMask = (uint64_t{1} << kNumRulePatterns) - 1;

}  // namespace

std::vector<uint8_t> MatchRuleHints(const std::vector<HtmlNode>& nodes) {
  static const RE2::Set* set = BuildSet(/*families=*/false);
  const std::vector<uint64_t> bits = Match(nodes, *set);
  std::vector<uint8_t> flags(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) flags[i] = static_cast<uint8_t>(bits[i] & kRuleMask);
  return flags;
}

HintMatches MatchAllHints(const std::vector<HtmlNode>& nodes) {
  static const RE2::Set* set = BuildSet(/*families=*/true);
  const std::vector<uint64_t> bits = Match(nodes, *set);
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
