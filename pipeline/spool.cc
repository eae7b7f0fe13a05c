#include "pipeline/spool.h"

#include <algorithm>
#include <filesystem>

#include "pipeline/errors.h"
#include "pipeline/io/document_codec.h"

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

void SpoolWriter::Write(const Document& doc) { writer_.Write(EncodeSpooled(doc)); }

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
    Document& doc = batch.docs.emplace_back();
    DecodeSpooled(std::string_view(buffer_).substr(pos_, newline - pos_), doc);
    pos_ = newline + 1;
    doc.spool_position = spool_position_++;
  }
  return !batch.docs.empty();
}

}  // namespace textmill
