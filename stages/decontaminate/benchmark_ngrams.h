// BenchmarkNgrams: the word n-grams of the evaluation benchmarks a corpus must
// not contain, from files or folders (read recursively, sorted) of
//   *.jsonl, *.ndjson, *.json  JSON Lines: one example per record, the string
//                              (or each string of an array) under `field`
//                              ("a.b": member b of object a);
//   anything else              text: one example per line.
// N-grams never span two examples. An example of fewer than n words gives
// none (counted: short_examples). Lines that are not JSON, or records
// without the field, are skipped and counted.
//
// N-grams are held as 64-bit keys in an open-addressing table (about 20-40
// bytes an n-gram) with the index of the first file they were read from.
// Thread safety: Find() is thread-safe after construction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pipeline/util/hash_table64.h"

namespace textmill {

struct BenchmarkFileStats {
  std::string label;  // the file name; for a folder, its name and the path under it
  int64_t examples = 0, ngrams = 0, short_examples = 0, bad_lines = 0;
};

class BenchmarkNgrams {
 public:
  // Throws ConfigError naming `option` and the path when a path is missing,
  // unreadable, or a folder holding no file.
  BenchmarkNgrams(const std::vector<std::string>& paths, const std::string& field, int n, const std::string& option);

  std::optional<uint16_t> Find(uint64_t key) const {
    // Most n-grams of a document are in no benchmark: one bit in a small
    // bitmap (about 2 bytes an n-gram, cache-resident) answers most of them
    // without a cache miss in the table (scripts/bench_filters.sh: 49-60 MB/s
    // without it, 86 with it).
    const uint64_t bit = key >> filter_shift_;
    if ((filter_[bit >> 6] >> (bit & 63) & 1) == 0) return std::nullopt;
    return table_.Find(key);
  }
  const std::vector<BenchmarkFileStats>& files() const { return files_; }
  size_t size() const { return table_.size(); }
  size_t MemoryBytes() const { return table_.MemoryBytes() + filter_.capacity() * sizeof(uint64_t); }
  bool empty() const { return table_.size() == 0; }

 private:
  void LoadFile(const std::string& path, const std::string& label, const std::string& option);
  void AddExample(std::string_view text, BenchmarkFileStats& stats, uint16_t file);

  std::vector<std::string> field_path_;
  int n_;
  HashTable64 table_;
  std::vector<uint64_t> filter_ = std::vector<uint64_t>(1, 0);  // bitmap on the keys' high bits
  int filter_shift_ = 58;
  std::vector<BenchmarkFileStats> files_;
};

}  // namespace textmill
