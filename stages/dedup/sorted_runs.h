// SortedRuns: an external sort of fixed-size records within a memory budget.
//
// Add() buffers records; when the buffer reaches its budget it is sorted and
// written to an unlinked temporary file as one sorted run, and emptied. Merge()
// reads every run (and the unsorted tail, sorted in memory) and calls a
// function once per record in ascending order: a k-way merge reading each run
// through a small buffer. So the memory a set of sorted runs takes is its
// budget plus kReadBuffer per run, whatever the number of records; the rest is
// on disk (page cache, which is not the process's memory and which the kernel
// writes out under pressure).
//
// Record: trivially copyable with operator<, a total order (records that
// compare equal are identical), so the merged order does not depend on how the
// records were cut into runs: the same records give the same sequence with any
// budget or thread count.
//
// Not thread-safe: one writer. Parallel writers each fill their own SortedRuns
// and MergeAll() merges them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <queue>
#include <string>
#include <type_traits>
#include <vector>

namespace textmill {

// An unlinked temporary file (gone when closed, even after a crash), written
// and read by position. Thread-safe for writes and reads at disjoint offsets
// (pwrite/pread).
class TempFile {
 public:
  // Creates the file under `dir` ($TMPDIR or /tmp when empty). Throws RuntimeError.
  explicit TempFile(const std::string& dir = "");
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  // Throws RuntimeError, a full disk named as such ("set TMPDIR ...").
  void WriteAt(uint64_t offset, const void* data, size_t bytes) const;
  // Reads up to `bytes` from `offset`; returns the bytes read (0 at the end).
  size_t ReadAt(uint64_t offset, void* out, size_t bytes) const;

 private:
  int fd_ = -1;
  std::string dir_;
};

// A run of records: a TempFile written from its start, and its size.
class RunFile {
 public:
  explicit RunFile(const std::string& dir) : file_(dir) {}
  void Append(const void* data, size_t bytes) {
    file_.WriteAt(size_, data, bytes);
    size_ += bytes;
  }
  size_t Read(uint64_t offset, void* out, size_t bytes) const { return file_.ReadAt(offset, out, bytes); }
  uint64_t size() const { return size_; }

 private:
  TempFile file_;
  uint64_t size_ = 0;
};

// Records appended in any order and read back in that order, spilled a buffer
// at a time: what must be kept but not sorted. One writer.
template <typename Record>
class RecordLog {
  static_assert(std::is_trivially_copyable_v<Record>);

 public:
  static constexpr size_t kBufferBytes = 1 << 20;
  explicit RecordLog(std::string dir = "") : dir_(std::move(dir)) {}
  void Add(const Record& record) {
    if (buffer_.size() * sizeof(Record) >= kBufferBytes) Spill();
    buffer_.push_back(record);
  }
  uint64_t records() const { return written_ / sizeof(Record) + buffer_.size(); }
  // Calls fn(const Record&) for every record in the order added.
  template <typename Fn>
  void ForEach(Fn fn) const {
    std::vector<Record> chunk(kBufferBytes / sizeof(Record) + 1);
    for (uint64_t offset = 0; offset < written_;) {
      const size_t bytes = file_->ReadAt(offset, chunk.data(), chunk.size() * sizeof(Record));
      if (bytes == 0) break;
      for (size_t i = 0; i < bytes / sizeof(Record); ++i) fn(chunk[i]);
      offset += bytes;
    }
    for (const Record& record : buffer_) fn(record);
  }

 private:
  void Spill() {
    if (!file_) file_ = std::make_unique<TempFile>(dir_);
    file_->WriteAt(written_, buffer_.data(), buffer_.size() * sizeof(Record));
    written_ += buffer_.size() * sizeof(Record);
    buffer_.clear();
  }
  std::string dir_;
  std::unique_ptr<TempFile> file_;
  uint64_t written_ = 0;
  std::vector<Record> buffer_;
};

template <typename Record>
class SortedRuns {
  static_assert(std::is_trivially_copyable_v<Record>);

 public:
  static constexpr size_t kReadBuffer = 64 * 1024;  // bytes read from a run at a time
  // Runs one writer keeps open before merging them into one (a second pass
  // over the data): bounds open files and read buffers, whatever the budget.
  static constexpr size_t kMaxRuns = 64;

  // `first_run_bytes` (0: the budget): the first run is spilled at that size,
  // each next one at twice the last, up to the budget. For a sort whose input
  // is often far below its budget: the buffer's touched pages then grow with
  // about half the input instead of all of it, for log2(budget / first) more
  // runs.
  explicit SortedRuns(size_t budget_bytes = 64 << 20, std::string dir = "", size_t first_run_bytes = 0)
      : limit_(std::max<size_t>(1, budget_bytes / sizeof(Record))),
        spill_at_(first_run_bytes == 0 ? limit_ : std::clamp<size_t>(first_run_bytes / sizeof(Record), 1, limit_)),
        dir_(std::move(dir)) {}

