// OutputRouter: where each document leaving the last stage goes. A kept
// document goes to the rank's shards (or, with output.route_by_lang, to
// DIR/<lang>/), a rejected one is counted by reason and stage and, with
// output.rejects, written to DIR/rejects/; a reject that means the input was
// unreadable is listed for the report. The counts are what the report, the
// metrics and the manifest say about the run's output.
//
// Write() is called from the serial-in-order sink of a pass: one thread at a
// time, in input order, so the shards' bytes do not depend on the thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/batch.h"
#include "pipeline/config.h"
#include "pipeline/io/shard_writer.h"

namespace textmill {

// "part-RRRRR": the prefix of every shard a rank writes.
std::string ShardPrefix(int rank);

class OutputRouter {
 public:
  OutputRouter(const Config& config, int rank) : config_(config), rank_(rank) {}

  // Creates the output dir, removes the rank's shards of an earlier attempt
  // (stale ones would mix two runs) and opens the writers. Throws RuntimeError.
  void Open();
  void Write(Batch& batch);
  void Write(Document& doc);
  // Closes (commits) every shard; throws RuntimeError on I/O failure.
  void Close();

  // An input the reader could not list or open, for the report.
  void AddUnreadable(Json entry) { unreadable_.push_back(std::move(entry)); }

  int64_t documents_read() const { return docs_read_; }
  int64_t documents_written() const { return docs_written_.load(); }
  const std::atomic<int64_t>& written_counter() const { return docs_written_; }  // for progress lines
  const std::map<std::string, int64_t>& documents_by_path() const { return docs_by_path_; }
  const std::vector<Json>& unreadable() const { return unreadable_; }
  const std::map<std::string, int64_t>& rejects_by_reason() const { return rejects_by_reason_; }
  // Reject counts by reason of the stage called `stage` (an object; may be empty).
  Json RejectsOf(const std::string& stage) const;
  // report.json's "output": documents, bytes, shards, histogram, languages.
  Json Summary() const;

 private:
  ShardWriter& WriterFor(const Document& doc);

  const Config& config_;
  int rank_;
  std::unique_ptr<ShardWriter> writer_;
  std::map<std::string, std::unique_ptr<ShardWriter>> lang_writers_;  // route_by_lang
  std::unique_ptr<ShardWriter> rejects_writer_;
  int64_t docs_read_ = 0;
  std::atomic<int64_t> docs_written_{0};
  std::map<std::string, int64_t> rejects_by_reason_;
  std::map<std::string, std::map<std::string, int64_t>> rejects_by_stage_;
  std::vector<Json> unreadable_;
  std::map<std::string, int64_t> docs_by_path_;     // documents written per input file
  std::map<int, int64_t> length_histogram_;         // written documents by length bucket
  std::map<std::string, int64_t> written_by_lang_;  // written documents by language
};

}  // namespace textmill
