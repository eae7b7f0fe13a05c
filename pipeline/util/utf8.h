// UTF-8 validation and repair. Text is validated and repaired once, at ingest;
// every later stage may assume valid UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace textmill {

// True if `s` is well-formed UTF-8 (SIMD fast path).
bool IsValidUtf8(std::string_view s);

// Copies `in` to `out`, replacing each ill-formed sequence with U+FFFD and NUL
// bytes with nothing. Returns how many sequences were replaced or removed.
int64_t RepairUtf8(std::string_view in, std::string& out);

// Repairs `s` in place if needed; returns the number of repairs.
int64_t RepairUtf8InPlace(std::string& s);

// Code points in valid UTF-8 `s` (bytes that do not continue a sequence).
inline size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// A file path as text that maps back to the bytes: valid UTF-8 is returned as
// it is; otherwise every byte that is not part of a valid sequence becomes
// %XX, and '%' itself %25 ("caf\xe9.html" -> "caf%E9.html"). For `source`,
// which must name the file even when its name is not UTF-8.
std::string EscapeInvalidUtf8Path(std::string_view path);

// Appends the UTF-8 encoding of code point `c` to `out`.
void AppendUtf8(char32_t c, std::string& out);

}  // namespace textmill
