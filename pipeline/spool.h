// Spool: documents parked on disk between the passes of a run with a global
// stage (see GlobalStage in stage.h). JSONL.zst of EncodeSpooled lines
// (io/document_codec.h says which fields they keep).
#pragma once

#include <memory>
#include <string>

#include "pipeline/batch.h"
#include "pipeline/io/compression.h"
#include "pipeline/io/shard_writer.h"

namespace textmill {

class SpoolWriter {
 public:
  explicit SpoolWriter(const std::string& dir);
  void Write(const Document& doc);
  void Close();  // commits; throws RuntimeError on I/O failure
  uint64_t documents() const { return writer_.lines(); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  ShardWriter writer_;
};

// Reads a closed spool back in order; spool positions count from 0.
class SpoolReader {
 public:
  SpoolReader(const std::string& dir, int batch_size);
  // False at the end. Throws RuntimeError if the spool is unreadable (it is
  // our own file: damage means the disk failed).
  bool Next(Batch& batch);

 private:
  std::vector<std::string> files_;
  size_t next_file_ = 0;
  std::unique_ptr<DecompressingFile> file_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = true;
  int batch_size_;
  uint64_t spool_position_ = 0;
};

}  // namespace textmill
