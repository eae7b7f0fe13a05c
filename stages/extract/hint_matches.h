// Which class/id/role/itemprop patterns each node's hints (HtmlNode::hints)
// match: the rule extractor's (HintFlag bits; lists after Readability.js,
// extended) and the block features' hint families (block_feature_tables.h).
//
// Matched with RE2::Set, each distinct hints string of a page once (pages
// repeat class strings: list items, cards). With the model both kinds are
// needed, and MatchAllHints scans each string once for both: two sets were
// two hash lookups and two scans per string. Thread-safe (the sets are
// immutable once built).
#pragma once

#include <cstdint>
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

}  // namespace textmill
