#include "pipeline/io/http_payload.h"

#include <brotli/decode.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "pipeline/io/compression.h"
#include "pipeline/util/strings.h"

namespace textmill {
namespace {

// Raw deflate or zlib-wrapped deflate (servers send both as "deflate").
bool Inflate(std::string_view in, int window_bits, size_t limit, std::string& out) {
  z_stream z{};
  if (inflateInit2(&z, window_bits) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK && out.size() < limit) {
    const size_t old = out.size();
    const size_t want = std::min<size_t>(1 << 18, limit - old);
    out.resize(old + want);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    z.avail_out = static_cast<uInt>(want);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(old + want - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END || rc == Z_OK || (rc == Z_BUF_ERROR && !out.empty());
}

bool Unbrotli(std::string_view in, size_t limit, std::string& out) {
  BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (!state) return false;
  size_t available_in = in.size();
  const auto* next_in = reinterpret_cast<const uint8_t*>(in.data());
  BrotliDecoderResult result = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  while (result == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT && out.size() < limit) {
    const size_t old = out.size();
    const size_t want = std::min<size_t>(1 << 18, limit - old);
    out.resize(old + want);
    size_t available_out = want;
    auto* next_out = reinterpret_cast<uint8_t*>(out.data() + old);
    result = BrotliDecoderDecompressStream(state, &available_in, &next_in, &available_out, &next_out, nullptr);
    out.resize(old + want - available_out);
  }
  BrotliDecoderDestroyInstance(state);
  return result == BROTLI_DECODER_RESULT_SUCCESS || result == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
}

}  // namespace

std::pair<std::string, std::string> SplitContentType(std::string_view value) {
  const size_t semi = value.find(';');
  std::string type = AsciiLower(TrimBlanks(value.substr(0, semi)));
  std::string charset;
  if (semi != std::string_view::npos) {
    const std::string params = AsciiLower(value.substr(semi));
    const size_t cs = params.find("charset=");
    if (cs != std::string::npos) {
      size_t p = cs + 8;
      while (p < params.size() && (params[p] == '"' || params[p] == '\'' || params[p] == ' ')) ++p;
      size_t e = p;
      while (e < params.size() && params[e] != ';' && params[e] != '"' && params[e] != '\'' && params[e] != ' ') ++e;
      charset = params.substr(p, e - p);
    }
  }
  return {type, charset};
}

bool Dechunk(std::string_view body, std::string& out) {
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t eol = body.find('\n', pos);
    if (eol == std::string_view::npos) return false;
    std::string_view size_line = TrimBlanks(body.substr(pos, eol - pos));
    size_line = size_line.substr(0, size_line.find(';'));  // chunk extensions
    if (size_line.empty() || size_line.size() > 15) return false;
    uint64_t size = 0;
    for (const char c : size_line) {
      const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                        : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                        : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                    : -1;
      if (digit < 0) return false;
      size = size * 16 + static_cast<uint64_t>(digit);
    }
    pos = eol + 1;
    if (size == 0) return true;
    if (size > body.size() - pos) {
      out.append(body.substr(pos));  // truncated: keep what is there
      return false;
    }
    out.append(body.substr(pos, size));
    pos += size;
    if (body.compare(pos, 2, "\r\n") == 0) pos += 2;
    else if (pos < body.size() && body[pos] == '\n') pos += 1;
  }
  return false;  // no terminating zero-size chunk
}

HttpResponse ParseHttpResponse(std::string_view block, int64_t max_bytes) {
  HttpResponse response;
  const size_t limit = static_cast<size_t>(max_bytes);
  // Status line: "HTTP/1.1 200 OK".
  size_t eol = block.find('\n');
  const std::string_view status_line = block.substr(0, eol);
  if (!status_line.starts_with("HTTP/") || status_line.size() < 12) {
    response.error = "no HTTP status line";
    return response;
  }
  const size_t space = status_line.find(' ');
  if (space == std::string_view::npos || space + 4 > status_line.size()) {
    response.error = "bad HTTP status line";
    return response;
  }
  for (size_t i = space + 1; i < space + 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(status_line[i]))) {
      response.error = "bad HTTP status code";
      return response;
    }
    response.status = response.status * 10 + (status_line[i] - '0');
  }
  // Headers until an empty line (CRLF or bare LF endings both occur).
  size_t pos = eol == std::string_view::npos ? block.size() : eol + 1;
  while (pos < block.size()) {
    eol = block.find('\n', pos);
    if (eol == std::string_view::npos) eol = block.size();
    const std::string_view line = TrimBlanks(block.substr(pos, eol - pos));
    pos = eol + 1;
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    response.headers[AsciiLower(TrimBlanks(line.substr(0, colon)))] = std::string(TrimBlanks(line.substr(colon + 1)));
  }
  std::string_view body = pos < block.size() ? block.substr(pos) : std::string_view();
  std::string dechunked;
  const auto te = response.headers.find("transfer-encoding");
  if (te != response.headers.end() && AsciiLower(te->second).find("chunked") != std::string::npos) {
    // Some crawlers store the body already de-chunked while keeping the
    // header: only undo chunking when the body parses as chunks.
    if (Dechunk(body, dechunked) || !dechunked.empty()) body = dechunked;
  }
  const auto ce = response.headers.find("content-encoding");
  const std::string encoding = ce == response.headers.end() ? "" : AsciiLower(ce->second);
  if (encoding.empty() || encoding == "identity") {
    response.over_limit = body.size() > limit;
    response.body.assign(body.substr(0, limit));
    return response;
  }
  bool ok = false;
  if (encoding == "gzip" || encoding == "x-gzip") {
    ok = Inflate(body, 15 + 16, limit + 1, response.body);
  } else if (encoding == "deflate") {
    ok = Inflate(body, 15, limit + 1, response.body) ||
         (response.body.clear(), Inflate(body, -15, limit + 1, response.body));
  } else if (encoding == "br") {
    ok = Unbrotli(body, limit + 1, response.body);
  } else {
    response.error = "unsupported content encoding: " + encoding;
    return response;
  }
  if (response.body.size() > limit) {
    response.body.resize(limit);
    response.over_limit = true;
  }
  if (!ok && response.body.empty()) response.error = "corrupt " + encoding + " content encoding";
  return response;
}

}  // namespace textmill
