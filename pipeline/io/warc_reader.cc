#include "pipeline/io/warc_reader.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "pipeline/util/strings.h"

namespace textmill {
namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;
// "WARC/1.0", "WARC/1.1", and the pre-standard "WARC/0.17" of 2008 Heritrix.
constexpr std::string_view kMagic = "WARC/";

bool MagicAt(std::string_view buf, size_t pos) {
  return buf.compare(pos, kMagic.size(), kMagic) == 0 && pos + kMagic.size() < buf.size() &&
         std::isdigit(static_cast<unsigned char>(buf[pos + kMagic.size()]));
}

// A record start inside a block: "WARC/1.x" at a line start followed by a
// header that names a WARC-Type (so a page that quotes "WARC/1.0" is not one).
size_t FindEmbeddedRecord(std::string_view block) {
  for (size_t p = block.find("\nWARC/"); p != std::string_view::npos; p = block.find("\nWARC/", p + 1)) {
    const std::string_view head = block.substr(p + 1, 4096);
    const size_t end = head.find("\r\n\r\n");
    if (end != std::string_view::npos && head.substr(0, end).find("WARC-Type:") != std::string_view::npos) {
      return p + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

WarcReader::WarcReader(const std::string& path, Compression compression, int64_t max_block_bytes)
    : file_(path, compression), max_block_bytes_(max_block_bytes) {
  if (!file_.error().empty()) {
    Problem(0, file_.error());
    stream_error_reported_ = true;
    eof_ = true;
  }
}

std::vector<WarcProblem> WarcReader::TakeProblems() {
  std::vector<WarcProblem> out;
  out.swap(problems_);
  return out;
}

void WarcReader::Problem(uint64_t offset, std::string reason) { problems_.push_back({offset, std::move(reason)}); }

void WarcReader::Compact() {
  if (pos_ > (1u << 20)) {
    buf_.erase(0, pos_);
    base_ += pos_;
    pos_ = 0;
  }
}

bool WarcReader::Fill(size_t n) {
  while (buf_.size() - pos_ < n && !eof_) {
    Compact();
    if (!file_.Read(buf_, std::max<size_t>(n - (buf_.size() - pos_), 1 << 20))) {
      eof_ = true;
      if (!file_.error().empty() && !stream_error_reported_) {
        Problem(base_ + buf_.size(), file_.error());
        stream_error_reported_ = true;
      }
    }
  }
  return buf_.size() - pos_ >= n;
}

bool WarcReader::Resync() {
  for (;;) {
    const size_t found = buf_.find(kMagic, pos_);
    if (found != std::string::npos && found + kMagic.size() >= buf_.size() && !eof_) {
      Fill(buf_.size() - pos_ + 16);  // need the digit after "WARC/"
      continue;
    }
    if (found != std::string::npos && (found == 0 || buf_[found - 1] == '\n') && MagicAt(buf_, found)) {
      pos_ = found;
      return true;
    }
    if (found != std::string::npos) {  // "WARC/1." inside a line: keep looking
      pos_ = found + 1;
      continue;
    }
    // Keep the tail that might start a magic split across reads.
    if (buf_.size() > pos_ + kMagic.size()) pos_ = buf_.size() - kMagic.size();
    if (eof_) {
      pos_ = buf_.size();
      return false;
    }
    Fill(buf_.size() - pos_ + (1 << 20));
  }
}

bool WarcReader::Next(WarcRecord& record) {
  record = WarcRecord{};
  for (;;) {
    // Blank lines between records are allowed.
    while (Fill(1) && (buf_[pos_] == '\r' || buf_[pos_] == '\n')) ++pos_;
    if (!Fill(kMagic.size() + 1)) {
      if (pos_ < buf_.size()) Problem(base_ + pos_, "trailing garbage after the last record");
      pos_ = buf_.size();
      return false;
    }
    if (!MagicAt(buf_, pos_)) {
      const uint64_t at = base_ + pos_;
      if (!Resync()) {
        Problem(at, "garbage at the end of the file");
        return false;
      }
      Problem(at, "garbage between records (" + std::to_string(base_ + pos_ - at) + " bytes skipped)");
      continue;
    }
    record.offset = base_ + pos_;
    // The header ends at the first empty line.
    size_t header_end = std::string::npos;
    size_t body_start = 0;
    for (size_t want = 4096;; want *= 2) {
      Fill(std::min(want, kMaxHeaderBytes));
      const std::string_view view(buf_.data() + pos_, buf_.size() - pos_);
      const size_t crlf = view.substr(0, kMaxHeaderBytes).find("\r\n\r\n");
      const size_t lf = view.substr(0, kMaxHeaderBytes).find("\n\n");
      if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf)) {
        header_end = crlf;
        body_start = crlf + 4;
        break;
      }
      if (lf != std::string_view::npos) {
        header_end = lf;
        body_start = lf + 2;
        break;
      }
      if (want >= kMaxHeaderBytes || eof_) break;
    }
    const std::string_view head =
        header_end == std::string::npos ? std::string_view() : std::string_view(buf_.data() + pos_, header_end);
    // A header with no blank line, or one that runs into the next record.
    if (header_end == std::string::npos || head.find("\nWARC/") != std::string_view::npos) {
      Problem(record.offset, "record header without a blank line");
      pos_ += kMagic.size();
      if (!Resync()) return false;
      continue;
    }
    size_t line_start = head.find('\n') + 1;
    while (line_start < head.size()) {
      size_t eol = head.find('\n', line_start);
      if (eol == std::string_view::npos) eol = head.size();
      const std::string_view line = head.substr(line_start, eol - line_start);
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        record.headers[AsciiLower(TrimBlanks(line.substr(0, colon)))] = std::string(TrimBlanks(line.substr(colon + 1)));
      }
      line_start = eol + 1;
    }
    record.type = AsciiLower(record.Header("warc-type"));
    const std::string length_text = record.Header("content-length");
    const bool digits_only = !length_text.empty() && length_text.size() <= 15 &&
                             std::all_of(length_text.begin(), length_text.end(),
                                         [](unsigned char c) { return std::isdigit(c); });
    if (!digits_only) {
      Problem(record.offset, "bad Content-Length '" + length_text.substr(0, 32) + "'");
      pos_ += body_start;
      if (!Resync()) return false;
      continue;
    }
    const uint64_t length = std::stoull(length_text);
    pos_ += body_start;
    if (length > static_cast<uint64_t>(max_block_bytes_)) {
      // Skip the block without keeping it: constant memory whatever it claims.
      record.too_large = true;
      uint64_t left = length;
      while (left > 0) {
        if (!Fill(1)) break;
        const size_t take = static_cast<size_t>(std::min<uint64_t>(left, buf_.size() - pos_));
        pos_ += take;
        left -= take;
        Compact();
      }
      if (left > 0) {
        Problem(record.offset, "truncated record (Content-Length " + length_text + ", data ends first)");
        return true;
      }
    } else {
      if (!Fill(static_cast<size_t>(length))) {
        Problem(record.offset, "truncated record (Content-Length " + length_text + ", " +
                                   std::to_string(buf_.size() - pos_) + " bytes left)");
        pos_ = buf_.size();
        return false;
      }
      std::string_view block(buf_.data() + pos_, static_cast<size_t>(length));
      // A Content-Length that is too long swallows the next record.
      const size_t embedded = FindEmbeddedRecord(block);
      Fill(static_cast<size_t>(length) + 4);
      const bool trailer_ok = buf_.compare(pos_ + static_cast<size_t>(length), 4, "\r\n\r\n") == 0 ||
                              buf_.compare(pos_ + static_cast<size_t>(length), 2, "\n\n") == 0 ||
                              pos_ + static_cast<size_t>(length) == buf_.size();
      if (!trailer_ok && embedded != std::string_view::npos) {
        Problem(record.offset, "Content-Length too long: the block runs into the next record");
        size_t end = embedded;
        while (end > 0 && (block[end - 1] == '\n' || block[end - 1] == '\r')) --end;
        record.block.assign(block.substr(0, end));
        pos_ += embedded;
        return true;
      }
      record.block.assign(block);
      pos_ += static_cast<size_t>(length);
      if (!trailer_ok) {
        Problem(record.offset, "Content-Length too short: no record end after the block");
        if (!Resync()) return true;
        return true;
      }
    }
    // Record end: CRLF CRLF (tolerate bare LFs).
    for (int i = 0; i < 4 && Fill(1) && (buf_[pos_] == '\r' || buf_[pos_] == '\n'); ++i) ++pos_;
    return true;
  }
}

}  // namespace textmill
