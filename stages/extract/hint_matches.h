// Which class/id/role/itemprop patterns each node's hints (HtmlNode::hints)
// match: the rule extractor's (HintFlag bits; lists after Readability.js,
// extended) and the block features' hint families (block_feature_tables.h).
//
// Each distinct hints string of a page is matched once (pages repeat class
// strings: list items, cards), against both kinds at once, by a literal
// scanner that gives RE2::Set's results (hint_matches.cc tells the pattern
// forms it reads; RE2 matches the rest). Thread-safe (the scanner and the set
// are immutable once built).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "stages/extract/html_tree.h"

namespace textmill {

enum HintFlag : uint8_t { kUnlikely = 1, kMaybe = 2, kComment = 4, kNegative = 8, kPositive = 16 };

// Per node: its HintFlag bits.
std::vector<uint8_t> MatchRuleHints(const std::vector<HtmlNode>& nodes);

struct HintMatches {
  std::vector<uint8_t> rule_flags;  // as MatchRuleHints()
  std::vector<uint64_t> families;   // bit f: kHintFamilies[f] matches
};

HintMatches MatchAllHints(const std::vector<HtmlNode>& nodes);

// One hints string: bit h for pattern h (the rule patterns in HintFlag order,
// then the hint families), by the scanner; and by RE2::Set, for tests.
uint64_t MatchHints(std::string_view hints);
uint64_t MatchHintsByRe2(std::string_view hints);
// Whether the scanner reads every pattern (else MatchHints is RE2's).
bool HintsMatchedWithoutRe2();

}  // namespace textmill
