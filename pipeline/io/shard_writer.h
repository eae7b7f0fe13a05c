// ShardWriter: writes JSONL lines into size-rotated, compressed shards.
//
// Each shard is written as ".NAME.tmp" and renamed to NAME only when complete,
// so a killed run never leaves a file that looks like a finished shard. Names
// are PREFIX-NNNNN.jsonl[.zst|.gz]; the caller puts the rank in PREFIX.
// Not thread-safe: the runner calls it from its serial writer filter.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/config.h"

namespace textmill {

class Compressor;

class ShardWriter {
 public:
  ShardWriter(std::string dir, std::string prefix, const OutputOptions& options);
  ~ShardWriter();  // abandons (deletes) an uncommitted shard
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Appends `line` and a newline; rotates first if the shard would exceed its size.
  void Write(std::string_view line);
  // Commits the current shard, if any. Throws RuntimeError on I/O failure.
  void Close();

  // Committed shard paths, in order.
  const std::vector<std::string>& shards() const { return shards_; }
  uint64_t lines() const { return lines_; }
  uint64_t bytes() const { return bytes_; }

  // ".jsonl.zst", ".jsonl.gz" or ".jsonl".
  static std::string Extension(const std::string& compression);

 private:
  void Open();

  std::string dir_;
  std::string prefix_;
  OutputOptions options_;
  std::unique_ptr<Compressor> current_;
  std::string current_path_;
  uint64_t current_bytes_ = 0;
  int64_t current_lines_ = 0;
  int next_index_ = 0;
  std::vector<std::string> shards_;
  uint64_t lines_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace textmill
