// DocStream: the per-document stages of a config over a stream of JSONL
// records, on a TBB arena, in input order. The engine of Pipeline.process; no
// Python in here, so it runs without the GIL.
//
// One producer thread Push()es chunks of records and then Close()s; the same thread takes the output chunks back with Next(),
// in input order. A thread of the stream's own runs a tbb::parallel_pipeline
// (serial reader of the pushed chunks, the stages in parallel, a serial
// in-order hand-back), so the producer may go on converting Python objects
// while the stages run.
//
// Deadlock rule: the reader filter blocks while nothing was pushed. The
// producer must therefore only wait in Next() when it has Close()d or has at
// least MaxOutstanding() chunks outstanding: more than the pipeline holds in
// flight, so one of them is pushed-but-unread or already handed back.
//
// Each record is what the CLI does with a line of a JSONL input file named
// `source_name`: parsed by the same JsonlRecordParser (field names from
// config.reader.jsonl), source "NAME:N" (N counts records from 1, blank
// lines included, as the CLI counts lines), id from
// the record or a hash of the source, then ingest and the stages, then the
// writer's empty-text check, and written with the config's output schema.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_arena.h>

#include "pipeline/config.h"
#include "pipeline/io/document_codec.h"
#include "pipeline/stage.h"

namespace textmill::python {

// One input record: either a whole JSONL line as read from a file (`line`,
// then nothing is parsed under the GIL at all), or a dict taken apart so the
// producer (which holds the GIL) does not JSON-escape a page: its string
// fields as UTF-8 bytes, the rest as JSON. The stream's threads splice those
// into the JSONL line the CLI would read.
struct InputRecord {
  bool is_line = false;
  std::string line;  // is_line: the line (a trailing newline is dropped; a blank line is no record, as in a file)
  std::vector<std::pair<std::string, std::string>> strings;  // name, value (text, html)
  std::string rest = "{}";  // the other fields, a JSON object
};

struct OutputDoc {
  std::string line;  // the output record (or, for a reject, the rejects/ record)
  bool rejected = false;
};

class DocStream {
 public:
  // `stages` run in order (ingest first) on `threads` threads and must
  // outlive the stream, as must `config`. Rejected records get no line unless
  // `with_rejects`. Each stream has an arena of its own, so two streams of one
  // Pipeline never wait for each other's thread.
  DocStream(const Config& config, const std::vector<Stage*>& stages, int threads, std::string source_name,
            bool with_rejects);
  // Cancels and joins the stream's thread (waits for the documents in flight).
  ~DocStream();
  DocStream(const DocStream&) = delete;
  DocStream& operator=(const DocStream&) = delete;

  void Push(std::vector<InputRecord> records);
  void Close();
  size_t Outstanding() const;  // chunks pushed and not yet taken by Next()
  size_t MaxOutstanding() const { return static_cast<size_t>(tokens_) * 2; }

  enum class Poll { kChunk, kTimeout, kEnd };
  // The next output chunk in input order (kChunk), nothing yet after
  // `timeout_ms` (kTimeout), or kEnd when all is handed back (or cancelled).
  // Rethrows an exception a stage threw.
  Poll Next(std::vector<OutputDoc>& out, int timeout_ms);

  // Documents not yet started are dropped; those in flight finish.
  void Cancel();

 private:
  struct Chunk {
    uint64_t first = 0;  // index of its first record in the stream
    std::vector<InputRecord> records;
    std::vector<OutputDoc> out;
  };
  void RunPipeline();
  void ProcessChunk(Chunk& chunk);

  const Config& config_;
  std::vector<Stage*> stages_;
  tbb::task_arena arena_;
  int tokens_;
  std::string source_name_;
  bool with_rejects_;
  tbb::enumerable_thread_specific<std::unique_ptr<JsonlRecordParser>> parsers_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Chunk> input_;
  std::deque<std::vector<OutputDoc>> output_;
  uint64_t pushed_records_ = 0;
  size_t pushed_ = 0, taken_ = 0;
  bool closed_ = false, finished_ = false;
  std::atomic<bool> cancelled_{false};
  std::exception_ptr error_;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace textmill::python
