// Text fingerprints for deduplication: normalized text, exact keys, word
// n-gram shingles, MinHash signatures and LSH band keys.
//
// All functions are pure and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace textmill {

// NFKC + case folding + runs of whitespace collapsed to one space, trimmed.
std::string DedupNormalize(std::string_view text);

// 128-bit XXH3 of DedupNormalize(text).
struct ExactKey {
  uint64_t high = 0, low = 0;
  bool operator==(const ExactKey&) const = default;
  auto operator<=>(const ExactKey&) const = default;
};
ExactKey ExactKeyOf(std::string_view normalized);

// Hashes (64-bit XXH3) of the word n-grams of a normalized text, in text
// order (repeats kept: MinHash does not need a set). Words are runs of letters
// and digits; a text with fewer than n words gives one shingle of all its
// words (so short documents still match their copies).
std::vector<uint64_t> Shingles(std::string_view normalized, int n);

class MinHasher {
 public:
  // `num_perm` hash functions h_i(x) = ((a_i * x + b_i) mod 2^64) >> 32 with
  // odd 64-bit a_i (multiply-shift hashing), from `seed`. The product must wrap
  // modulo 2^64: without the wrap h_i is monotone in x and every permutation
  // picks the same minimum.
  MinHasher(int num_perm, uint64_t seed);
  int num_perm() const { return static_cast<int>(a_.size()); }

  // Signature of a shingle set; all 0xFFFFFFFF for an empty set.
  std::vector<uint32_t> Signature(const std::vector<uint64_t>& shingles) const;

 private:
  std::vector<uint64_t> a_, b_;
};

// Estimated Jaccard similarity: the share of equal signature positions.
double EstimatedJaccard(const uint32_t* a, const uint32_t* b, int num_perm);

// LSH band keys: band i hashes rows [i*rows, (i+1)*rows) of the signature.
std::vector<uint32_t> BandKeys(const std::vector<uint32_t>& signature, int bands, int rows);

// 64-bit hash of a normalized line, for repeated-line counting.
uint64_t LineKey(std::string_view line);

}  // namespace textmill
