// The single-byte charsets UTF-8 gets mistaken for on the web, and the byte
// level steps of undoing that mistake: encoding text back to the bytes a
// charset would have shown that way, patching bytes a lossy decoder or a
// "helpful" editor altered, and decoding the bytes as UTF-8 (with the CESU-8
// and Java variants).
//
// Every charset's byte <-> character map is read from ICU's converter when the
// tables are first used (no table of our own). "Sloppy" charsets are the
// windows-125x ones: bytes ICU leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D
// in windows-1252) stand for the C1 control of the same number, as browsers
// and Python's Latin-1 fallbacks show them, and U+FFFD (what a strict decoder
// left for a byte it could not map) encodes as 0x1A, so the lost byte can be
// turned into one U+FFFD instead of blocking the repair.
//
// Thread safety: the tables are built once (static local) and then only read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace textmill::mojibake {

// Builds the charset tables now, so a missing ICU converter is a setup error
// (RuntimeError) found when the stage is built, not in the middle of a run.
void LoadCharsets();

// In the order they are tried: the most common confusion first.
enum class Charset : uint8_t {
  kLatin1,
  kWindows1252,
  kWindows1251,
  kWindows1250,
  kWindows1253,
  kWindows1254,
  kWindows1257,
  kIso8859_2,
  kMacRoman,
  kCp437,
};
inline constexpr int kCharsetCount = 10;

// Name for counters and logs ("windows-1252", "macintosh"...).
std::string_view CharsetName(Charset charset);
bool IsSloppy(Charset charset);

// Bit `1 << int(charset)` set for every charset that has a byte showing as `c`.
// ASCII is in every charset except U+001A in the sloppy ones (0x1A is U+FFFD there).
uint16_t EncodableIn(char32_t c);

// Bit masks over the bytes UTF-8 puts in a character, for the Latin-1-like
// charsets (Latin-1, windows-125x): set when some such charset shows a lead
// byte of a 2-, 3- or 4-byte sequence (0xC2-0xDF, 0xE0-0xEF, 0xF0/0xF3) or a
// continuation byte (0x80-0xBF) as `c`. kContinuationStrict marks
// continuation characters that rarely stand for themselves next to mojibake
// (letters, accents, Latin-1 symbols: not spaces, dashes, quotes, bullets).
enum Utf8Role : uint8_t {
  kLead2 = 1,
  kLead3 = 2,
  kLead4 = 4,
  kContinuation = 8,
  kContinuationStrict = 16,
};
uint8_t Utf8RoleOf(char32_t c);

// The bytes `text` shows in `charset`, or nullopt if some character has none.
std::optional<std::string> Encode(std::u32string_view text, Charset charset);

// The character `byte` shows as in `charset` (sloppy rules included).
char32_t Decode(uint8_t byte, Charset charset);

// Puts back 0xA0 bytes that an editor turned into spaces inside what is
// otherwise a UTF-8 sequence ("Ã " for "à" = C3 A0). Returns true if changed.
bool RestoreByteA0(std::string& bytes);

// Replaces UTF-8 sequences with a byte lost to a lossy decoder (0x1A, or one
// '?') by the UTF-8 of U+FFFD. Returns true if changed.
bool ReplaceLossySequences(std::string& bytes);

// Decodes UTF-8, also accepting CESU-8 surrogate pairs (ED A0-AF xx ED B0-BF
// xx) and C0 80 for U+0000. Nullopt if anything else is ill-formed, including
// a lone surrogate, so the result is always valid Unicode.
std::optional<std::u32string> DecodeUtf8Variants(std::string_view bytes);

}  // namespace textmill::mojibake
