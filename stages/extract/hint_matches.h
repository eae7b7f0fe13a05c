// Which class/id/role/itemprop patterns each node's hints (HtmlNode::hints)
// match: the rule extractor's (HintFlag bits; lists after Readability.js,
// extended) and the block features' hint families (block_feature_tables.h).
//
// Each distinct hints string of a page is matched once (pages repeat class
// strings: list items, cards), against both kinds at once: ASCII strings by
// a Hyperscan database compiled at build time (hints_database_main.cc; where
// Hyperscan is missing, by a Latin-1 RE2::Set, a smaller DFA built faster),
// others by a UTF-8 RE2::Set. Thread-safe (immutable once built; Hyperscan's
// scratch space is per thread).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "stages/extract/html_tree.h"

namespace textmill {

// kConsent: a cookie or consent banner (its platforms' own names), whose
// text is never the page's content.
enum HintFlag : uint8_t {
  kUnlikely = 1,
  kMaybe = 2,
  kComment = 4,
  kNegative = 8,
  kPositive = 16,
  kConsent = 32,
  kSpecs = 64
};

// Per node: its HintFlag bits (no kComment inside <pre> or <code>, where it is
// a highlighted code comment).
std::vector<uint8_t> MatchRuleHints(const std::vector<HtmlNode>& nodes);

struct HintMatches {
  std::vector<uint8_t> rule_flags;  // as MatchRuleHints()
  std::vector<uint64_t> families;   // bit f: kHintFamilies[f] matches
};

HintMatches MatchAllHints(const std::vector<HtmlNode>& nodes);

// One hints string: bit h for pattern h (the rule patterns in HintFlag order,
// then the hint families); and the same read as UTF-8 whatever its bytes,
// which MatchHints must equal (tests).
uint64_t MatchHints(std::string_view hints);
uint64_t MatchHintsAsUtf8(std::string_view hints);

// What MatchHints runs on ASCII strings: "hyperscan" (the build's database,
// where Hyperscan was found and this host runs it) or "re2".
const char* HintMatcherName();

}  // namespace textmill
