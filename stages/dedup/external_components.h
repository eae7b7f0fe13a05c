// Connected components of a graph bigger than memory, by sorted edge lists
// (the merge task of a phased dedup run when its members do not fit the
// budget; dedup_merge_external.cc).
//
// Each round contracts the graph: every node with a smaller neighbour hooks to
// its smallest one, pointer jumping turns the hook forest into stars (two sorts
// of the hooks not yet on a root per doubling of the depth), and the edges are
// relabelled with their ends' roots, self-loops and copies dropped. Hooks only
// go down, so the last root of a component is its smallest node: what the
// in-memory union-find of the merge task makes the root (the smaller position
// wins). Rounds: a root that hooks
// to nobody and that nobody hooks to has a smaller neighbour in the next
// round, so the roots of a component at least halve every two rounds
// (O(log n) rounds; a chain of 4,000 nodes in random order with as many random
// edges took 8, of 100,000 took 11). Each step is a sort (SortedRuns) or a
// merge join of sorted files, so memory is the sort budget plus a few read
// buffers, whatever the graph.
//
// Not thread-safe; one caller.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stages/dedup/sorted_runs.h"

namespace textmill {

struct NodePair {
  uint64_t a, b;
  auto operator<=>(const NodePair&) const = default;  // a total order, for SortedRuns
};

// Records appended in order, then read back in that order by any number of
// pull readers (merge joins): an unlinked temporary file and a small tail.
template <typename Record>
class RecordFile {
  static_assert(std::is_trivially_copyable_v<Record>);

 public:
  static constexpr size_t kChunkBytes = 64 * 1024;
  explicit RecordFile(std::string dir = "") : dir_(std::move(dir)) {}
  void Add(const Record& record) {
    tail_.push_back(record);
    if (tail_.size() * sizeof(Record) >= kChunkBytes) {
      if (!file_) file_ = std::make_unique<RunFile>(dir_);
      file_->Append(tail_.data(), tail_.size() * sizeof(Record));
      tail_.clear();
    }
  }
  uint64_t records() const { return (file_ ? file_->size() : 0) / sizeof(Record) + tail_.size(); }

  class Reader {
   public:
    explicit Reader(const RecordFile& file) : file_(file) { Fill(); }
    bool Valid() const { return next_ < buffer_.size(); }
    const Record& Head() const { return buffer_[next_]; }
    void Advance() {
      if (++next_ >= buffer_.size()) Fill();
    }

   private:
    void Fill() {
      next_ = 0;
      buffer_.clear();
      if (file_.file_ && offset_ < file_.file_->size()) {
        buffer_.resize(kChunkBytes / sizeof(Record) + 1);
        const size_t bytes = file_.file_->Read(offset_, buffer_.data(), buffer_.size() * sizeof(Record));
        offset_ += bytes;
        buffer_.resize(bytes / sizeof(Record));
      } else if (!tail_read_) {
        buffer_ = file_.tail_;
        tail_read_ = true;
      }
    }
    const RecordFile& file_;
    uint64_t offset_ = 0;
    bool tail_read_ = false;
    std::vector<Record> buffer_;
    size_t next_ = 0;
  };

  template <typename Fn>
  void ForEach(Fn fn) const {
    for (Reader reader(*this); reader.Valid(); reader.Advance()) fn(reader.Head());
  }

 private:
  std::string dir_;
  std::unique_ptr<RunFile> file_;
  std::vector<Record> tail_;
};

// The records of `runs` in ascending order, written to a RecordFile (runs left empty).
template <typename Record>
RecordFile<Record> Sorted(SortedRuns<Record>& runs, bool unique = false, const std::string& dir = "") {
  RecordFile<Record> out(dir);
  bool any = false;
  Record last{};
  runs.Merge([&](const Record& record) {
    if (unique && any && !(last < record)) return;
    out.Add(record);
    last = record;
    any = true;
  });
  return out;
}

// A lookup in a file of records sorted by a key, asked in ascending key order
// (a merge join): each record is read once, whatever the number of lookups.
template <typename Record, typename KeyFn>
class SortedLookup {
 public:
  SortedLookup(const RecordFile<Record>& file, KeyFn key) : reader_(file), key_(key) {}
  // The first record whose key is `k`, or nullptr; `k` never smaller than the last asked.
  template <typename Key>
  const Record* Find(const Key& k) {
    while (reader_.Valid() && key_(reader_.Head()) < k) reader_.Advance();
    return reader_.Valid() && key_(reader_.Head()) == k ? &reader_.Head() : nullptr;
  }
  // Records skipped by Find are passed over, never seen again.
  bool Valid() const { return reader_.Valid(); }
  const Record& Head() const { return reader_.Head(); }
  void Advance() { reader_.Advance(); }

 private:
  typename RecordFile<Record>::Reader reader_;
  KeyFn key_;
};

class ExternalComponents {
 public:
  // `budget_bytes`: memory for sort buffers (three sorts run at once).
  explicit ExternalComponents(size_t budget_bytes, std::string dir = "");
  void AddEdge(uint64_t a, uint64_t b);  // adds both ends as nodes
  void AddNode(uint64_t x);
  // (node, root) for every node added, sorted by node; root = the smallest
  // node of its component. Call once.
  RecordFile<NodePair> Solve();
  int rounds() const { return rounds_; }
  int jumps() const { return jumps_; }

 private:
  size_t sort_bytes_;
  std::string dir_;
  SortedRuns<NodePair> edges_;
  SortedRuns<uint64_t> nodes_;
  int rounds_ = 0, jumps_ = 0;
};

}  // namespace textmill
