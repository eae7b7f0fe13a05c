// HTTP response payloads as WARC stores them: status line, headers, body with
// transfer and content encodings. Pure functions; bad input gives an error
// string, never an exception.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace textmill {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                             // after transfer and content decoding
  std::string error;                            // why the body is unusable, if it is
  bool over_limit = false;                      // decoding stopped at max_bytes
};

// Parses `block` (the WARC record block of a response record). Undoes chunked
// transfer encoding and gzip/deflate/br content encoding; the decoded body is
// capped at `max_bytes` (a zip bomb stops there).
HttpResponse ParseHttpResponse(std::string_view block, int64_t max_bytes);

// "text/html; charset=ISO-8859-1" -> {"text/html", "iso-8859-1"}.
std::pair<std::string, std::string> SplitContentType(std::string_view value);

// Undoes chunked transfer encoding; false (with what could be decoded) on a
// malformed or truncated body.
bool Dechunk(std::string_view body, std::string& out);

}  // namespace textmill
