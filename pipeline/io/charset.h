// Charset handling at ingest: bytes in any charset -> valid UTF-8.
//
// Order: byte-order mark; then bytes that are already well-formed UTF-8 are
// taken as UTF-8 (a legacy-charset page almost never is, while pages that
// declare ISO-8859-1 but serve UTF-8 are common); then the declared charset
// (HTTP header, then <meta>/XML declaration); then uchardet's guess; last
// windows-1252. Conversion goes through ICU; invalid sequences become U+FFFD
// and are counted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace textmill {

struct DecodedText {
  std::string text;     // valid UTF-8
  std::string charset;  // what was used, e.g. "UTF-8", "windows-1251"
  std::string how;      // "bom" | "utf8" | "declared" | "detected" | "fallback"
  int64_t repairs = 0;  // invalid sequences replaced, NULs dropped
};

// `declared` may be empty. `is_html` enables the <meta charset> scan.
DecodedText DecodeToUtf8(std::string_view bytes, std::string_view declared, bool is_html);

// The charset named by <meta charset>, <meta http-equiv content=...charset=>
// or <?xml encoding=?> in the first 4 KiB, or "".
std::string SniffHtmlCharset(std::string_view html);

// True if the start of `bytes` looks like a binary file (NULs, many control
// bytes) rather than text in some charset.
bool LooksBinary(std::string_view bytes);

// True if the start of `text` looks like an HTML document.
bool LooksLikeHtml(std::string_view text);

}  // namespace textmill
