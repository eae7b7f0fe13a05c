#include "stages/extract/hint_matches.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
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
    // kConsent: the banners' own names, not "cookie" alone (a recipe card,
    // a cookie policy page); the vendors' names at the start of a word (MSN's
    // body class "fltonetrustpoplive" is a feature flag). On WCXB none of the
    // text inside is in a truth.
    "cookie[-_]?(banner|consent|bar|popup|modal|wall)|gdpr[-_]?(banner|consent|popup|modal)|"
    "consent[-_]?(banner|manager|popup|modal|dialog)|"
    "(^|[ _-])(cookieconsent|onetrust|cookiebot|usercentrics|didomi|qc-cmp|iubenda-cs|cc-window)",
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

// All patterns in one set, reading the text as UTF-8 (RE2's default) or as
// Latin-1, one byte a character.
const RE2::Set* BuildSet(RE2::Options::Encoding encoding) {
  RE2::Options options;
  options.set_encoding(encoding);
  options.set_max_mem(int64_t{64} << 20);  // room for the DFA: with less, RE2 falls back to the slow NFA
  auto* set = new RE2::Set(options, RE2::UNANCHORED);
  for (const std::string_view pattern : AllPatterns()) set->Add(pattern, nullptr);
  set->Compile();
  return set;
}

// ASCII strings, nearly all of them, are matched by the Latin-1 set: the same
// matches (an ASCII byte is the same character in both), but "[^a-z]" is one
// byte class instead of every UTF-8 sequence, so the DFA that RE2 builds
// state by state as the first pages need it is a fraction of the size. With
// the UTF-8 set alone that building was 27 ms of the 181 news pages' extract
// stage (7 ms warm), a tenth of it.
const RE2::Set& AsciiSet() {
  static const RE2::Set* set = BuildSet(RE2::Options::EncodingLatin1);
  return *set;
}

const RE2::Set& Utf8Set() {
  static const RE2::Set* set = BuildSet(RE2::Options::EncodingUTF8);
  return *set;
}

uint64_t MatchWith(const RE2::Set& set, std::string_view hints) {
  thread_local std::vector<int> hits;  // reused: one match per distinct string of every page
  hits.clear();
  uint64_t bits = 0;
  if (set.Match(hints, &hits)) {
    for (const int h : hits) bits |= uint64_t{1} << h;
  }
  return bits;
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

// The HintFlag bits of each node. Inside <pre> or <code>, "comment" is a
// highlighter's class for a code comment (highlight.js's hljs-comment, Prism's
// "token comment"), not a comment section: no kComment there, or the rule
// path and keep_comments: false dropped code.
std::vector<uint8_t> RuleFlags(const std::vector<HtmlNode>& nodes, const std::vector<uint64_t>& bits) {
  std::vector<uint8_t> flags(bits.size());
  std::vector<uint8_t> in_code(nodes.size(), 0);
  for (size_t i = 0; i < bits.size(); ++i) {
    const std::string_view tag(nodes[i].tag);
    const bool parent_in_code = i > 0 && nodes[i].parent >= 0 && in_code[static_cast<size_t>(nodes[i].parent)];
    in_code[i] = parent_in_code || tag == "pre" || tag == "code";
    flags[i] = static_cast<uint8_t>(bits[i] & kRuleMask);
    if (in_code[i]) flags[i] &= static_cast<uint8_t>(~kComment);
  }
  return flags;
}

}  // namespace

uint64_t MatchHintsAsUtf8(std::string_view hints) { return MatchWith(Utf8Set(), hints); }

uint64_t MatchHints(std::string_view hints) {
  const bool ascii =
      std::all_of(hints.begin(), hints.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  return MatchWith(ascii ? AsciiSet() : Utf8Set(), hints);
}

std::vector<uint8_t> MatchRuleHints(const std::vector<HtmlNode>& nodes) { return RuleFlags(nodes, Match(nodes)); }

HintMatches MatchAllHints(const std::vector<HtmlNode>& nodes) {
  const std::vector<uint64_t> bits = Match(nodes);
  HintMatches out;
  out.rule_flags = RuleFlags(nodes, bits);
  out.families.resize(bits.size());
  for (size_t i = 0; i < bits.size(); ++i) out.families[i] = bits[i] >> kNumRulePatterns;
  return out;
}

}  // namespace textmill
