// DedupState: the incremental dedup index kept between runs (`run --state
// DIR`), in DIR/dedup/: P hash partitions, each an LMDB environment
// (index_partition.h), and a manifest naming the last generation published in
// all of them (index_manifest.h). P is fixed when the index is created (the
// dedup stage's index_partitions) and recorded in the manifest.
//
// LMDB because it is crash-safe (copy-on-write B+trees, a commit is atomic),
// memory-mapped (lookups read pages on demand; nothing is loaded at start) and
// in Debian (liblmdb). Partitions so that no single writer and no single file
// carries a night's index commit: the range tasks of a phased run commit a
// partition each (CommitPartitions), the report task then publishes the
// generation (Publish). A single-machine run does both in one process.
//
// An index in the single-file layout of earlier versions (DIR/dedup.lmdb) is
// refused with a message naming `textmill state migrate DIR` (index_migrate.h).
//
// Single-threaded use (the dedup stage reads it in its decision step and
// writes it once at the end); many processes may read it at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "stages/dedup/index_manifest.h"
#include "stages/dedup/index_partition.h"
#include "stages/dedup/minhash.h"

namespace textmill {

struct PublishedDoc {
  std::string id;
  ExactKey exact;
  std::vector<uint32_t> signature;
  std::vector<uint32_t> band_keys;
};

class DedupState {
 public:
  // 8: a night's commit is cut in 8 transactions of about equal size, enough
  // for the range tasks of a small cluster; more partitions cost a file, a
  // map and an fsync each per night.
  static constexpr int kDefaultPartitions = 8;

  // Opens (or creates, with `partitions` partitions; an existing index keeps
  // its own count) the index. `params` ("ngram=5 num_perm=128 ...") must
  // equal what the index was built with. Throws ConfigError, before any work
  // and naming the file, for a single-file index (saying how to migrate it), a
  // damaged or missing partition or manifest, another format version or other
  // parameters; the index is left untouched.
  DedupState(const std::string& dir, const std::string& params, int partitions = kDefaultPartitions);
  ~DedupState();
  DedupState(const DedupState&) = delete;
  DedupState& operator=(const DedupState&) = delete;

  // Lookups of what the manifest published; each runs in the current read
  // transactions (BeginRead first).
  void BeginRead();
  void EndRead();
  std::optional<std::string> FindExact(const ExactKey& key) const;
  std::vector<uint32_t> FindBand(int band, uint32_t key) const;
  bool Signature(uint32_t ordinal, std::vector<uint32_t>& signature, std::string& id) const;
  uint32_t LineCount(uint64_t key) const;

  uint64_t published() const { return manifest_.published; }
  uint64_t runs() const { return manifest_.runs; }
  int partitions() const { return manifest_.partitions; }
  // The run id given to the last published generation (0 if none): tells a
  // resumed run whether the interrupted attempt got as far as the index.
  int64_t last_run_id() const { return manifest_.last_run_id; }

  // Adds `count` documents (ordinals published()..; doc(i, out) fills the
  // i-th, called once for each i in ascending order) and this run's line
  // counts (counts(fn) calls fn(key, count) for each; a key given twice adds
  // up) as the next generation: every partition commits it, then the
  // manifest publishes it. The keys are sorted by partition and key on disk
  // within `sort_bytes` (SortedRuns), so memory does not grow with the
  // documents. Throws RuntimeError on failure (nothing new is published).
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

  // Phased runs. The next generation's commit of the partitions `owns`
  // accepts (the same documents and counts as Commit; each task reads them
  // all and keeps its partitions' keys), marked as `attempt`'s (the job).
  void CommitPartitions(const std::function<bool(int)>& owns, uint64_t count, const DocFn& doc,
                        const CountSource& counts, const std::string& attempt, size_t sort_bytes);
  // Publishes the next generation once every partition has committed it for
  // `attempt`: writes the manifest. Throws RuntimeError naming the partitions
  // that have not (the manifest is then unchanged).
  void Publish(int64_t run_id, const std::string& attempt);

  // Bytes of the index on disk.
  uint64_t DiskBytes() const;

 private:
  PublishedView View() const { return {manifest_.generation, manifest_.published}; }
  IndexPartition* Part(int p) const { return parts_[static_cast<size_t>(p)].get(); }

  std::string dir_;
  IndexManifest manifest_;
  std::vector<std::unique_ptr<IndexPartition>> parts_;  // null before the first publication, until written
};

}  // namespace textmill
