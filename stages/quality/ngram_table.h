// The n-gram counting table of the Gopher repetition rules (quality_rules.cc).
// Not thread-safe: each thread uses its own.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace textmill {

// Counts per 64-bit n-gram key in an open-addressing table: one allocation
// per document instead of a heap node per distinct n-gram (the node-based
// std::unordered_map was most of this stage's time). Keys are 64-bit hashes
// of the n-gram's text; two different n-grams with the same hash (odds of
// about n^2 / 2^64 per document) would be counted as one.
class NgramTable {
 public:
  struct Slot {
    uint64_t key = 0;
    uint32_t generation = 0;  // a slot of an older generation is empty
    uint32_t count = 0;
    uint64_t first = 0;       // index of the first occurrence
  };
  // Empties the table (by starting a generation: no clearing per use) and
  // sizes it for `keys` insertions.
  void Reset(size_t keys) {
    size_t capacity = 16;
    while (capacity < keys * 2) capacity *= 2;
    if (capacity > slots_.size() || ++generation_ == 0) {
      slots_.assign(std::max(capacity, slots_.size()), Slot{});
      generation_ = 1;
    }
    mask_ = capacity - 1;
  }
  // The slot of `key`, created with count 0 if new.
  Slot& Find(uint64_t key) {
    size_t i = static_cast<size_t>(key * 0x9E3779B97F4A7C15ull >> 20) & mask_;
    while (slots_[i].generation == generation_ && slots_[i].key != key) i = (i + 1) & mask_;
    Slot& slot = slots_[i];
    if (slot.generation != generation_) slot = Slot{key, generation_, 0, 0};
    return slot;
  }

 private:
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  uint32_t generation_ = 0;
};

// Extends the key of a word sequence by one word's hash; order-dependent
// ("a b" and "b a" differ) and avalanched, so keys of distinct sequences
// collide with odds of about 2^-64 per pair.
inline uint64_t ExtendKey(uint64_t key, uint64_t word) {
  uint64_t x = ((key << 23) | (key >> 41)) * 0x9E3779B97F4A7C15ull ^ word;
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 29;
  return x;
}

}  // namespace textmill
