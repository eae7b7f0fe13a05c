// The class/id/role/itemprop patterns matched against every element's hints
// (HtmlNode::hints): the rule extractor's (HintFlag bits), then the block
// features' hint families (block_feature_tables.h). Bit h of a match is
// pattern h. Shared by hint_matches.cc and the tool that compiles them into
// a Hyperscan database at build time (tools/hints_database_main.cc).
// The end of the text is \z, not $: in Hyperscan (as in PCRE) $ also
// matches before a final newline, in RE2 it does not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

#include "stages/extract/block_feature_tables.h"

namespace textmill::hint_patterns {

// The rule extractor's patterns, in HintFlag order (bit h = pattern h).
inline constexpr const char* kRulePatterns[] = {
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
    "-ad-|hidden|^hid\\z| hid\\z| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|"
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
    // kSpecs: a product's specification list or table.
    "(^|[^a-z])(tech-?)?spec(s|ifications?)?([^a-z]|\\z)",
};
inline constexpr size_t kNumRulePatterns = std::size(kRulePatterns);
static_assert(kNumRulePatterns + block_feature_tables::kNumHintFamilies <= 64, "a match is a 64-bit set");
inline constexpr uint64_t kRuleMask = (uint64_t{1} << kNumRulePatterns) - 1;

// The rule patterns, then the hint families: pattern h is bit h of a match.
inline std::vector<std::string_view> AllPatterns() {
  std::vector<std::string_view> patterns(std::begin(kRulePatterns), std::end(kRulePatterns));
  for (const auto& [name, pattern] : block_feature_tables::kHintFamilies) patterns.emplace_back(pattern);
  return patterns;
}

}  // namespace textmill::hint_patterns
