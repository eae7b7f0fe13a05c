#include "stages/normalize/mojibake_badness.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <array>
#include <cstring>
#include <initializer_list>
#include <utility>

namespace textmill::mojibake {
namespace {

// Character classes (bits: a character can be in several).
enum : uint16_t {
  kC1 = 1 << 0,             // C1 controls: only ever Latin-1 shown bytes
  kBad = 1 << 1,            // symbols almost never written on their own (¦ ¤ ¨ ¬ ¯ ¸ ƒ ˆ ˇ † ‰ ◊ �...)
  kLaw = 1 << 2,            // § ¶
  kCurrency = 1 << 3,       // ¢ £ ¥ € ₧
  kOpening = 1 << 4,        // ¡ ¿ « © ‘ ‚ “ „ • ‹ (and Greek tonos, Apple's logo)
  kClosing = 1 << 5,        // ® » ˝ ” › ™
  kNumeric = 1 << 6,        // ¹ ² ³ ± ¼ ½ ¾ × ÷ µ and the math of MacRoman (√ ∞ ≈ ≠...)
  kEyes = 1 << 7,           // O and U with accents, °: eyes of emoticons like (ò_ó)
  kUpperAccented = 1 << 8,  // accented Latin capitals of the Latin-1/125x code pages
  kLowerAccented = 1 << 9,  // their lowercase, ß, fi/fl ligatures
  kUpperOther = 1 << 10,    // Greek and Cyrillic capitals, Þ
  kLowerOther = 1 << 11,    // Greek and Cyrillic lowercase
  kBox = 1 << 12,           // box drawing of cp437
  kCommon = 1 << 13,        // NBSP, soft hyphen, · ´ – — ― … ’: everyday punctuation
  kTrigger = 1 << 14,       // starts one of the rules about particular characters (Scanner::CharacterRules)
};

using Ranges = std::initializer_list<std::pair<char32_t, char32_t>>;

// Classes are only assigned below this code point, except a few listed in ClassOf.
constexpr char32_t kTableLimit = 0x2600;

std::array<uint16_t, kTableLimit> BuildClassTable() {
  std::array<uint16_t, kTableLimit> t{};
  auto add = [&](uint16_t bits, Ranges ranges) {
    for (const auto& [lo, hi] : ranges) {
      for (char32_t c = lo; c <= hi; ++c) t[c] = static_cast<uint16_t>(t[c] | bits);
    }
  };
  add(kCommon, {{0xA0, 0xA0}, {0xAD, 0xAD}, {0xB7, 0xB7}, {0xB4, 0xB4}, {0x2013, 0x2015}, {0x2026, 0x2026},
                {0x2019, 0x2019}});
  add(kC1, {{0x80, 0x9F}});
  add(kBad, {{0xA6, 0xA6}, {0xA4, 0xA4}, {0xA8, 0xA8}, {0xAC, 0xAC}, {0xAF, 0xAF}, {0xB8, 0xB8}, {0x192, 0x192},
             {0x2C6, 0x2C7}, {0x2D8, 0x2D8}, {0x2DB, 0x2DC}, {0x2020, 0x2021}, {0x2030, 0x2030},
             {0x2310, 0x2310}, {0x25CA, 0x25CA}, {0xAA, 0xAA}, {0xBA, 0xBA}});
  add(kLaw, {{0xB6, 0xB6}, {0xA7, 0xA7}});
  add(kCurrency, {{0xA2, 0xA3}, {0xA5, 0xA5}, {0x20A7, 0x20A7}, {0x20AC, 0x20AC}});
  add(kOpening, {{0xA1, 0xA1}, {0xAB, 0xAB}, {0xBF, 0xBF}, {0xA9, 0xA9}, {0x384, 0x385}, {0x2018, 0x2018},
                 {0x201A, 0x201A}, {0x201C, 0x201C}, {0x201E, 0x201E}, {0x2022, 0x2022}, {0x2039, 0x2039}});
  add(kClosing, {{0xAE, 0xAE}, {0xBB, 0xBB}, {0x2DD, 0x2DD}, {0x201D, 0x201D}, {0x203A, 0x203A}, {0x2122, 0x2122}});
  add(kNumeric, {{0xB2, 0xB3}, {0xB9, 0xB9}, {0xB1, 0xB1}, {0xBC, 0xBE}, {0xD7, 0xD7}, {0xB5, 0xB5}, {0xF7, 0xF7},
                 {0x2044, 0x2044}, {0x2202, 0x2202}, {0x2206, 0x2206}, {0x220F, 0x220F}, {0x2211, 0x2211},
                 {0x221A, 0x221A}, {0x221E, 0x221E}, {0x2229, 0x2229}, {0x222B, 0x222B}, {0x2248, 0x2248},
                 {0x2260, 0x2261}, {0x2264, 0x2265}, {0x2116, 0x2116}});
  add(kEyes, {{0xD2, 0xD6}, {0xD9, 0xDC}, {0xF2, 0xF6}, {0xF8, 0xFC}, {0x150, 0x150}, {0x14C, 0x14C},
              {0x16A, 0x16A}, {0x172, 0x172}, {0xB0, 0xB0}});
  // Capital O and U with accents are left out: emoticon eyes (Ò_Ó) are not mojibake.
  add(kUpperAccented,
      {{0xC0, 0xD1}, {0xD8, 0xD8}, {0xDC, 0xDD}, {0x100, 0x100}, {0x102, 0x102}, {0x104, 0x104}, {0x106, 0x106},
       {0x10C, 0x10C}, {0x10E, 0x10E}, {0x110, 0x110}, {0x112, 0x112}, {0x116, 0x116}, {0x118, 0x118},
       {0x11A, 0x11A}, {0x11E, 0x11E}, {0x122, 0x122}, {0x12A, 0x12A}, {0x130, 0x130}, {0x136, 0x136},
       {0x139, 0x139}, {0x13B, 0x13B}, {0x13D, 0x13D}, {0x141, 0x141}, {0x143, 0x143}, {0x145, 0x145},
       {0x147, 0x147}, {0x152, 0x152}, {0x158, 0x158}, {0x15A, 0x15A}, {0x15E, 0x15E}, {0x160, 0x160},
       {0x162, 0x162}, {0x164, 0x164}, {0x16E, 0x16E}, {0x170, 0x170}, {0x178, 0x179}, {0x17B, 0x17B},
       {0x17D, 0x17D}, {0x490, 0x490}});
  add(kLowerAccented,
      {{0xDF, 0xDF}, {0xE0, 0xF1}, {0xFC, 0xFC}, {0x101, 0x101}, {0x103, 0x103}, {0x105, 0x105}, {0x107, 0x107},
       {0x10D, 0x10D}, {0x10F, 0x10F}, {0x111, 0x111}, {0x113, 0x113}, {0x117, 0x117}, {0x119, 0x119},
       {0x11B, 0x11B}, {0x11F, 0x11F}, {0x123, 0x123}, {0x12B, 0x12B}, {0x12F, 0x12F}, {0x137, 0x137},
       {0x13A, 0x13A}, {0x13C, 0x13C}, {0x13E, 0x13E}, {0x142, 0x142}, {0x153, 0x153}, {0x155, 0x155},
       {0x15B, 0x15B}, {0x15F, 0x15F}, {0x161, 0x161}, {0x165, 0x165}, {0x17A, 0x17A}, {0x17C, 0x17C},
       {0x17E, 0x17E}, {0x491, 0x491}});
  add(kUpperOther, {{0xDE, 0xDE}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3AB}, {0x401, 0x42F}});
  add(kLowerOther, {{0x3AC, 0x3C9}, {0x430, 0x45F}});
  add(kTrigger, {{0x152, 0x153}, {0xC2, 0xC4}, {0xCE, 0xCE}, {0xD0, 0xD0}, {0xD7, 0xD9}, {0xE0, 0xE0},
                 {0xE2, 0xE2}, {0xF3, 0xF3}, {0x221A, 0x221A}, {0x2248, 0x2248}, {0x201A, 0x201A},
                 {0x432, 0x432}, {0x412, 0x413}, {0x420, 0x421}, {0x3B2, 0x3B2}, {0x20AC, 0x20AC},
                 {0x101, 0x101}, {0x392, 0x393}, {0x39E, 0x39F}});
  add(kBox, {{0x2502, 0x2502}, {0x250C, 0x250C}, {0x2510, 0x2510}, {0x2518, 0x2518}, {0x251C, 0x251C},
             {0x2524, 0x2524}, {0x252C, 0x252C}, {0x253C, 0x253C}, {0x2550, 0x256C}, {0x2580, 0x2580},
             {0x2584, 0x2584}, {0x2588, 0x2588}, {0x258C, 0x258C}, {0x2590, 0x2593}});
  return t;
}

// Built during static initialization (no stage runs before main).
const std::array<uint16_t, kTableLimit> kClassTable = BuildClassTable();

uint16_t ClassOf(char32_t c) {
  if (c < kTableLimit) return kClassTable[c];
  if (c == 0xF8FF) return kOpening;  // Apple's logo, MacRoman 0xF0
  if (c == 0xFB01 || c == 0xFB02) return kLowerAccented;  // fi, fl in MacRoman
  if (c == 0xFFFD) return kBad;
  return 0;
}

bool In(char32_t c, std::u32string_view set) { return set.find(c) != std::u32string_view::npos; }
bool AsciiLower(char32_t c) { return c >= 'a' && c <= 'z'; }
bool AsciiAlpha(char32_t c) { return AsciiLower(c) || (c >= 'A' && c <= 'Z'); }
bool Space(char32_t c) { return c != 0 && u_isUWhiteSpace(static_cast<UChar32>(c)); }
bool Word(char32_t c) { return c == '_' || (c != 0 && u_isalnum(static_cast<UChar32>(c))); }

// Feeds characters one at a time; Push returns true when a mojibake-looking
// sequence ends at the character pushed. Looks back at most 7 characters.
class Scanner {
 public:
  bool Push(char32_t c) {
    ring_[++newest_ & 7] = c;
    k2_ = k1_, k1_ = k0_, k0_ = ClassOf(c);
    ++n_;
    // Every rule involves a classed character among the last three.
    if ((k0_ | k1_ | k2_) == 0) return false;
    // With only the third-last classed, only "ГўВЂВ.x" can end here.
    if ((k0_ | k1_) == 0) return h(2) == U'В' && CharacterRules();
    return Rules();
  }
  // Pushes a run of ASCII characters once no classed character is among the
  // last three: none of them can end a rule (ASCII is unclassed), so only the
  // history is kept up to date.
  bool Quiet() const { return (k0_ | k1_ | k2_) == 0; }
  void PushQuietAscii(std::string_view run) {
    for (size_t i = run.size() > 8 ? run.size() - 8 : 0; i < run.size(); ++i) {
      ring_[++newest_ & 7] = static_cast<uint8_t>(run[i]);
    }
    n_ += static_cast<int64_t>(run.size());
  }

