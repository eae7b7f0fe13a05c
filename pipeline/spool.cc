#include "pipeline/spool.h"

#include <algorithm>
#include <filesystem>

#include "pipeline/errors.h"

namespace textmill {
namespace {

OutputOptions SpoolOptions() {
  OutputOptions options;
  options.compression = "zstd";
  options.compression_level = 1;  // fast: the spool is read twice and deleted
  options.shard_size_bytes = int64_t{1} << 30;
  return options;
}

}  // namespace

SpoolWriter::SpoolWriter(const std::string& dir) : dir_(dir), writer_(dir, "spool", SpoolOptions()) {
  std::filesystem::create_directories(dir);  // exists even when nothing is spooled
}

void SpoolWriter::Write(const Document& doc) {
  Json j = Json::object();
  j["id"] = doc.id;
  j["source"] = doc.source;
  j["input_path"] = doc.input_path;
  j["url"] = doc.url;
  j["date"] = doc.date;
  j["text"] = doc.text;
  j["lang"] = doc.lang;
  j["lang_score"] = doc.lang_score;
  j["metadata"] = doc.metadata;
  j["input_order"] = doc.input_order;
  if (doc.rejected()) {  // phased runs park rejects too, for the final report
    j["reject_reason"] = doc.reject_reason;
    j["rejected_by"] = doc.rejected_by;
    j["input_unreadable"] = doc.input_unreadable;
  }
  writer_.Write(j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace));
}

void SpoolWriter::Close() { writer_.Close(); }

SpoolReader::SpoolReader(const std::string& dir, int batch_size) : batch_size_(batch_size) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("spool-")) files_.push_back(entry.path().string());
  }
  std::sort(files_.begin(), files_.end());
}

bool SpoolReader::Next(Batch& batch) {
  batch.sequence = sequence_++;
  while (static_cast<int>(batch.docs.size()) < batch_size_) {
    size_t newline = buffer_.find('\n', pos_);
    while (newline == std::string::npos && !eof_) {
      buffer_.erase(0, pos_);
      pos_ = 0;
      if (!file_->Read(buffer_, 1 << 20)) {
        if (!file_->error().empty()) throw RuntimeError("spool " + files_[next_file_ - 1] + ": " + file_->error());
        eof_ = true;
      }
      newline = buffer_.find('\n', pos_);
    }
    if (newline == std::string::npos) {
      if (next_file_ >= files_.size()) break;
      file_ = std::make_unique<DecompressingFile>(files_[next_file_++], Compression::kZstd);
      buffer_.clear();
      pos_ = 0;
      eof_ = false;
      continue;
    }
    const Json j = Json::parse(std::string_view(buffer_).substr(pos_, newline - pos_));
    pos_ = newline + 1;
    Document& doc = batch.docs.emplace_back();
    doc.id = j["id"];
    doc.source = j["source"];
    doc.input_path = j["input_path"];
    doc.url = j["url"];
    doc.date = j["date"];
    doc.text = j["text"];
    doc.lang = j["lang"];
    doc.lang_score = j["lang_score"];
    doc.metadata = j["metadata"];
    doc.input_order = j["input_order"];
    if (j.contains("reject_reason")) {
      doc.reject_reason = j["reject_reason"];
      doc.rejected_by = j["rejected_by"];
      doc.input_unreadable = j["input_unreadable"];
    }
    doc.ordinal = ordinal_++;
  }
  return !batch.docs.empty();
}

}  // namespace textmill
