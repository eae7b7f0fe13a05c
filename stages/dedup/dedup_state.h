// DedupState: the incremental dedup index kept between runs (`run --state DIR`),
// in an LMDB environment at DIR/dedup.lmdb.
//
// LMDB because it is crash-safe (copy-on-write B+trees, a commit is atomic:
// a killed run leaves the previous index intact), memory-mapped (lookups read
// pages on demand; nothing is loaded at start) and in Debian (liblmdb).
//
// Tables: meta (format version, parameters, counts), exact (128-bit key ->
// document id), bands (band + 32-bit key -> ordinals of published documents,
// sorted duplicates), sigs (ordinal -> MinHash signature + id), lines (64-bit
// line key -> number of documents). Single-threaded use (the dedup stage
// reads it in its decision step and writes it once at the end).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "stages/dedup/minhash.h"

struct MDB_env;
struct MDB_txn;

namespace textmill {

struct PublishedDoc {
  std::string id;
  ExactKey exact;
  std::vector<uint32_t> signature;
  std::vector<uint32_t> band_keys;
};

class DedupState {
 public:
  static constexpr int kFormatVersion = 1;

  // Opens (or creates) the index. `params` ("ngram=5 num_perm=128 ...") must
  // equal what the index was built with. Throws ConfigError, before any work,
  // for a corrupt index, another format version or other parameters; the
  // index is left untouched.
  DedupState(const std::string& dir, const std::string& params);
  ~DedupState();
  DedupState(const DedupState&) = delete;
  DedupState& operator=(const DedupState&) = delete;

  // Lookups; each runs in the current read transaction (BeginRead first).
  void BeginRead();
  void EndRead();
  std::optional<std::string> FindExact(const ExactKey& key) const;
  std::vector<uint32_t> FindBand(int band, uint32_t key) const;
  bool Signature(uint32_t ordinal, std::vector<uint32_t>& signature, std::string& id) const;
  uint32_t LineCount(uint64_t key) const;

  uint64_t published() const { return published_; }
  uint64_t runs() const { return runs_; }

  // Adds `count` documents (ordinals published()..; doc(i, out) fills the
  // i-th, called once for each i in ascending order) and this run's line counts (counts(fn) calls fn(key, count) for
  // each; a key given twice adds up) in one atomic commit. The keys are sorted
  // into LMDB's order on disk within `sort_bytes` (SortedRuns), so the commit's
  // memory does not grow with the documents. Throws RuntimeError on failure
  // (the old index stays).
  using DocFn = std::function<void(uint64_t index, PublishedDoc& out)>;
  using CountFn = std::function<void(uint64_t key, uint32_t count)>;
  using CountSource = std::function<void(const CountFn&)>;
  void Commit(uint64_t count, const DocFn& doc, const CountSource& counts, int64_t run_id, size_t sort_bytes);
  // The same for documents and counts already in memory (tests, benchmarks).
  void Commit(const std::vector<PublishedDoc>& docs, const std::unordered_map<uint64_t, uint32_t>& line_counts,
              int64_t run_id = 0) {
    Commit(
        docs.size(), [&docs](uint64_t i, PublishedDoc& out) { out = docs[i]; },
        [&line_counts](const CountFn& fn) {
          for (const auto& [key, count] : line_counts) fn(key, count);
        },
        run_id, size_t{64} << 20);
  }
  // The run id given to the last Commit (0 if none): tells a resumed run
  // whether the interrupted attempt got as far as the index.
  int64_t last_run_id() const { return last_run_id_; }

  // Bytes of the index on disk.
  uint64_t DiskBytes() const;

 private:
  std::string path_;
  MDB_env* env_ = nullptr;
  MDB_txn* read_ = nullptr;
  unsigned meta_ = 0, exact_ = 0, bands_ = 0, sigs_ = 0, lines_ = 0;
  uint64_t published_ = 0;
  uint64_t runs_ = 0;
  int64_t last_run_id_ = 0;
};

}  // namespace textmill
