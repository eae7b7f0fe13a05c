#include "pipeline/io/compression.h"

#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

namespace textmill {

Compression CompressionFromName(std::string_view name) {
  if (name.ends_with(".gz")) return Compression::kGzip;
  if (name.ends_with(".zst")) return Compression::kZstd;
  return Compression::kNone;
}

std::string_view StripCompressionSuffix(std::string_view name) {
  if (name.ends_with(".gz")) return name.substr(0, name.size() - 3);
  if (name.ends_with(".zst")) return name.substr(0, name.size() - 4);
  return name;
}

namespace {

constexpr size_t kChunk = 256 * 1024;

class PlainDecoder : public Decoder {
 public:
  bool Feed(std::string_view input, std::string& out, size_t limit, size_t& consumed) override {
    const size_t room = limit > out.size() ? limit - out.size() : 0;
    consumed = std::min(room, input.size());
    out.append(input.data(), consumed);
    return true;
  }
  bool AtBoundary() const override { return true; }
};

class GzipDecoder : public Decoder {
 public:
  GzipDecoder() {
    std::memset(&z_, 0, sizeof z_);
    inflateInit2(&z_, 15 + 32);  // 32: accept gzip or zlib headers
  }
  ~GzipDecoder() override { inflateEnd(&z_); }

  bool Feed(std::string_view input, std::string& out, size_t limit, size_t& consumed) override {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    z_.avail_in = static_cast<uInt>(input.size());
    bool output_full = false;  // zlib may hold more output than fitted
    while ((z_.avail_in > 0 || output_full) && out.size() < limit) {
      if (member_done_) {
        // A new gzip member follows (concatenated .gz files are valid gzip).
        inflateReset(&z_);
        member_done_ = false;
      }
      const size_t old = out.size();
      const size_t want = std::min(kChunk, limit - old);
      out.resize(old + want);
      z_.next_out = reinterpret_cast<Bytef*>(out.data() + old);
      z_.avail_out = static_cast<uInt>(want);
      const int rc = inflate(&z_, Z_NO_FLUSH);
      output_full = z_.avail_out == 0;
      out.resize(old + want - z_.avail_out);
      if (rc == Z_STREAM_END) {
        member_done_ = true;
        output_full = false;
      } else if (rc == Z_BUF_ERROR) {
        break;  // needs more input
      } else if (rc != Z_OK) {
        error_ = std::string("corrupt gzip data: ") + (z_.msg ? z_.msg : "inflate error");
        consumed = input.size() - z_.avail_in;
        return false;
      }
    }
    consumed = input.size() - z_.avail_in;
    return true;
  }
  bool AtBoundary() const override { return member_done_; }

 private:
  z_stream z_;
  bool member_done_ = false;
};

class ZstdDecoder : public Decoder {
 public:
  ZstdDecoder() : ctx_(ZSTD_createDCtx()) {}
  ~ZstdDecoder() override { ZSTD_freeDCtx(ctx_); }

  bool Feed(std::string_view input, std::string& out, size_t limit, size_t& consumed) override {
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    bool output_full = false;  // zstd may hold more output than fitted
    while ((in.pos < in.size || output_full) && out.size() < limit) {
      const size_t old = out.size();
      const size_t want = std::min(kChunk, limit - old);
      out.resize(old + want);
      ZSTD_outBuffer o{out.data() + old, want, 0};
      const size_t rc = ZSTD_decompressStream(ctx_, &o, &in);
      out.resize(old + o.pos);
      if (ZSTD_isError(rc)) {
        error_ = std::string("corrupt zstd data: ") + ZSTD_getErrorName(rc);
        consumed = in.pos;
        return false;
      }
      frame_done_ = rc == 0;
      output_full = o.pos == want;
    }
    consumed = in.pos;
    return true;
  }
  bool AtBoundary() const override { return frame_done_; }

 private:
  ZSTD_DCtx* ctx_;
  bool frame_done_ = true;
};

}  // namespace

std::unique_ptr<Decoder> Decoder::Create(Compression compression) {
  switch (compression) {
    case Compression::kGzip:
      return std::make_unique<GzipDecoder>();
    case Compression::kZstd:
      return std::make_unique<ZstdDecoder>();
    case Compression::kNone:
      break;
  }
  return std::make_unique<PlainDecoder>();
}

DecompressResult Decompress(std::string_view input, Compression compression, int64_t max_bytes) {
  DecompressResult result;
  if (compression == Compression::kNone) {
    result.data.assign(input.substr(0, static_cast<size_t>(max_bytes)));
    result.over_limit = input.size() > static_cast<size_t>(max_bytes);
    return result;
  }
  auto decoder = Decoder::Create(compression);
  const size_t limit = static_cast<size_t>(max_bytes) + 1;  // one more byte detects "over"
  size_t consumed = 0;
  if (!decoder->Feed(input, result.data, limit, consumed)) {
    result.error = decoder->error();
  } else if (result.data.size() >= limit) {
    result.over_limit = true;
    result.data.resize(static_cast<size_t>(max_bytes));
  } else if (!decoder->AtBoundary() || input.empty()) {
    result.error = input.empty() ? "empty compressed file" : "truncated compressed data";
  }
  return result;
}

DecompressingFile::DecompressingFile(const std::string& path, Compression compression)
    : decoder_(Decoder::Create(compression)) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) error_ = std::string("cannot open: ") + std::strerror(errno);
}

DecompressingFile::~DecompressingFile() {
  if (file_) std::fclose(file_);
}

bool DecompressingFile::Read(std::string& out, size_t max) {
  if (!error_.empty()) return false;
  const size_t target = out.size() + max;
  while (out.size() < target) {
    if (in_pos_ == in_buf_.size()) {
      if (eof_) {
        if (!decoder_->AtBoundary()) error_ = "truncated compressed data";
        return false;
      }
      in_buf_.resize(kChunk);
      const size_t n = std::fread(in_buf_.data(), 1, kChunk, file_);
      if (n < kChunk) {
        if (std::ferror(file_)) {
          error_ = std::string("read error: ") + std::strerror(errno);
          return false;
        }
        eof_ = true;
      }
      in_buf_.resize(n);
      in_pos_ = 0;
      compressed_read_ += n;
      if (n == 0) continue;
    }
    size_t consumed = 0;
    const size_t before = out.size();
    const bool ok = decoder_->Feed(std::string_view(in_buf_).substr(in_pos_), out, target, consumed);
    in_pos_ += consumed;
    if (!ok) {
      error_ = decoder_->error();
      return out.size() > before;
    }
    if (out.size() > before) return true;
  }
  return true;
}

}  // namespace textmill
