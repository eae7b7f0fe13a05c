// WarcReader: streams the records of a WARC 1.0/1.1 file (.warc, .warc.gz with
// one gzip member per record or whole-file gzip), in constant memory per
// record.
//
// It survives damage: garbage between records, a header without its blank
// line, a Content-Length that is missing, negative, absurd, too short or too
// long, a truncated record or gzip member. Each problem is reported with its
// reason and byte offset (in the uncompressed stream), and reading resumes at
// the next "WARC/<digit>" record start (1.0, 1.1 and Heritrix's 0.17). Not thread-safe (one reader per file).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/io/compression.h"

namespace textmill {

struct WarcRecord {
  uint64_t offset = 0;  // of "WARC/1." in the uncompressed stream
  std::map<std::string, std::string> headers;  // lower-case names
  std::string type;                            // warc-type, lower case
  std::string block;                           // empty when too_large
  bool too_large = false;                      // block over max_block_bytes: skipped unread
  std::string Header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct WarcProblem {
  uint64_t offset = 0;
  std::string reason;
};

class WarcReader {
 public:
  WarcReader(const std::string& path, Compression compression, int64_t max_block_bytes);

  // The next record, or false at the end of the file.
  bool Next(WarcRecord& record);

  // Problems found since the last call.
  std::vector<WarcProblem> TakeProblems();

 private:
  // Makes at least `n` bytes available from pos_ unless the stream ends.
  bool Fill(size_t n);
  void Compact();
  void Problem(uint64_t offset, std::string reason);
  // Skips to the next "WARC/1." at or after pos_; false at the end.
  bool Resync();

  DecompressingFile file_;
  int64_t max_block_bytes_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t base_ = 0;  // stream offset of buf_[0]
  bool eof_ = false;
  bool stream_error_reported_ = false;
  std::vector<WarcProblem> problems_;
};

}  // namespace textmill
