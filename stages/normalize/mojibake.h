// Mojibake repair: text that was UTF-8 but got decoded with a single-byte
// charset ("â€™" for "’", "Ã©" for "é", "Ð¿Ñ€Ð¸" for "при", "╨┐╤Ç" for
// "пр", "√©" for "é"), possibly twice, possibly in part of a line only.
//
// The approach is ftfy's (`fix_encoding`), line by line:
//  1. A line is touched only if it looks like mojibake (mojibake_badness.h:
//     unlikely sequences of the characters mojibake is made of). Correct
//     text in any language almost never has them, so it is left as it is.
//  2. The whole line is encoded back to bytes in each candidate charset
//     (mojibake_charsets.h, in order: Latin-1, windows-1252/1251/1250/1253/
//     1254/1257, ISO 8859-2, MacRoman, cp437); the first whose bytes are
//     valid UTF-8 (after putting back lost 0xA0 bytes and, for lossy
//     decoders, U+FFFD) gives the repaired line. Requiring the *whole* line
//     to be valid UTF-8 is what keeps correct text that merely contains a
//     suspicious pair ("5×£35", "MARQUÉ…") unchanged.
//  3. Otherwise, runs that look like UTF-8 bytes inside a line of otherwise
//     correct text are repaired one by one, each only if it is itself bad.
//  4. Otherwise, C1 controls are taken as the windows-1252 characters they
//     stand for (what browsers do).
// Steps repeat until the line stops changing (mojibake applied twice is
// undone twice), at most kMaxRounds times.
//
// Cost: lines without non-ASCII bytes are skipped after one scan; other lines
// get one badness scan; only bad lines are decoded and re-encoded (a constant
// number of linear passes). Lines over 1 MB are repaired in 1 MB pieces.
// Output is always valid UTF-8 (ill-formed input bytes become U+FFFD only in
// lines that are repaired; other lines are copied as they are).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace textmill::mojibake {

// What a repair did; sources are bits: 1 << Charset for a re-decoding from
// that charset, kC1Source for C1 controls read as windows-1252.
struct RepairStats {
  int64_t repairs = 0;  // repair steps applied (a line fixed twice counts 2)
  uint32_t sources = 0;
  int64_t unrepaired = 0;  // lines that look like mojibake but no repair applies
};
inline constexpr int kC1SourceBit = 10;
// Name of source bit `bit` ("windows-1252", ..., "c1-controls").
std::string_view SourceName(int bit);

// Repairs `text` in place; returns true if it changed.
bool RepairText(std::string& text, RepairStats* stats = nullptr);

// True if RepairText would change `text` (nothing is copied unless a bad line is found).
bool NeedsRepair(std::string_view text);

// One line (or any text without line structure), as code points.
std::u32string RepairLine(std::u32string text, RepairStats* stats = nullptr);

}  // namespace textmill::mojibake
