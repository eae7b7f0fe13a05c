// DocumentSource: the serial head of the pipeline. Reads input files in order
// and hands out batches of documents whose `raw` bytes are still compressed
// and undecoded; ingest (parallel) does the rest.
//
// HTML and text files are one document each. JSONL files are streamed and
// decompressed here, one record a line, since a line cannot be split off
// without reading the ones before it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "pipeline/batch.h"
#include "pipeline/config.h"
#include "pipeline/io/compression.h"
#include "pipeline/io/input_files.h"
#include "pipeline/io/document_codec.h"
#include "pipeline/io/warc_reader.h"

#include <map>

namespace textmill {

// Live counters for the progress line; written by the source, read by others.
struct ReadProgress {
  std::atomic<int64_t> files_done{0};
  std::atomic<int64_t> bytes_read{0};  // on-disk bytes
  std::atomic<int64_t> jsonl_utf8_repairs{0};  // invalid sequences repaired in JSONL lines
  std::atomic<int64_t> docs_read{0};   // documents the runner took from the source
  // What the run is doing, for the progress line: "reading", "analysing" (a global stage's analyze pass), "writing".
  std::atomic<const char*> pass{"reading"};
  // Record counts by kind ("warc.response", "warc.skipped.http_404", ...).
  // Written by the reader thread only; read after the run.
  std::map<std::string, int64_t> record_counts;
};

class DocumentSource {
 public:
  DocumentSource(const InputListing& listing, const ReaderOptions& options, int batch_size,
                 ReadProgress* progress);
  ~DocumentSource();

  // Fills the next batch; false when all inputs are read.
  bool Next(Batch& batch);

 private:
  void ReadWholeFile(const InputFile& file, Batch& batch);
  // Reads JSONL lines into `batch` until it is full or the file ends; returns
  // true when the file is finished.
  bool ReadJsonlLines(Batch& batch);
  // Reads WARC records into `batch`; true when the file is finished.
  bool ReadWarcRecords(Batch& batch);
  void AddWarcDocument(const WarcRecord& record, Batch& batch);
  void AddWarcProblems(Batch& batch);
  void FinishFile(Batch& batch);

  const InputListing& listing_;
  const ReaderOptions& options_;
  int batch_size_;
  ReadProgress* progress_;
  size_t next_file_ = 0;
  uint32_t file_index_ = 0;      // InputFile::index of the file being read
  uint64_t record_in_file_ = 0;  // documents taken from it so far

  // State of the JSONL file being streamed.
  struct JsonlState;
  std::unique_ptr<JsonlState> jsonl_;
  struct WarcState;
  std::unique_ptr<WarcState> warc_;
  JsonlRecordParser jsonl_parser_;
};

// The id of a document without one of its own: a hash of its source.
std::string IdFromSource(std::string_view source);

}  // namespace textmill
