#include "pipeline/io/shard_writer.h"

#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "pipeline/errors.h"
#include "pipeline/util/atomic_file.h"
#include "pipeline/util/io_error.h"

namespace textmill {

// Streams bytes through a compressor into a FILE*.
class Compressor {
 public:
  Compressor(const std::string& path, const std::string& kind, int level) : path_(path) {
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) throw RuntimeError(WriteError(path, errno));
    if (kind == "zstd") {
      zstd_ = ZSTD_createCCtx();
      ZSTD_CCtx_setParameter(zstd_, ZSTD_c_compressionLevel, level);
      ZSTD_CCtx_setParameter(zstd_, ZSTD_c_checksumFlag, 1);
    } else if (kind == "gzip") {
      gzip_ = std::make_unique<z_stream>();
      std::memset(gzip_.get(), 0, sizeof(z_stream));
      // 15 + 16: gzip wrapper; the header carries no time stamp, so output is
      // byte-identical from run to run.
      deflateInit2(gzip_.get(), std::min(level, 9), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    }
    out_.resize(1 << 17);
  }
  ~Compressor() {
    if (zstd_) ZSTD_freeCCtx(zstd_);
    if (gzip_) deflateEnd(gzip_.get());
    if (file_) std::fclose(file_);
  }

  void Write(std::string_view data) { Push(data, false); }

  void Finish() {
    Push({}, true);
    const bool failed = std::fclose(file_) != 0;
    file_ = nullptr;
    if (failed) throw RuntimeError(WriteError(path_, errno));
  }

 private:
  void Put(const char* data, size_t n) {
    if (n && std::fwrite(data, 1, n, file_) != n) {
      throw RuntimeError(WriteError(path_, errno));
    }
  }

  void Push(std::string_view data, bool end) {
    if (zstd_) {
      ZSTD_inBuffer in{data.data(), data.size(), 0};
      const ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
      for (;;) {
        ZSTD_outBuffer o{out_.data(), out_.size(), 0};
        const size_t remaining = ZSTD_compressStream2(zstd_, &o, &in, mode);
        if (ZSTD_isError(remaining)) throw RuntimeError("zstd: " + std::string(ZSTD_getErrorName(remaining)));
        Put(out_.data(), o.pos);
        if (end ? remaining == 0 : in.pos == in.size) break;
      }
    } else if (gzip_) {
      gzip_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      gzip_->avail_in = static_cast<uInt>(data.size());
      for (;;) {
        gzip_->next_out = reinterpret_cast<Bytef*>(out_.data());
        gzip_->avail_out = static_cast<uInt>(out_.size());
        const int rc = deflate(gzip_.get(), end ? Z_FINISH : Z_NO_FLUSH);
        Put(out_.data(), out_.size() - gzip_->avail_out);
        if (end ? rc == Z_STREAM_END : (gzip_->avail_in == 0 && gzip_->avail_out != 0)) break;
      }
    } else {
      Put(data.data(), data.size());
    }
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  ZSTD_CCtx* zstd_ = nullptr;
  std::unique_ptr<z_stream> gzip_;
  std::string out_;
};

std::string ShardWriter::Extension(const std::string& compression) {
  if (compression == "zstd") return ".jsonl.zst";
  if (compression == "gzip") return ".jsonl.gz";
  return ".jsonl";
}

ShardWriter::ShardWriter(std::string dir, std::string prefix, const OutputOptions& options)
    : dir_(std::move(dir)), prefix_(std::move(prefix)), options_(options) {}

ShardWriter::~ShardWriter() {
  if (current_) {
    current_.reset();
    std::remove(TempPathFor(current_path_).c_str());
  }
}

void ShardWriter::Open() {
  std::filesystem::create_directories(dir_);
  char index[16];
  std::snprintf(index, sizeof index, "-%05d", next_index_++);
  current_path_ = (std::filesystem::path(dir_) / (prefix_ + index + Extension(options_.compression))).string();
  current_ = std::make_unique<Compressor>(TempPathFor(current_path_), options_.compression,
                                          options_.compression_level);
  current_bytes_ = 0;
  current_lines_ = 0;
}

void ShardWriter::Write(std::string_view line) {
  const bool full_bytes = current_bytes_ + line.size() + 1 > static_cast<uint64_t>(options_.shard_size_bytes);
  const bool full_docs = options_.shard_max_documents > 0 && current_lines_ >= options_.shard_max_documents;
  if (current_ && current_bytes_ > 0 && (full_bytes || full_docs)) Close();
  if (!current_) Open();
  current_->Write(line);
  current_->Write("\n");
  current_bytes_ += line.size() + 1;
  ++current_lines_;
  bytes_ += line.size() + 1;
  ++lines_;
}

void ShardWriter::Close() {
  if (!current_) return;
  current_->Finish();
  current_.reset();
  CommitTempFile(TempPathFor(current_path_), current_path_);
  shards_.push_back(current_path_);
}

}  // namespace textmill