 private:
  bool Rules() const;
  bool CharacterRules() const;

  // The i-th last character (0: the newest), i < 8.
  char32_t h(size_t i) const { return ring_[(newest_ - i) & 7]; }

  std::array<char32_t, 8> ring_{};
  size_t newest_ = 0;
  uint16_t k0_ = 0, k1_ = 0, k2_ = 0;
  int64_t n_ = 0;
};

bool Scanner::Rules() const {
  const char32_t c = h(0), q = h(2);
  const uint16_t kc = k0_, kp = k1_, kq = k2_;
  constexpr uint16_t kSymbols = kBox | kOpening | kClosing | kCurrency | kNumeric | kLaw;
  constexpr uint16_t kAccented = kLowerAccented | kUpperAccented;
  if (kc & kC1) return true;
  // Pairs of classes that do not meet in writing.
  if ((kp & (kBad | kAccented | kSymbols)) && (kc & kBad)) return true;
  if ((kp & kBad) && (kc & (kAccented | kSymbols))) return true;
  if ((kp & (kLowerAccented | kLowerOther | kBox | kClosing | kCurrency | kNumeric)) && (kc & kUpperAccented)) {
    return true;
  }
  if ((kp & (kBox | kClosing | kCurrency | kNumeric)) && (kc & kLowerAccented)) return true;
  if ((kp & (kLowerAccented | kBox | kClosing)) && (kc & kCurrency)) return true;
  if ((kp & (kUpperAccented | kBox)) && (kc & (kNumeric | kLaw))) return true;
  if ((kp & (kCurrency | kNumeric | kBox)) && (kc & kOpening)) return true;
  if ((kp & kBox) && (kc & (kEyes | kClosing))) return true;
  if ((kp & (kAccented | kCurrency | kNumeric | kOpening | kClosing | kLaw)) && (kc & kBox)) return true;
  // Triples.
  if ((kp & (kLowerOther | kUpperOther)) && (kc & kBad) && AsciiAlpha(q)) return true;
  if ((kp & kUpperAccented) && (kc & kCurrency) && Space(q)) return true;
  if ((kq & (kAccented | kBox | kCurrency | kClosing)) && (kp & kOpening) && (kc & kNumeric)) return true;
  if ((kq & (kAccented | kCurrency | kNumeric | kBox | kLaw)) && (kp & kClosing) && (kc & kOpening)) return true;
  if ((kp & kUpperAccented) && (kc & (kOpening | kCurrency)) && AsciiLower(q)) return true;
  if ((kq & kAccented) && (kp & (kOpening | kClosing)) && Word(c)) return true;
  if ((kp & kUpperAccented) && c == U'°') return true;
  return ((kp | kq) & kTrigger) && CharacterRules();
}

// Rules about particular characters of common mojibake, by the character
// before the last (a switch: these characters are common in correct text too,
// "Ã" in Portuguese, "à" in French, Cyrillic capitals).
bool Scanner::CharacterRules() const {
  const char32_t c = h(0), p = h(1), q = h(2), r = h(3);
  const uint16_t kc = k0_, kq = k2_;
  const bool quote_like = kc & (kOpening | kClosing);
  // "à" and "á" (and NBSP itself) in windows-1252, also with the 0xA0 lost to a space.
  const bool space_for_a0 = c == U' ' && (AsciiLower(q) || (Space(q) && AsciiLower(r)) || n_ == 2);
  switch (p) {
    case U'Œ':
    case U'œ':
      return !AsciiAlpha(c);
    case U'Â':
      if (space_for_a0) return true;
      if ((c == U' ' || quote_like) && (AsciiLower(q) || In(q, U".,?!") || (kq & kClosing))) return true;
      [[fallthrough]];
    case U'Ã':
      if (p == U'Ã' && (c == 0xA0 || c == U'¡' || space_for_a0)) return true;
      [[fallthrough]];
    case U'Î':
    case U'Ð':
      return quote_like || In(c, U"€œŠš¢£Ÿž\u00A0\u00AD®©°·»–—´");
    case U'×':
      return c == U'²' || c == U'³';
    case U'Ø':
    case U'Ù': {  // Arabic via windows-1252
      auto second = [](char32_t x) {
        return (ClassOf(x) & (kCommon | kCurrency | kBad | kNumeric | kOpening)) || In(x, U"ŸŠ®°µ»");
      };
      return (r == U'Ø' || r == U'Ù') && second(q) && second(c);
    }
    case U'à':  // Indic scripts via windows-1252
      return In(c, U"²µ¹¼½¾");
    // MacRoman. √ + the look of a UTF-8 continuation byte: "√©" é, "√¢" â,
    // "√ß" ç, "√º" ü... (√ before these is not how formulas are written: "√π").
    case U'√':
      return In(c, U"±∂†≠®™´≤≥¥µø¢©ß§º•ÆØ∫°£");
    case U'≈':
      return c == U'°' || c == U'¢';
    case U'Ä':
      if (q == U'‚' && In(c, U"ìîïòôúùû†°¢π")) return true;
      break;
    case U'â':
    case U'ó':
      if (q == U'‚' && In(c, U"àä°ê")) return true;
      break;
    case U'в':  // windows-1251 of U+2000-U+206F
      if (c == U'Ђ') return true;
      break;
    case U'€':  // windows-1253 of U+2000-U+206F
      if (q == U'β' && In(c, U"™\u00A0Ά\u00AD®°")) return true;
      break;
    case U'ā':  // windows-1257 of U+2000-U+206F
      if (c == U'€') return true;
      break;
    default:
      break;
  }
  // windows-1251: Р/С + a windows-1251 character of bytes 0x80-0xBF + Р/С:
  // "РґРѕ" (до). The middle letters are the lowercase ones (ґ ѕ ї є і ё ў ј...):
  // no word puts them between two capitals. Capitals are real letters in
  // all-caps Ukrainian ("ПЕРЕВІРКА": РІВ; Debian's uk catalogs had 4 such
  // false repairs with І in the list).
  const uint16_t kp = k1_;
  auto odd_middle = [&](std::u32string_view letters) {
    return (kp & (kC1 | kBad | kOpening | kClosing | kCurrency)) || p == U'°' || In(p, letters);
  };
  if ((q == U'В' || q == U'Г' || q == U'Р' || q == U'С') && (c == U'В' || c == U'Г' || c == U'Р' || c == U'С') &&
      odd_middle(U"µѓђљњќћџўіґёєјѕї")) {
    return true;
  }
  if (q == U'В' && h(6) == U'Г' && h(5) == U'ў' && h(4) == U'В' && h(3) == U'Ђ' &&
      (AsciiAlpha(c) || c == U' ')) {
    return true;  // 1251 on top of Latin-1 on top of 1252 punctuation
  }
  // windows-1253 of Latin-1 and Greek.
  if ((q == U'Β' || q == U'Γ' || q == U'Ξ' || q == U'Ο') && (c == U'Β' || c == U'Γ' || c == U'Ξ' || c == U'Ο') &&
      odd_middle(U"")) {
    return true;
  }
  return false;
}

}  // namespace

