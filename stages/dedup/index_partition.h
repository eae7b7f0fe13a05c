// IndexPartition: one hash range of the dedup index (DedupState), an LMDB
// environment DIR/dedup/part-NNN.lmdb.
//
// Which partition holds what (PartitionOf* below): an exact key by its high
// 64 bits, a band key by its mixed (band, key), a line key by itself, a
// signature and its document's id by the document's ordinal. So a lookup
// reads the partition of its key, and a near-duplicate check then the
// partitions of the candidates' ordinals.
//
// Tables: meta (format version, parameters, "index/count", what the last
// commit wrote), exact (128-bit key -> ordinal, id), bands (band + 32-bit key ->
// ordinals, sorted duplicates), sigs (ordinal -> signature length, signature,
// id), lines (64-bit key -> count, the count before the last generation that
// changed it, that generation), added (what the last commit added: its undo
// list).
//
// Generations. A night writes generation H into every partition, one commit
// each, then the manifest (index_manifest.h) says H. In between, a partition
// may hold H while the manifest says H - 1 (a run killed between two commits,
// or a phased run whose report has not published yet). Readers see such a
// partition as of H - 1 without writing to it (PublishedView): a document
// added by H has an ordinal >= the published count (ordinals only grow), and
// a line count changed by H is stored with the count before it. The next
// commit first undoes what the unpublished generation added (the keys listed
// in `added`, written in the same LMDB transaction as the keys themselves),
// so a rerun, which may publish other documents under the same ordinals,
// starts from the published state. Simpler schemes were weighed: keeping two
// copies of each partition doubles its disk and each commit's I/O, and
// rolling back when opening makes every reader a writer, while the tasks of
// a phased run open the index at once, read-only.
//
// Thread safety: none; one reader or one writer at a time per object.
// Several processes may read a partition while one writes it (LMDB).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stages/dedup/bucket_file.h"
#include "stages/dedup/minhash.h"

struct MDB_env;
struct MDB_txn;

namespace textmill {

inline int PartitionOfExact(const ExactKey& key, int count) {
  return static_cast<int>(BucketOf(key.high, static_cast<uint32_t>(count)));
}
inline int PartitionOfBand(int band, uint32_t key, int count) {
  return static_cast<int>(BucketOf(Mix64((uint64_t{static_cast<uint32_t>(band)} << 32) | key), static_cast<uint32_t>(count)));
}
inline int PartitionOfLine(uint64_t key, int count) { return static_cast<int>(BucketOf(key, static_cast<uint32_t>(count))); }
inline int PartitionOfOrdinal(uint64_t ordinal, int count) { return static_cast<int>(ordinal % static_cast<uint64_t>(count)); }

// What readers take as published: the manifest's generation and the number
// of documents published up to it (their ordinals are 0..published-1).
struct PublishedView {
  uint64_t generation = 0;
  uint64_t published = 0;
};

// What a partition's last commit wrote (its meta table).
struct PartitionCommitted {
  uint64_t generation = 0;  // 0: none yet
  uint64_t base = 0;        // documents published before it; its own have ordinals base..total-1
  uint64_t total = 0;
  std::string attempt;      // the run (or phased job) that wrote it: a publish takes only its own commits
};

class IndexPartition {
 public:
  static constexpr int kFormatVersion = 2;

  // Opens partition `index` of `count` in `env_dir`, creating it when
  // `create`. Throws ConfigError naming its data.mdb when it is missing
  // (and not `create`), damaged (checked before it is mapped:
  // index_check.h), of another format, built with other `params` or another
  // partition of another count.
  IndexPartition(std::string env_dir, int index, int count, const std::string& params, bool create);
  ~IndexPartition();
  IndexPartition(const IndexPartition&) = delete;
  IndexPartition& operator=(const IndexPartition&) = delete;

  const PartitionCommitted& committed() const { return committed_; }
  std::string data_path() const;
  uint64_t DiskBytes() const;

  // Lookups, in the current read transaction (BeginRead first), as of `view`.
  void BeginRead();
  void EndRead();
  std::optional<std::string> FindExact(const ExactKey& key, const PublishedView& view) const;  // the id
  void FindBand(int band, uint32_t key, const PublishedView& view, std::vector<uint32_t>& out) const;
  // `signature` empty: only the id is wanted; else it must have the stored length.
  bool Signature(uint32_t ordinal, const PublishedView& view, std::vector<uint32_t>& signature, std::string& id) const;
  uint32_t LineCount(uint64_t key, const PublishedView& view) const;

  // One generation's commit: the constructor undoes what an unpublished
  // generation added (anything newer than `view`) and drops the last undo
  // list, in a transaction of its own; then each Put in
  // ascending key order per table (LMDB fills a B+tree in order at one
  // dirtied page per leaf); then Commit. Destroyed uncommitted, nothing is
  // changed. Throws RuntimeError on failure.
  class Writer {
   public:
    Writer(IndexPartition& partition, const PublishedView& view);
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    void PutSignature(uint32_t ordinal, const uint32_t* signature, size_t length, std::string_view id);
    void PutExact(const ExactKey& key, uint32_t ordinal, std::string_view id);  // the first of a key stays
    void PutBand(int band, uint32_t key, uint32_t ordinal);
    void AddLineCount(uint64_t key, uint32_t added);
    void Commit(const PartitionCommitted& committed);

   private:
    void Undo(const PublishedView& view);
    void Added(char table, const void* key, size_t bytes);
    IndexPartition& partition_;
    MDB_txn* txn_ = nullptr;
    uint64_t generation_ = 0;  // the one being written: view.generation + 1
  };

 private:
  void Open(int index, int count, const std::string& params, bool create);
  void Reopen();

  int index_ = 0, count_ = 1;
  std::string params_;
  [[noreturn]] void Fail(const std::string& what);

  std::string env_dir_;
  MDB_env* env_ = nullptr;
  MDB_txn* read_ = nullptr;
  unsigned meta_ = 0, exact_ = 0, bands_ = 0, sigs_ = 0, lines_ = 0, added_ = 0;
  PartitionCommitted committed_;
};

}  // namespace textmill
