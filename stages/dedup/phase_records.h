// The files the phases of a phased dedup run exchange through the work dir
// (see dedup_phases.cc): fixed-size records, and the helpers that read and
// join them. Every record names a document by its input order
// (Document::input_order): the order a single-machine run's spool positions
// follow, so ties break the same way and LSH buckets are capped at the same
// members.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "stages/dedup/bucket_file.h"
#include "stages/dedup/dedup_state.h"
#include "stages/dedup/sorted_runs.h"

namespace textmill {

struct ObservedRecord {
  uint64_t line_key, text_hash;
};
struct BandRecord {
  uint32_t band;  // high bit set: the document has shingles
  uint32_t key;
  uint64_t input_order;
  uint32_t rank, spool_position;  // where its signature is: sig-r<rank>, record <spool_position>
};
struct ExactRecord {
  uint64_t high, low, input_order;
};
struct LineRecord {
  uint64_t line_key, input_order;
  auto operator<=>(const LineRecord&) const = default;  // a total order, for SortedRuns
};
struct MetaRecord {
  uint64_t input_order, date, high, low;
  uint64_t has_shingles;
};
struct Edge {
  uint64_t a, b;
};
struct ClusterRecord {
  uint64_t input_order, cluster;
};
struct CountRecord {
  uint64_t line_key, count;
};
static_assert(sizeof(BandRecord) == 24 && sizeof(ExactRecord) == 24 && sizeof(MetaRecord) == 40);

// clusters.bin: members of clusters with a published copy are not counted.
constexpr uint64_t kNotCounted = UINT64_MAX;

constexpr uint32_t kHasShingles = 0x80000000u;

inline std::string Numbered(const std::string& stem, char kind, int n) {
  return stem + "-" + kind + std::to_string(n) + ".bin";
}

// Union-find over sparse 64-bit ids (input_orders); the root is the smallest id.
class SparseUnionFind {
 public:
  uint64_t Find(uint64_t x) {
    auto it = parent_.find(x);
    if (it == parent_.end()) return x;
    uint64_t root = it->second;
    while (true) {
      const auto up = parent_.find(root);
      if (up == parent_.end() || up->second == root) break;
      root = up->second;
    }
    it->second = root;
    return root;
  }
  bool Union(uint64_t a, uint64_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return false;
    parent_.try_emplace(a, a);
    parent_.try_emplace(b, b);
    parent_[std::max(a, b)] = std::min(a, b);
    return true;
  }
  std::vector<uint64_t> Members() const {
    std::vector<uint64_t> out;
    out.reserve(parent_.size());
    for (const auto& [x, p] : parent_) out.push_back(x);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::unordered_map<uint64_t, uint64_t> parent_;
};

// The signature files of all input slices, memory-mapped read-only: a dedup
// task reads only the signatures its buckets name.
// Read with pread, not mapped: touched pages of a mapping count in the
// task's resident memory, and the report task reads every kept signature.
class SignatureFiles {
 public:
  SignatureFiles(std::string stem, int count, int num_perm);
  ~SignatureFiles();
  SignatureFiles(const SignatureFiles&) = delete;
  SignatureFiles& operator=(const SignatureFiles&) = delete;

  // The signature, valid until the next Get with the same `slot` (0 or 1:
  // two can be compared).
  const uint32_t* Get(uint32_t rank, uint32_t spool_position, int slot = 0);

 private:
  void Open(uint32_t rank);

  std::string stem_;
  std::vector<std::pair<int, uint64_t>> files_;  // fd (-1: not open yet), size
  int num_perm_;
  std::vector<uint32_t> slots_[2];
};

std::vector<std::string> RankFiles(const std::string& stem, int count);

// Keys whose records (key, owner) name at least `min_owners` distinct owners,
// counting those of earlier runs from the index too; `counts` gets this run's,
// `weak` the keys with at least `weak_min_owners` (> 0) but fewer than `min_owners`.
// `records` are merged (sorted by key, then owner) and emptied; `counts`, when
// given, is called with this run's count of each key, in key order.
std::vector<uint64_t> KeysWithOwners(SortedRuns<LineRecord>& records, uint32_t min_owners, DedupState* state,
                                     const std::function<void(const CountRecord&)>& counts = nullptr,
                                     uint32_t weak_min_owners = 0, std::vector<uint64_t>* weak = nullptr);

std::unordered_set<uint64_t> LoadKeyRanges(const std::string& stem, int count);

// Length-prefixed strings, one per record, for ids.
void AppendString(std::string& out, std::string_view s);
bool NextString(std::string_view& in, std::string_view& s);

// Tagged records: a document's input order, a flag byte and an id (published
// matches, decisions).
void AppendTagged(std::string& out, uint64_t input_order, uint8_t flags, std::string_view id);
bool NextTagged(std::string_view& in, uint64_t& input_order, uint8_t& flags, std::string_view& id);

std::string ReadBytes(const std::string& path);

// One slice's metadata and ids (meta-rR, ids-rR), read in spool order a buffer
// at a time. Throws RuntimeError.
class SliceMeta {
 public:
  SliceMeta(const std::string& meta_path, const std::string& ids_path);
  ~SliceMeta();
  SliceMeta(const SliceMeta&) = delete;
  SliceMeta& operator=(const SliceMeta&) = delete;
  bool Next(MetaRecord& meta, std::string& id);

 private:
  std::string ids_path_;
  std::FILE* meta_ = nullptr;
  std::FILE* ids_ = nullptr;
};

// A file of tagged records (AppendTagged), read a buffer at a time: for files
// that grow with a slice, never held whole. Throws RuntimeError.
class TaggedFileReader {
 public:
  explicit TaggedFileReader(const std::string& path);
  ~TaggedFileReader();
  TaggedFileReader(const TaggedFileReader&) = delete;
  TaggedFileReader& operator=(const TaggedFileReader&) = delete;
  bool Next(uint64_t& input_order, uint8_t& flags, std::string& id);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};
// Calls fn(record bytes) for each fixed-size record of a file, read a buffer
// at a time (a range's pairs). Throws RuntimeError ("truncated record file").
void ForEachRecordIn(const std::string& path, size_t record_size, const std::function<void(const char*)>& fn);

}  // namespace textmill
