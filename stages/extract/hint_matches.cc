#include "stages/extract/hint_matches.h"

#include <re2/re2.h>
#include <re2/set.h>
#ifdef TEXTMILL_HYPERSCAN
#include <hs/hs.h>
#endif

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stages/extract/hint_patterns.h"

namespace textmill {
namespace {

using hint_patterns::AllPatterns;
using hint_patterns::kNumRulePatterns;
using hint_patterns::kRuleMask;

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

#ifdef TEXTMILL_HYPERSCAN
}  // namespace
extern const unsigned char kHintsDatabase[];
extern const size_t kHintsDatabaseSize;
namespace {

// The build's Hyperscan database of the same patterns (hints_database_main.cc),
// loaded once; null when this host cannot run it, and RE2 matches instead.
const hs_database_t* HintsDatabase() {
  static const hs_database_t* database = [] {
    hs_database_t* loaded = nullptr;
    if (hs_valid_platform() != HS_SUCCESS || hs_deserialize_database(reinterpret_cast<const char*>(kHintsDatabase),
                                                                     kHintsDatabaseSize, &loaded) != HS_SUCCESS) {
      return static_cast<hs_database_t*>(nullptr);
    }
    return loaded;
  }();
  return database;
}

// Hyperscan's scratch space is per thread; grown to the database once.
struct Scratch {
  hs_scratch_t* space = nullptr;
  ~Scratch() { hs_free_scratch(space); }
};

int OnMatch(unsigned id, unsigned long long /*from*/, unsigned long long /*to*/, unsigned /*flags*/, void* bits) {
  *static_cast<uint64_t*>(bits) |= uint64_t{1} << id;
  return 0;  // go on: every pattern's first match is reported (single-match mode)
}

// The matches of an ASCII string, or false when Hyperscan cannot give them.
bool MatchWithHyperscan(std::string_view hints, uint64_t& bits) {
  const hs_database_t* database = HintsDatabase();
  if (!database) return false;
  thread_local Scratch scratch;
  if (!scratch.space && hs_alloc_scratch(database, &scratch.space) != HS_SUCCESS) return false;
  bits = 0;
  return hs_scan(database, hints.data(), static_cast<unsigned>(hints.size()), 0, scratch.space, OnMatch, &bits) ==
         HS_SUCCESS;
}
#endif

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
#ifdef TEXTMILL_HYPERSCAN
  uint64_t bits = 0;
  if (ascii && MatchWithHyperscan(hints, bits)) return bits;
#endif
  return MatchWith(ascii ? AsciiSet() : Utf8Set(), hints);
}

const char* HintMatcherName() {
#ifdef TEXTMILL_HYPERSCAN
  if (HintsDatabase()) return "hyperscan";
#endif
  return "re2";
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