int Badness(std::u32string_view text) {
  Scanner scanner;
  int count = 0;
  for (const char32_t c : text) count += scanner.Push(c);
  return count;
}

bool IsBad(std::u32string_view text) {
  Scanner scanner;
  for (const char32_t c : text) {
    if (scanner.Push(c)) return true;
  }
  return false;
}

bool IsBadUtf8(std::string_view text, bool* has_a_tilde_or_circumflex) {
  Scanner scanner;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < n) {
    UChar32 c = s[i];
    if (c < 0x80 && scanner.Quiet()) {
      int32_t j = i + 1;
      for (uint64_t w = 0; j + 8 <= n; j += 8) {  // 8 bytes at a time
        std::memcpy(&w, s + j, 8);
        if (w & 0x8080808080808080ULL) break;
      }
      while (j < n && s[j] < 0x80) ++j;
      scanner.PushQuietAscii(text.substr(static_cast<size_t>(i), static_cast<size_t>(j - i)));
      i = j;
      continue;
    }
    if (c < 0x80) {
      ++i;
    } else {
      U8_NEXT(s, i, n, c);
      if (c < 0) c = 0xFFFD;
      if ((c == 0xC2 || c == 0xC3) && has_a_tilde_or_circumflex) *has_a_tilde_or_circumflex = true;
    }
    if (scanner.Push(static_cast<char32_t>(c))) return true;
  }
  return false;
}

}  // namespace textmill::mojibake
