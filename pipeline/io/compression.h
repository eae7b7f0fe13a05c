// Decompression of gzip (multi-member, and zlib) and zstd (multi-frame), either
// of a whole buffer with a size cap, or streaming from a file.
//
// Corrupt or truncated data is never an exception: results carry an error
// string and whatever was decoded before the error.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/document.h"

namespace textmill {

// ".gz" -> kGzip, ".zst" -> kZstd, else kNone.
Compression CompressionFromName(std::string_view name);
// The name without a trailing ".gz"/".zst".
std::string_view StripCompressionSuffix(std::string_view name);

struct DecompressResult {
  std::string data;
  std::string error;       // empty when the input decoded completely
  bool over_limit = false;  // stopped at max_bytes
};

DecompressResult Decompress(std::string_view input, Compression compression, int64_t max_bytes);

// Streaming decoder: feed compressed chunks, get decompressed bytes.
class Decoder {
 public:
  virtual ~Decoder() = default;
  // Appends decoded bytes of `input` to `out`. Returns false on corrupt data
  // (see error()). Stops early once `out` reaches `limit` bytes; `consumed`
  // tells how much of `input` was used.
  virtual bool Feed(std::string_view input, std::string& out, size_t limit, size_t& consumed) = 0;
  // True if the stream ended on a frame/member boundary.
  virtual bool AtBoundary() const = 0;
  const std::string& error() const { return error_; }
  static std::unique_ptr<Decoder> Create(Compression compression);

 protected:
  std::string error_;
};

// Reads a file in chunks through a Decoder. Errors are reported, not thrown.
class DecompressingFile {
 public:
  DecompressingFile(const std::string& path, Compression compression);
  ~DecompressingFile();
  DecompressingFile(const DecompressingFile&) = delete;
  DecompressingFile& operator=(const DecompressingFile&) = delete;

  // Appends up to about `max` decoded bytes to `out`. Returns false at the end
  // of the data or on error (then error() is set).
  bool Read(std::string& out, size_t max);
  const std::string& error() const { return error_; }
  uint64_t compressed_bytes_read() const { return compressed_read_; }

 private:
  std::FILE* file_ = nullptr;
  std::unique_ptr<Decoder> decoder_;
  std::string in_buf_;
  size_t in_pos_ = 0;
  bool eof_ = false;
  std::string error_;
  uint64_t compressed_read_ = 0;
};

}  // namespace textmill
