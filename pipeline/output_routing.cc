#include "pipeline/output_routing.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "pipeline/errors.h"
#include "pipeline/io/document_codec.h"
#include "pipeline/util/fault.h"
#include "pipeline/util/utf8.h"

namespace fs = std::filesystem;

namespace textmill {
namespace {

// Text length buckets, powers of two of characters: 0 = under 128, 1 = 128-255, ...
int LengthBucket(const std::string& text) {
  const auto chars = static_cast<int64_t>(CountCodePoints(text));
  int bucket = 0;
  for (int64_t limit = 128; chars >= limit && bucket < 12; limit *= 2) ++bucket;
  return bucket;
}

std::string BucketLabel(int bucket) {
  if (bucket == 0) return "<128";
  const int64_t low = int64_t{64} << bucket;
  return bucket == 12 ? ">=" + std::to_string(low) : std::to_string(low) + "-" + std::to_string(low * 2 - 1);
}

}  // namespace

std::string ShardPrefix(int rank) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%05d", rank);
  return buf;
}

void OutputRouter::Open() {
  const fs::path dir(config_.output.dir);
  std::error_code ec;
  fs::create_directories(dir / "rejects", ec);
  if (ec) throw RuntimeError("cannot create output directory " + dir.string() + ": " + ec.message());
  const std::string prefix = ShardPrefix(rank_);
  std::vector<fs::path> subdirs = {dir, dir / "rejects"};
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory() && entry.path().filename() != "rejects") subdirs.push_back(entry.path());
  }
  for (const fs::path& sub : subdirs) {
    for (const auto& entry : fs::directory_iterator(sub, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(prefix + "-") || name.starts_with("." + prefix + "-")) fs::remove(entry.path(), ec);
    }
  }
  writer_ = std::make_unique<ShardWriter>(config_.output.dir, prefix, config_.output);
  if (config_.output.rejects) {
    rejects_writer_ = std::make_unique<ShardWriter>((dir / "rejects").string(), prefix, config_.output);
  }
}

ShardWriter& OutputRouter::WriterFor(const Document& doc) {
  if (!config_.output.route_by_lang) return *writer_;
  const std::string lang = doc.lang.empty() ? "und" : doc.lang;
  auto& writer = lang_writers_[lang];
  if (!writer) {
    writer = std::make_unique<ShardWriter>((fs::path(config_.output.dir) / lang).string(), ShardPrefix(rank_),
                                           config_.output);
  }
  return *writer;
}

void OutputRouter::Write(Batch& batch) {
  for (Document& doc : batch.docs) Write(doc);
}

void OutputRouter::Write(Document& doc) {
  ++docs_read_;
  if (!doc.rejected() && doc.text.empty()) {
    doc.Reject("empty_text");
    doc.rejected_by = "output";
  }
  if (doc.rejected()) {
    if (doc.rejected_by.empty()) doc.rejected_by = "reader";
    ++rejects_by_reason_[doc.reject_reason];
    ++rejects_by_stage_[doc.rejected_by][doc.reject_reason];
    if (doc.input_unreadable) {
      Json entry = {{"path", doc.input_path.empty() ? doc.source : doc.input_path},
                    {"source", doc.source},
                    {"reason", doc.reject_reason}};
      if (doc.metadata.contains("error")) entry["error"] = doc.metadata["error"];
      unreadable_.push_back(std::move(entry));
      spdlog::warn("unreadable input {}: {}", doc.source, doc.metadata.value("error", doc.reject_reason));
    }
    if (rejects_writer_) rejects_writer_->Write(EncodeReject(doc, config_.output.rejects_text));
    return;
  }
  WriterFor(doc).Write(EncodeOutput(doc, config_.output));
  ++docs_written_;
  ++length_histogram_[LengthBucket(doc.text)];
  ++written_by_lang_[doc.lang.empty() ? "und" : doc.lang];
  if (!doc.input_path.empty()) ++docs_by_path_[doc.input_path];
  if (writer_->shards().size() == 1) MaybeCrash("after_first_shard");
}

void OutputRouter::Close() {
  writer_->Close();
  for (auto& [lang, writer] : lang_writers_) writer->Close();
  if (rejects_writer_) rejects_writer_->Close();
}

Json OutputRouter::RejectsOf(const std::string& stage) const {
  Json rejects = Json::object();
  const auto it = rejects_by_stage_.find(stage);
  if (it != rejects_by_stage_.end()) {
    for (const auto& [reason, n] : it->second) rejects[reason] = n;
  }
  return rejects;
}

Json OutputRouter::Summary() const {
  Json shards = Json::array();
  uint64_t output_bytes = writer_->bytes();
  for (const std::string& path : writer_->shards()) shards.push_back(fs::path(path).filename().string());
  for (const auto& [lang, writer] : lang_writers_) {
    output_bytes += writer->bytes();
    for (const std::string& path : writer->shards()) shards.push_back(lang + "/" + fs::path(path).filename().string());
  }
  Json histogram = Json::object();
  for (const auto& [bucket, n] : length_histogram_) histogram[BucketLabel(bucket)] = n;
  return {{"documents", docs_written_.load()},
          {"bytes", output_bytes},
          {"shards", shards},
          {"text_length_histogram", histogram},
          {"rejects_file_documents", rejects_writer_ ? rejects_writer_->lines() : 0},
          {"languages", Json(written_by_lang_)}};
}

}  // namespace textmill
