// HashTable64: an open-addressing table from 64-bit hashes to a small value
// (which list or benchmark file an entry came from), for sets of millions of
// keys: 10 bytes a slot, at most half full, so 20-40 bytes a key; an
// std::unordered_set<std::string> of domains costs about 100.
//
// Keys are hashes (xxHash, FNV) of the real entries: two entries that collide
// in 64 bits are one entry, and a lookup of an absent string answers "found"
// with probability size/2^64 (2 M keys: 1e-13 per lookup).
//
// Thread safety: Insert() is not thread-safe; Find() is, once nothing inserts.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace textmill {

class HashTable64 {
 public:
  // Room for `n` keys without growing.
  void Reserve(size_t n) {
    size_t capacity = 16;
    while (capacity < 2 * n) capacity *= 2;
    if (capacity > keys_.size()) Rehash(capacity);
  }

  // Adds `key` with `value`; a key already present keeps its first value.
  // Returns whether the key was new.
  bool Insert(uint64_t key, uint16_t value) {
    if (2 * (size_ + 1) > keys_.size()) Rehash(keys_.empty() ? 16 : keys_.size() * 2);
    key = Stored(key);
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return false;
      if (keys_[i] == 0) {
        keys_[i] = key;
        values_[i] = value;
        ++size_;
        return true;
      }
    }
  }

  std::optional<uint16_t> Find(uint64_t key) const {
    if (size_ == 0) return std::nullopt;
    key = Stored(key);
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return values_[i];
      if (keys_[i] == 0) return std::nullopt;
    }
  }

  // The stored keys, in table order (a key 0 is stored, and listed, as 1).
  std::vector<uint64_t> Keys() const {
    std::vector<uint64_t> keys;
    keys.reserve(size_);
    for (const uint64_t k : keys_) {
      if (k != 0) keys.push_back(k);
    }
    return keys;
  }

  size_t size() const { return size_; }
  size_t MemoryBytes() const { return keys_.capacity() * sizeof(uint64_t) + values_.capacity() * sizeof(uint16_t); }

 private:
  static uint64_t Stored(uint64_t key) { return key == 0 ? 1 : key; }  // 0 marks an empty slot
  // Fibonacci hashing: the high bits of key * 2^64/phi spread keys whose low
  // bits are poor (FNV of short strings).
  size_t Slot(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_); }

  void Rehash(size_t capacity) {
    std::vector<uint64_t> old_keys(capacity, 0);
    std::vector<uint16_t> old_values(capacity, 0);
    old_keys.swap(keys_);
    old_values.swap(values_);
    mask_ = capacity - 1;
    shift_ = 64;
    for (size_t c = capacity; c > 1; c >>= 1) --shift_;
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] != 0) Insert(old_keys[i], old_values[i]);
    }
  }

  std::vector<uint64_t> keys_;
  std::vector<uint16_t> values_;
  size_t size_ = 0;
  size_t mask_ = 0;
  int shift_ = 64;
};

}  // namespace textmill
