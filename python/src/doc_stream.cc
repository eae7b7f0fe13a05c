#include "python/src/doc_stream.h"

#include <tbb/parallel_pipeline.h>

#include <memory>

#include "pipeline/batch.h"
#include "pipeline/io/document_codec.h"
#include "pipeline/io/document_source.h"
#include "pipeline/util/utf8.h"

namespace textmill::python {
namespace {

// `value` as a JSON string, byte for byte (invalid UTF-8 stays invalid: the
// line is then repaired as a whole, as the CLI repairs a JSONL line).
void AppendJsonString(std::string_view value, std::string& out) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string JsonLine(const InputRecord& record) {
  size_t size = record.rest.size() + 2;
  for (const auto& [name, value] : record.strings) size += name.size() + value.size() + 8;
  std::string line = "{";
  line.reserve(size + size / 16);
  for (const auto& [name, value] : record.strings) {
    if (line.size() > 1) line += ',';
    AppendJsonString(name, line);
    line += ':';
    AppendJsonString(value, line);
  }
  if (record.rest.size() > 2) {  // "{...}" with members
    if (line.size() > 1) line += ',';
    line.append(record.rest, 1);
  } else {
    line += '}';
  }
  return line;
}

}  // namespace

DocStream::DocStream(const Config& config, const std::vector<Stage*>& stages, int threads, std::string source_name,
                     bool with_rejects)
    : config_(config),
      stages_(stages),
      arena_(threads),
      // Two chunks per thread in flight: one running, one ready, as the runner's 4 batches a thread but
      // with smaller chunks (a stream may be short).
      tokens_(threads * 2),
      source_name_(std::move(source_name)),
      with_rejects_(with_rejects),
      thread_([this] { RunPipeline(); }) {}

DocStream::~DocStream() {
  Cancel();
  if (thread_.joinable()) thread_.join();
}

void DocStream::Push(std::vector<InputRecord> records) {
  std::lock_guard<std::mutex> lock(mutex_);
  Chunk& chunk = input_.emplace_back();
  chunk.first = pushed_records_;
  pushed_records_ += records.size();
  chunk.records = std::move(records);
  ++pushed_;
  changed_.notify_all();
}

void DocStream::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

void DocStream::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
  changed_.notify_all();
}

size_t DocStream::Outstanding() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pushed_ - taken_;
}

DocStream::Poll DocStream::Next(std::vector<OutputDoc>& out, int timeout_ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [this] { return !output_.empty() || finished_; });
  if (!output_.empty()) {
    out = std::move(output_.front());
    output_.pop_front();
    ++taken_;
    return Poll::kChunk;
  }
  if (error_) std::rethrow_exception(error_);
  return finished_ ? Poll::kEnd : Poll::kTimeout;
}

void DocStream::RunPipeline() {
  using ChunkPtr = std::unique_ptr<Chunk>;
  try {
    arena_.execute([this] {
      tbb::parallel_pipeline(
          static_cast<size_t>(tokens_),
          tbb::make_filter<void, ChunkPtr>(tbb::filter_mode::serial_in_order,
                                           [this](tbb::flow_control& fc) -> ChunkPtr {
                                             std::unique_lock<std::mutex> lock(mutex_);
                                             changed_.wait(lock, [this] { return !input_.empty() || closed_ || cancelled_; });
                                             if (cancelled_ || input_.empty()) {
                                               fc.stop();
                                               return nullptr;
                                             }
                                             auto chunk = std::make_unique<Chunk>(std::move(input_.front()));
                                             input_.pop_front();
                                             return chunk;
                                           }) &
              tbb::make_filter<ChunkPtr, ChunkPtr>(tbb::filter_mode::parallel,
                                                   [this](ChunkPtr chunk) {
                                                     ProcessChunk(*chunk);
                                                     return chunk;
                                                   }) &
              tbb::make_filter<ChunkPtr, void>(tbb::filter_mode::serial_in_order, [this](ChunkPtr chunk) {
                std::lock_guard<std::mutex> lock(mutex_);
                output_.push_back(std::move(chunk->out));
                changed_.notify_all();
              }));
    });
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

void DocStream::ProcessChunk(Chunk& chunk) {
  if (cancelled_) return;  // the consumer is gone: nobody reads the output
  auto& parser = parsers_.local();
  if (!parser) parser = std::make_unique<JsonlRecordParser>(config_.reader.jsonl);
  Batch batch;
  batch.docs.reserve(chunk.records.size());
  // As DocumentSource::ReadJsonlLines reads a line of a JSONL file.
  for (size_t i = 0; i < chunk.records.size(); ++i) {
    std::string record;
    if (chunk.records[i].is_line) {
      record = std::move(chunk.records[i].line);
      if (!record.empty() && record.back() == '\n') record.pop_back();
      if (!record.empty() && record.back() == '\r') record.pop_back();
      if (record.find_first_not_of(" \t") == std::string::npos) {  // a blank line: no record, but counted
        chunk.records[i] = InputRecord();
        continue;
      }
    } else {
      record = JsonLine(chunk.records[i]);
    }
    chunk.records[i] = InputRecord();
    Document& doc = batch.docs.emplace_back();
    doc.source = source_name_ + ":" + std::to_string(chunk.first + i + 1);
    if (static_cast<int64_t>(record.size()) > config_.reader.max_document_bytes) {
      doc.Reject("too_large");
    } else {
      std::string repaired;
      if (!IsValidUtf8(record)) {
        RepairUtf8(record, repaired);
        record.swap(repaired);
      }
      std::string error;
      if (!parser->Parse(record, doc, error)) {
        doc.raw.clear();
        doc.metadata = Json::object();
        doc.metadata["error"] = error;
        doc.Reject("bad_json");
      }
    }
    if (doc.id.empty()) doc.id = IdFromSource(doc.source);
  }
  // As the runner runs a stage on a batch (Job::RunStage): a document a stage
  // rejects names that stage.
  std::vector<uint8_t> was_live(batch.docs.size());
  for (Stage* stage : stages_) {
    for (size_t i = 0; i < batch.docs.size(); ++i) was_live[i] = !batch.docs[i].rejected();
    stage->Process(batch);
    for (size_t i = 0; i < batch.docs.size(); ++i) {
      if (was_live[i] && batch.docs[i].rejected()) batch.docs[i].rejected_by = stage->Name();
    }
    if (cancelled_) return;
  }
  // As the writer finishes a document (Job::WriteBatch).
  chunk.out.resize(batch.docs.size());
  for (size_t i = 0; i < batch.docs.size(); ++i) {
    Document& doc = batch.docs[i];
    if (!doc.rejected() && doc.text.empty()) {
      doc.Reject("empty_text");
      doc.rejected_by = "output";
    }
    OutputDoc& out = chunk.out[i];
    out.rejected = doc.rejected();
    if (!out.rejected) {
      out.line = EncodeOutput(doc, config_.output);
    } else if (with_rejects_) {
      if (doc.rejected_by.empty()) doc.rejected_by = "reader";
      out.line = EncodeReject(doc, config_.output.rejects_text);
    }
  }
}

}  // namespace textmill::python
