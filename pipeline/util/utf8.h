// UTF-8 validation and repair. Text is validated and repaired once, at ingest;
// every later stage may assume valid UTF-8.
#pragma once

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

// Appends the UTF-8 encoding of code point `c` to `out`.
void AppendUtf8(char32_t c, std::string& out);

}  // namespace textmill