  void Add(const Record& record) {
    // The whole budget at once: growing by doubling would copy the buffer
    // and hold both copies (1.5x the budget) at its last step. Pages not yet
    // written are not resident.
    if (buffer_.capacity() == 0) buffer_.reserve(limit_);
    if (buffer_.size() >= spill_at_) {
      Spill();
      spill_at_ = spill_at_ > limit_ / 2 ? limit_ : spill_at_ * 2;
    }
    buffer_.push_back(record);
    ++records_;
  }
  uint64_t records() const { return records_; }
  size_t runs() const { return runs_.size(); }

  // Calls fn(const Record&) for every record of `parts`, in ascending order.
  // The parts are left empty.
  template <typename Fn>
  static void MergeAll(const std::vector<SortedRuns*>& parts, Fn fn) {
    std::vector<Cursor> cursors;
    std::vector<std::vector<Record>> tails;
    for (SortedRuns* part : parts) {
      std::sort(part->buffer_.begin(), part->buffer_.end());
      tails.push_back(std::move(part->buffer_));
      part->buffer_ = {};
      for (auto& run : part->runs_) cursors.emplace_back(std::move(run));
      part->runs_.clear();
      part->records_ = 0;
    }
    for (auto& tail : tails) cursors.emplace_back(std::move(tail));
    MergeCursors(cursors, fn);
  }

  template <typename Fn>
  void Merge(Fn fn) {
    MergeAll({this}, fn);
  }

 private:
  class Cursor;

  template <typename Fn>
  static void MergeCursors(std::vector<Cursor>& cursors, Fn& fn) {
    const auto later = [&cursors](size_t a, size_t b) {
      return cursors[b].Head() < cursors[a].Head() || (!(cursors[a].Head() < cursors[b].Head()) && b < a);
    };
    std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
    for (size_t i = 0; i < cursors.size(); ++i) {
      if (cursors[i].Valid()) heap.push(i);
    }
    while (!heap.empty()) {
      const size_t i = heap.top();
      heap.pop();
      fn(cursors[i].Head());
      if (cursors[i].Advance()) heap.push(i);
    }
  }

  // Reads one run (or the sorted in-memory tail) a buffer at a time.
  class Cursor {
   public:
    explicit Cursor(std::unique_ptr<RunFile> file) : file_(std::move(file)) { Fill(); }
    explicit Cursor(std::vector<Record> tail) : buffer_(std::move(tail)) {}
    bool Valid() const { return next_ < buffer_.size(); }
    const Record& Head() const { return buffer_[next_]; }
    bool Advance() {
      if (++next_ < buffer_.size()) return true;
      if (file_) Fill();
      return Valid();
    }

   private:
    void Fill() {
      buffer_.resize(std::max<size_t>(1, kReadBuffer / sizeof(Record)));
      const size_t bytes = file_->Read(offset_, buffer_.data(), buffer_.size() * sizeof(Record));
      offset_ += bytes;
      buffer_.resize(bytes / sizeof(Record));
      next_ = 0;
      if (buffer_.empty()) file_.reset();  // done: the file goes now, not at the end of the merge
    }
    std::unique_ptr<RunFile> file_;
    uint64_t offset_ = 0;
    std::vector<Record> buffer_;
    size_t next_ = 0;
  };

  void Spill() {
    std::sort(buffer_.begin(), buffer_.end());
    runs_.push_back(std::make_unique<RunFile>(dir_));
    runs_.back()->Append(buffer_.data(), buffer_.size() * sizeof(Record));
    buffer_.clear();
    if (runs_.size() >= kMaxRuns) Compact();
  }

  // Merges the runs into one, written a read buffer at a time.
  void Compact() {
    std::vector<Cursor> cursors;
    for (auto& run : runs_) cursors.emplace_back(std::move(run));
    runs_.clear();
    auto merged = std::make_unique<RunFile>(dir_);
    std::vector<Record> out;
    out.reserve(kReadBuffer / sizeof(Record) + 1);
    auto write = [&out, &merged](const Record& record) {
      out.push_back(record);
      if (out.size() * sizeof(Record) >= kReadBuffer) {
        merged->Append(out.data(), out.size() * sizeof(Record));
        out.clear();
      }
    };
    MergeCursors(cursors, write);
    merged->Append(out.data(), out.size() * sizeof(Record));
    runs_.push_back(std::move(merged));
  }

  size_t limit_;
  size_t spill_at_;  // records: the next run's size
  std::string dir_;
  std::vector<Record> buffer_;
  std::vector<std::unique_ptr<RunFile>> runs_;
  uint64_t records_ = 0;
};

}  // namespace textmill
