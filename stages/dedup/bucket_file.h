// Bucket files: how the tasks of a phased run (`textmill phase`) exchange
// fixed-size records by hash range on shared storage.
//
// A writer task spreads records over `buckets` hash ranges. It keeps them in
// memory up to a budget, then appends them to one data file as a "run": the
// records of bucket 0, then bucket 1, ... An index file lists, per run, where
// each bucket starts. The first run is spilled at 1 MiB (kFirstRunBytes), each
// next one at twice the last, up to the budget: a task whose records are far
// below the budget holds about half of them, not all (issue 17: a phase task's
// memory would otherwise grow with its corpus up to the budget), and a
// bucket's records read back the same whatever the runs. One data file per writer, whatever the bucket count, so a
// 1,000-task array does not need 1,000 open files per task. A reader task takes
// one bucket's records from every writer's runs: memory bounded by its range.
//
// Both files are written under temp names and renamed by Close(): a killed
// task leaves no file that looks complete.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace textmill {

// The hash range (0..buckets-1) of a 64-bit hash: equal-width slices of the
// hash space, so ranges are balanced for well-mixed hashes.
inline uint32_t BucketOf(uint64_t hash, uint32_t buckets) {
  return static_cast<uint32_t>((static_cast<unsigned __int128>(hash) * buckets) >> 64);
}

inline uint64_t Mix64(uint64_t x) {  // splitmix64's finalizer: spreads band keys (band, key) over the ranges
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

class BucketFileWriter {
 public:
  // Writes `path` (data) and `path`.idx. Thread-safe Add.
  BucketFileWriter(std::string path, uint32_t buckets, size_t record_size, size_t memory_budget = 64 << 20);
  ~BucketFileWriter();
  BucketFileWriter(const BucketFileWriter&) = delete;
  BucketFileWriter& operator=(const BucketFileWriter&) = delete;

  // `records`: `count` records of one document, with their buckets.
  void Add(const uint32_t* buckets, const void* records, size_t count);
  void Close();  // throws RuntimeError on I/O failure
  uint64_t records() const { return records_; }

 private:
  static constexpr size_t kFirstRunBytes = 1 << 20;
  void SpillLocked();

  std::string path_;
  uint32_t buckets_;
  size_t record_size_;
  size_t budget_;
  size_t spill_at_;  // bytes: the next run's size
  std::mutex mutex_;
  std::vector<std::vector<char>> pending_;  // per bucket
  size_t pending_bytes_ = 0;
  std::FILE* data_ = nullptr;
  std::vector<uint64_t> index_;  // per run: buckets_ + 1 offsets
  uint64_t offset_ = 0;
  uint64_t records_ = 0;
  bool closed_ = false;
};

// Appends to `out` the records of `bucket` from the bucket files at `paths`
// (each written with the same bucket count and record size). Throws
// RuntimeError when a file is missing or does not match.
void ReadBucket(const std::vector<std::string>& paths, uint32_t bucket, uint32_t buckets, size_t record_size,
                std::vector<char>& out);

// The same, a chunk of at most `chunk_bytes` at a time (whole records): a
// range task streams its records into a sort within its memory budget.
void ReadBucketChunks(const std::vector<std::string>& paths, uint32_t bucket, uint32_t buckets, size_t record_size,
                      const std::function<void(const char* data, size_t bytes)>& chunk, size_t chunk_bytes = 1 << 20);

template <typename Record, typename Fn>
void ForEachBucketRecord(const std::vector<std::string>& paths, uint32_t bucket, uint32_t buckets, Fn fn) {
  ReadBucketChunks(paths, bucket, buckets, sizeof(Record), [&fn](const char* data, size_t bytes) {
    for (size_t at = 0; at + sizeof(Record) <= bytes; at += sizeof(Record)) {
      Record record;
      std::memcpy(&record, data + at, sizeof record);
      fn(record);
    }
  });
}

template <typename Record>
std::vector<Record> ReadBucketRecords(const std::vector<std::string>& paths, uint32_t bucket, uint32_t buckets) {
  std::vector<char> bytes;
  ReadBucket(paths, bucket, buckets, sizeof(Record), bytes);
  std::vector<Record> out(bytes.size() / sizeof(Record));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(Record));
  return out;
}

// A file written a record at a time to its temp name, then committed (fsync,
// rename) by Commit(); dropped, temp file and all, if never committed. For a
// task's outputs as big as its slice or range. Throws RuntimeError.
class StreamedFile {
 public:
  explicit StreamedFile(std::string path);
  ~StreamedFile();
  StreamedFile(const StreamedFile&) = delete;
  StreamedFile& operator=(const StreamedFile&) = delete;
  void Write(const void* data, size_t bytes);
  void Commit();

 private:
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
};

// Whole files of records (small per-task outputs), written atomically.
void WriteRecordFile(const std::string& path, const void* data, size_t bytes);
std::vector<char> ReadRecordFile(const std::string& path, size_t record_size);

template <typename Record>
void WriteRecords(const std::string& path, const std::vector<Record>& records) {
  WriteRecordFile(path, records.data(), records.size() * sizeof(Record));
}

template <typename Record>
std::vector<Record> ReadRecords(const std::string& path) {
  const std::vector<char> bytes = ReadRecordFile(path, sizeof(Record));
  std::vector<Record> out(bytes.size() / sizeof(Record));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(Record));
  return out;
}

}  // namespace textmill
