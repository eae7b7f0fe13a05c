#include "stages/dedup/bucket_file.h"

#include <algorithm>

#include <cerrno>

#include "pipeline/util/io_error.h"
#include <cstring>
#include <fstream>

#include "pipeline/errors.h"
#include "pipeline/util/atomic_file.h"

namespace textmill {
namespace {

constexpr char kIndexMagic[8] = {'T', 'M', 'B', 'K', 'T', '0', '0', '1'};

std::string IndexPath(const std::string& path) { return path + ".idx"; }

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuntimeError("cannot read " + path + ": " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw RuntimeError("cannot read " + path);
  return bytes;
}

}  // namespace

BucketFileWriter::BucketFileWriter(std::string path, uint32_t buckets, size_t record_size, size_t memory_budget)
    : path_(std::move(path)),
      buckets_(buckets),
      record_size_(record_size),
      budget_(memory_budget),
      spill_at_(std::min(memory_budget, kFirstRunBytes)),
      pending_(buckets) {
  const std::string temp = TempPathFor(path_);
  data_ = std::fopen(temp.c_str(), "wb");
  if (!data_) throw RuntimeError(WriteError(temp, errno));
}

BucketFileWriter::~BucketFileWriter() {
  if (data_) {
    std::fclose(data_);
    std::remove(TempPathFor(path_).c_str());
  }
}

void BucketFileWriter::Add(const uint32_t* buckets, const void* records, size_t count) {
  const char* bytes = static_cast<const char*>(records);
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < count; ++i) {
    std::vector<char>& out = pending_[buckets[i]];
    out.insert(out.end(), bytes + i * record_size_, bytes + (i + 1) * record_size_);
  }
  pending_bytes_ += count * record_size_;
  records_ += count;
  if (pending_bytes_ >= spill_at_) {
    SpillLocked();
    spill_at_ = spill_at_ > budget_ / 2 ? budget_ : spill_at_ * 2;
  }
}

void BucketFileWriter::SpillLocked() {
  for (uint32_t b = 0; b < buckets_; ++b) {
    index_.push_back(offset_);
    std::vector<char>& out = pending_[b];
    if (!out.empty() && std::fwrite(out.data(), 1, out.size(), data_) != out.size()) {
      throw RuntimeError(WriteError(TempPathFor(path_), errno));
    }
    offset_ += out.size();
    out.clear();
    out.shrink_to_fit();
  }
  index_.push_back(offset_);
  pending_bytes_ = 0;
}

void BucketFileWriter::Close() {
  if (closed_) return;
  std::lock_guard lock(mutex_);
  if (pending_bytes_ > 0 || index_.empty()) SpillLocked();
  const bool ok = std::fflush(data_) == 0;
  const bool closed = std::fclose(data_) == 0;
  data_ = nullptr;
  if (!ok || !closed) throw RuntimeError(WriteError(TempPathFor(path_), errno));
  CommitTempFile(TempPathFor(path_), path_);
  std::string index(kIndexMagic, sizeof kIndexMagic);
  const uint64_t header[2] = {buckets_, record_size_};
  index.append(reinterpret_cast<const char*>(header), sizeof header);
  index.append(reinterpret_cast<const char*>(index_.data()), index_.size() * sizeof(uint64_t));
  WriteFileAtomic(IndexPath(path_), index);
  closed_ = true;
}

void ReadBucketChunks(const std::vector<std::string>& paths, uint32_t bucket, uint32_t buckets, size_t record_size,
                      const std::function<void(const char* data, size_t bytes)>& chunk, size_t chunk_bytes) {
  chunk_bytes = std::max(record_size, chunk_bytes / record_size * record_size);
  std::vector<char> buffer(chunk_bytes);
  for (const std::string& path : paths) {
    const std::string index = ReadWholeFile(IndexPath(path));
    const size_t header = sizeof kIndexMagic + 2 * sizeof(uint64_t);
    uint64_t shape[2] = {0, 0};
    if (index.size() >= header) std::memcpy(shape, index.data() + sizeof kIndexMagic, sizeof shape);
    if (index.size() < header || std::memcmp(index.data(), kIndexMagic, sizeof kIndexMagic) != 0 ||
        shape[0] != buckets || shape[1] != record_size || (index.size() - header) % ((buckets + 1) * 8) != 0) {
      throw RuntimeError(IndexPath(path) + ": not a bucket index for " + std::to_string(buckets) +
                         " buckets of " + std::to_string(record_size) + "-byte records (written by another run?)");
    }
    const size_t runs = (index.size() - header) / ((buckets + 1) * 8);
    std::FILE* data = std::fopen(path.c_str(), "rb");
    if (!data) throw RuntimeError("cannot read " + path + ": " + std::strerror(errno));
    for (size_t run = 0; run < runs; ++run) {
      uint64_t range[2];
      std::memcpy(range, index.data() + header + (run * (buckets + 1) + bucket) * 8, sizeof range);
      if (range[1] > range[0] && fseeko(data, static_cast<off_t>(range[0]), SEEK_SET) != 0) {
        std::fclose(data);
        throw RuntimeError(path + ": truncated bucket file");
      }
      for (uint64_t left = range[1] - range[0]; left > 0;) {
        const size_t bytes = static_cast<size_t>(std::min<uint64_t>(left, chunk_bytes));
        if (std::fread(buffer.data(), 1, bytes, data) != bytes) {
          std::fclose(data);
          throw RuntimeError(path + ": truncated bucket file");
        }
        chunk(buffer.data(), bytes);
        left -= bytes;
      }
    }
    std::fclose(data);
  }
}

void ReadBucket(const std::vector<std::string>& paths, uint32_t bucket, uint32_t buckets, size_t record_size,
                std::vector<char>& out) {
  ReadBucketChunks(paths, bucket, buckets, record_size,
                   [&out](const char* data, size_t bytes) { out.insert(out.end(), data, data + bytes); });
}

StreamedFile::StreamedFile(std::string path) : path_(std::move(path)), temp_(TempPathFor(path_)) {
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) throw RuntimeError(WriteError(temp_, errno));
}

StreamedFile::~StreamedFile() {
  if (file_) {
    std::fclose(file_);
    std::remove(temp_.c_str());
  }
}

void StreamedFile::Write(const void* data, size_t bytes) {
  if (bytes > 0 && std::fwrite(data, 1, bytes, file_) != bytes) throw RuntimeError(WriteError(temp_, errno));
}

void StreamedFile::Commit() {
  const bool ok = std::fflush(file_) == 0;
  const int err = errno;
  std::fclose(file_);
  file_ = nullptr;
  if (!ok) {
    std::remove(temp_.c_str());
    throw RuntimeError(WriteError(temp_, err));
  }
  CommitTempFile(temp_, path_);
}

void WriteRecordFile(const std::string& path, const void* data, size_t bytes) {
  WriteFileAtomic(path, std::string_view(static_cast<const char*>(data), bytes));
}

std::vector<char> ReadRecordFile(const std::string& path, size_t record_size) {
  const std::string bytes = ReadWholeFile(path);
  if (bytes.size() % record_size != 0) throw RuntimeError(path + ": truncated record file");
  return std::vector<char>(bytes.begin(), bytes.end());
}

}  // namespace textmill
