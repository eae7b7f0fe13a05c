#include "stages/normalize/mojibake_charsets.h"

#include <unicode/ucnv.h>

#include <algorithm>
#include <array>
#include <memory>
#include <utility>
#include <vector>

#include "pipeline/errors.h"

namespace textmill::mojibake {
namespace {

struct CharsetInfo {
  const char* icu_name;  // the ICU converter
  std::string_view name;  // for counters
  bool sloppy;
  bool latin1_like;  // feeds the UTF-8 role sets (lead/continuation look-alikes)
};

constexpr std::array<CharsetInfo, kCharsetCount> kCharsets = {{
    {"ISO-8859-1", "latin-1", false, true},
    {"windows-1252", "windows-1252", true, true},
    {"windows-1251", "windows-1251", true, true},
    {"windows-1250", "windows-1250", true, true},
    {"windows-1253", "windows-1253", true, true},
    {"windows-1254", "windows-1254", true, true},
    {"windows-1257", "windows-1257", true, true},
    {"ISO-8859-2", "iso-8859-2", false, false},
    {"macintosh", "macintosh", false, false},
    {"ibm-437", "ibm-437", false, false},
}};

// Characters below this have their masks in flat arrays; the few above
// (U+F8FF, the fi/fl ligatures of MacRoman, U+FFFD) in short sorted lists.
constexpr char32_t kFlatLimit = 0x2600;

struct Tables {
  std::array<std::array<char32_t, 256>, kCharsetCount> decode{};
  std::array<std::vector<std::pair<char32_t, uint8_t>>, kCharsetCount> encode;  // sorted, non-ASCII
  std::vector<uint16_t> mask = std::vector<uint16_t>(kFlatLimit, 0);
  std::vector<uint8_t> role = std::vector<uint8_t>(kFlatLimit, 0);
  std::vector<std::pair<char32_t, uint16_t>> mask_high;
  std::vector<std::pair<char32_t, uint8_t>> role_high;
};

// The character ICU's converter gives for one byte, or -1 if it has none.
int32_t IcuDecodeByte(UConverter* converter, uint8_t byte) {
  UErrorCode status = U_ZERO_ERROR;
  ucnv_resetToUnicode(converter);
  UChar out[4];
  const char in = static_cast<char>(byte);
  const int32_t n = ucnv_toUChars(converter, out, 4, &in, 1, &status);
  if (U_FAILURE(status) || n != 1 || out[0] == 0xFFFD) return -1;
  return out[0];
}

template <typename T>
void OrInto(std::vector<std::pair<char32_t, T>>& list, char32_t c, T bits) {
  for (auto& [k, v] : list) {
    if (k == c) {
      v = static_cast<T>(v | bits);
      return;
    }
  }
  list.emplace_back(c, bits);
}

Tables BuildTables() {
  Tables t;
  auto add_mask = [&](char32_t c, uint16_t bits) {
    if (c < kFlatLimit) {
      t.mask[c] = static_cast<uint16_t>(t.mask[c] | bits);
    } else {
      OrInto(t.mask_high, c, bits);
    }
  };
  auto add_role = [&](char32_t c, uint8_t bits) {
    if (c < kFlatLimit) {
      t.role[c] = static_cast<uint8_t>(t.role[c] | bits);
    } else {
      OrInto(t.role_high, c, bits);
    }
  };
  for (int k = 0; k < kCharsetCount; ++k) {
    const CharsetInfo& info = kCharsets[static_cast<size_t>(k)];
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UConverter, void (*)(UConverter*)> converter(ucnv_open(info.icu_name, &status), ucnv_close);
    if (U_FAILURE(status)) throw RuntimeError(std::string("ICU converter unavailable: ") + info.icu_name);
    ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
    const auto bit = static_cast<uint16_t>(1u << k);
    auto& decode = t.decode[static_cast<size_t>(k)];
    for (int b = 0; b < 0x80; ++b) decode[static_cast<size_t>(b)] = static_cast<char32_t>(b);
    if (info.sloppy) decode[0x1A] = 0xFFFD;
    for (int b = 0x80; b < 0x100; ++b) {
      const int32_t c = IcuDecodeByte(converter.get(), static_cast<uint8_t>(b));
      // Undefined bytes: the C1 control of the same number in sloppy charsets
      // (what Latin-1 fallbacks show); unused otherwise.
      decode[static_cast<size_t>(b)] = c >= 0 ? static_cast<char32_t>(c) : info.sloppy ? static_cast<char32_t>(b) : 0;
    }
    for (int b = 0; b < 0x100; ++b) {
      const char32_t c = decode[static_cast<size_t>(b)];
      if (b >= 0x80 && c == 0) continue;
      add_mask(c, bit);
      if (b >= 0x80 || c != static_cast<char32_t>(b)) t.encode[static_cast<size_t>(k)].emplace_back(c, b);
      if (!info.latin1_like || b < 0x80) continue;
      uint8_t role = 0;
      if (b >= 0xC2 && b <= 0xDF) role = kLead2;
      if (b >= 0xE0 && b <= 0xEF) role = kLead3;
      // Other 4-byte leads only start planes 4-16 (unassigned, private use).
      if (b == 0xF0 || b == 0xF3) role = kLead4;
      if (b <= 0xBF) {
        role = kContinuation;
        // Not strict: what text puts next to mojibake on its own (spaces,
        // dashes, quotes, bullets, the ellipsis).
        const bool loose = c == 0x20 || (c >= 0x2013 && c <= 0x2015) || (c >= 0x2018 && c <= 0x201F) ||
                           c == 0x2022 || c == 0x2026;
        if (!loose) role |= kContinuationStrict;
      }
      add_role(c, role);
    }
    std::sort(t.encode[static_cast<size_t>(k)].begin(), t.encode[static_cast<size_t>(k)].end());
  }
  add_role(U' ', kContinuation);  // a space standing for 0xA0
  std::sort(t.mask_high.begin(), t.mask_high.end());
  std::sort(t.role_high.begin(), t.role_high.end());
  return t;
}

const Tables& GetTables() {
  static const Tables tables = BuildTables();
  return tables;
}

template <typename T>
T LookUp(const std::vector<std::pair<char32_t, T>>& list, char32_t c) {
  const auto it = std::lower_bound(list.begin(), list.end(), std::make_pair(c, T{0}));
  return it != list.end() && it->first == c ? it->second : T{0};
}

constexpr uint16_t kAllCharsets = (1u << kCharsetCount) - 1;
uint16_t SloppyMask() {
  uint16_t m = 0;
  for (int k = 0; k < kCharsetCount; ++k) {
    if (kCharsets[static_cast<size_t>(k)].sloppy) m = static_cast<uint16_t>(m | (1u << k));
  }
  return m;
}

bool IsCont(uint8_t b) { return b >= 0x80 && b <= 0xBF; }

}  // namespace

void LoadCharsets() { GetTables(); }

std::string_view CharsetName(Charset charset) { return kCharsets[static_cast<size_t>(charset)].name; }
bool IsSloppy(Charset charset) { return kCharsets[static_cast<size_t>(charset)].sloppy; }

uint16_t EncodableIn(char32_t c) {
  static const uint16_t non_sloppy = static_cast<uint16_t>(kAllCharsets & ~SloppyMask());
  if (c < 0x80) return c == 0x1A ? non_sloppy : kAllCharsets;
  const Tables& t = GetTables();
  return c < kFlatLimit ? t.mask[c] : LookUp(t.mask_high, c);
}

uint8_t Utf8RoleOf(char32_t c) {
  const Tables& t = GetTables();
  return c < kFlatLimit ? t.role[c] : LookUp(t.role_high, c);
}

char32_t Decode(uint8_t byte, Charset charset) {
  return GetTables().decode[static_cast<size_t>(charset)][byte];
}

std::optional<std::string> Encode(std::u32string_view text, Charset charset) {
  const auto& table = GetTables().encode[static_cast<size_t>(charset)];
  const bool sloppy = IsSloppy(charset);
  std::string out;
  out.reserve(text.size());
  for (const char32_t c : text) {
    if (c < 0x80 && !(sloppy && c == 0x1A)) {
      out += static_cast<char>(c);
      continue;
    }
    const auto it = std::lower_bound(table.begin(), table.end(), std::make_pair(c, uint8_t{0}));
    if (it == table.end() || it->first != c) return std::nullopt;
    out += static_cast<char>(it->second);
  }
  return out;
}

bool RestoreByteA0(std::string& bytes) {
  const auto n = bytes.size();
  auto at = [&](size_t i) -> int { return i < n ? static_cast<uint8_t>(bytes[i]) : -1; };
  // Continuation bytes that give a likely character after E0-E3 (not 0x85, 0xA0).
  auto likely = [](int b) { return b >= 0x80 && b <= 0xBF && b != 0x85 && b != 0xA0; };
  auto cont = [](int b) { return b >= 0x80 && b <= 0xBF; };
  bool changed = false;
  std::string out;
  out.reserve(n + 4);
  size_t i = 0;
  while (i < n) {
    const int b = at(i);
    // "Ã " + a word: "à" before a word whose space was kept; not before the
    // Portuguese "às"/"àquele"... where the space replaced the 0xA0 itself.
    if (b == 0xC3 && at(i + 1) == ' ') {
      const std::string_view rest = std::string_view(bytes).substr(i + 2);
      bool word = rest.empty() || rest[0] != ' ';
      for (std::string_view not_word : {"quele", "quela", "quilo", "s "}) {
        if (rest.substr(0, not_word.size()) == not_word) word = false;
      }
      if (word) {
        out += "\xC3\xA0 ";
        i += 2;
        changed = true;
        continue;
      }
    }
    // A lead byte whose 0xA0 continuation became a space: only the leads where
    // that gives a common character (NBSP, à, Š, Π, Р, Arabic digits...).
    int len = 0, space = -1;
    if ((b == 0xC2 || b == 0xC3 || b == 0xC5 || b == 0xCE || b == 0xD0 || b == 0xD9) && at(i + 1) == ' ') {
      len = 2, space = 1;
    } else if ((b == 0xE2 || b == 0xE3) && at(i + 1) == ' ' && likely(at(i + 2))) {
      len = 3, space = 1;
    } else if (b >= 0xE0 && b <= 0xE3 && likely(at(i + 1)) && at(i + 2) == ' ') {
      len = 3, space = 2;
    } else if (b == 0xF0) {
      for (int s = 1; s <= 3 && len == 0; ++s) {
        bool ok = true;
        for (int j = 1; j <= 3; ++j) ok = ok && (j == s ? at(i + static_cast<size_t>(j)) == ' ' : cont(at(i + static_cast<size_t>(j))));
        if (ok) len = 4, space = s;
      }
    }
    if (len > 0) {
      for (int j = 0; j < len; ++j) out += j == space ? '\xA0' : bytes[i + static_cast<size_t>(j)];
      i += static_cast<size_t>(len);
      changed = true;
      continue;
    }
    out += bytes[i++];
  }
  if (changed) bytes.swap(out);
  return changed;
}

bool ReplaceLossySequences(std::string& bytes) {
  const auto n = bytes.size();
  auto at = [&](size_t i) -> int { return i < n ? static_cast<uint8_t>(bytes[i]) : -1; };
  auto hole = [](int b) { return b == 0x1A || b == '?'; };
  auto cont_or_lost = [](int b) { return b == 0x1A || (b >= 0x80 && b <= 0xBF); };
  // A lead followed by `len - 1` bytes of which exactly one position is a hole
  // (0x1A or '?') and the others continuation bytes or 0x1A.
  auto lossy_run = [&](size_t i, int len) {
    for (int h = 1; h < len; ++h) {
      bool ok = true;
      for (int j = 1; j < len && ok; ++j) {
        const int b = at(i + static_cast<size_t>(j));
        ok = j == h ? hole(b) : cont_or_lost(b);
      }
      if (ok) return true;
    }
    return false;
  };
  bool changed = false;
  std::string out;
  out.reserve(n);
  size_t i = 0;
  while (i < n) {
    const int b = at(i);
    int len = 0;
    if (b >= 0xC2 && b <= 0xDF && (at(i + 1) == 0x1A || (b <= 0xC3 && at(i + 1) == '?'))) {
      len = 2;
    } else if (b == 0xED && at(i + 1) >= 0xA0 && at(i + 1) <= 0xAF && at(i + 3) == 0xED && at(i + 4) >= 0xB0 &&
               at(i + 4) <= 0xBF &&
               ((hole(at(i + 2)) && (hole(at(i + 5)) || IsCont(static_cast<uint8_t>(at(i + 5))))) ||
                ((hole(at(i + 2)) || IsCont(static_cast<uint8_t>(at(i + 2)))) && hole(at(i + 5))))) {
      len = 6;  // a CESU-8 surrogate pair with a lost byte
    } else if (b >= 0xE0 && b <= 0xEF && lossy_run(i, 3)) {
      len = 3;
    } else if (b >= 0xF0 && b <= 0xF4 && lossy_run(i, 4)) {
      len = 4;
    } else if (b == 0x1A) {
      len = 1;
    }
    if (len > 0) {
      out += "\xEF\xBF\xBD";
      i += static_cast<size_t>(len);
      changed = true;
    } else {
      out += bytes[i++];
    }
  }
  if (changed) bytes.swap(out);
  return changed;
}

std::optional<std::u32string> DecodeUtf8Variants(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size());
  const auto n = bytes.size();
  auto at = [&](size_t i) -> uint8_t { return i < n ? static_cast<uint8_t>(bytes[i]) : 0; };
  size_t i = 0;
  while (i < n) {
    const uint8_t b = at(i);
    if (b < 0x80) {
      out += static_cast<char32_t>(b);
      ++i;
      continue;
    }
    if (b == 0xC0 && at(i + 1) == 0x80) {  // Java's "modified UTF-8" NUL
      out += U'\0';
      i += 2;
      continue;
    }
    if (b == 0xED && at(i + 1) >= 0xA0 && at(i + 1) <= 0xAF && IsCont(at(i + 2)) && at(i + 3) == 0xED &&
        at(i + 4) >= 0xB0 && at(i + 4) <= 0xBF && IsCont(at(i + 5))) {  // CESU-8 surrogate pair
      const char32_t hi = 0xD000 | static_cast<char32_t>((at(i + 1) & 0x3F) << 6) | (at(i + 2) & 0x3F);
      const char32_t lo = 0xD000 | static_cast<char32_t>((at(i + 4) & 0x3F) << 6) | (at(i + 5) & 0x3F);
      out += 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
      i += 6;
      continue;
    }
    int len = 0;
    char32_t c = 0, min = 0;
    if (b >= 0xC2 && b <= 0xDF) len = 2, c = b & 0x1F, min = 0x80;
    else if (b >= 0xE0 && b <= 0xEF) len = 3, c = b & 0x0F, min = 0x800;
    else if (b >= 0xF0 && b <= 0xF4) len = 4, c = b & 0x07, min = 0x10000;
    else return std::nullopt;
    for (int j = 1; j < len; ++j) {
      const uint8_t cb = at(i + static_cast<size_t>(j));
      if (!IsCont(cb)) return std::nullopt;
      c = (c << 6) | (cb & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
    out += c;
    i += static_cast<size_t>(len);
  }
  return out;
}

}  // namespace textmill::mojibake
