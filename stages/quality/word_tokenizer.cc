#include "stages/quality/word_tokenizer.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <string>

#include "stages/quality/punctuation_sets.h"

namespace textmill {
namespace {

template <size_t N>
bool In(const std::array<char32_t, N>& set, char32_t c) {
  return std::binary_search(set.begin(), set.end(), c);
}

bool IsTerminal(char32_t c) { return In(kTerminal, c); }

bool IsSentencizerEnd(char32_t c) { return IsTerminal(c) && !In(kNotSentenceEnd, c); }

// spaCy char_classes: LIST_PUNCT (without the two-character "……") and LIST_QUOTES.
constexpr std::u32string_view kSpacyPunct = U"…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪";
constexpr std::u32string_view kSpacyQuotes = U"'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉〈〉⟦⟧";
constexpr std::u32string_view kCurrency = U"$£€¥฿₽﷼₴";

// ASCII letters and digits are none of the affix or infix characters; most
// characters are those, so they skip the table and ICU look-ups.
bool IsAsciiAlnum(char32_t c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
bool IsSpacyPunct(char32_t c) { return !IsAsciiAlnum(c) && kSpacyPunct.find(c) != std::u32string_view::npos; }
bool IsSpacyQuote(char32_t c) { return !IsAsciiAlnum(c) && kSpacyQuotes.find(c) != std::u32string_view::npos; }
bool IsIcon(char32_t c) { return c >= 0x80 && u_charType(static_cast<UChar32>(c)) == U_OTHER_SYMBOL; }
bool IsCurrency(char32_t c) {
  return c == '$' || (c >= 0x80 && (kCurrency.find(c) != std::u32string_view::npos || (c >= 0x20A0 && c <= 0x20BF)));
}
bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char32_t c) {
  return c < 0x80 ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') : u_isalpha(static_cast<UChar32>(c));
}
bool IsLower(char32_t c) { return c < 0x80 ? (c >= 'a' && c <= 'z') : u_islower(static_cast<UChar32>(c)); }
bool IsUpper(char32_t c) { return c < 0x80 ? (c >= 'A' && c <= 'Z') : u_isupper(static_cast<UChar32>(c)); }
bool IsHyphen(char32_t c) { return c == '-' || c == 0x2013 || c == 0x2014 || c == '~'; }

// A white-space-delimited chunk, decoded, with the byte offset of each code
// point from `base` (offsets[i] .. offsets[i + 1]): 8 bytes per code point,
// so a page-long chunk without spaces costs 8x its size while it is split.
struct Chunk {
  size_t base = 0;
  std::u32string cps;
  std::vector<uint32_t> offsets;
};

// spaCy's English suffix units after a number ("10km" -> "10" "km"), ASCII part.
constexpr std::u32string_view kUnits[] = {U"km", U"m", U"dm", U"cm", U"mm", U"ha", U"nm", U"yd", U"in",
                                          U"ft", U"kg", U"g",  U"mg", U"t",  U"lb", U"oz", U"mph", U"hPa",
                                          U"Pa", U"mb", U"MB", U"kb", U"KB", U"gb", U"GB", U"tb", U"TB",
                                          U"T",  U"G",  U"M",  U"K",  U"%"};

// spaCy's special cases kept whole (spacy/lang/tokenizer_exceptions.py and
// lang/en/tokenizer_exceptions.py): abbreviations the "." suffix rule would
// split, single letters with a period, and a few more. Sorted.
std::vector<std::u32string_view> SortedSpecials() {
  std::vector<std::u32string_view> v = {
      U"''", U"C++", U":)", U":-)", U":(", U":-(", U";)", U";-)", U":D", U":P", U":p", U"<3", U":/",
      U"a.m.", U"Adm.", U"Bros.", U"co.", U"Co.", U"Corp.", U"D.C.", U"Dr.", U"e.g.", U"E.g.", U"E.G.", U"Gen.",
      U"Gov.", U"i.e.", U"I.e.", U"I.E.", U"Inc.", U"Jr.", U"Ltd.", U"Md.", U"Messrs.", U"Mo.", U"Mont.", U"Mr.",
      U"Mrs.", U"Ms.", U"p.m.", U"Ph.D.", U"Prof.", U"Rep.", U"Rev.", U"Sen.", U"St.", U"vs.", U"v.s.", U"Mt.",
      U"Ak.", U"Ala.", U"Apr.", U"Ariz.", U"Ark.", U"Aug.", U"Calif.", U"Colo.", U"Conn.", U"Dec.", U"Del.",
      U"Feb.", U"Fla.", U"Ga.", U"Ia.", U"Id.", U"Ill.", U"Ind.", U"Jan.", U"Jul.", U"Jun.", U"Kan.", U"Kans.",
      U"Ky.", U"La.", U"Mar.", U"Mass.", U"Mich.", U"Minn.", U"Miss.", U"N.C.", U"N.D.", U"N.H.", U"N.J.",
      U"N.M.", U"N.Y.", U"Neb.", U"Nebr.", U"Nev.", U"Nov.", U"Oct.", U"Okla.", U"Ore.", U"Pa.", U"S.C.",
      U"Sep.", U"Sept.", U"Tenn.", U"Va.", U"Wash.", U"Wis.", U"\u00E4.", U"\u00F6.", U"\u00FC."};
  std::sort(v.begin(), v.end());
  return v;
}

bool IsSpecialWhole(std::u32string_view s) {
  static const std::vector<std::u32string_view> kSpecials = SortedSpecials();
  // Every entry starts or ends with a character that is not a letter or digit.
  if (s.empty() || s.size() > 7 || (IsAsciiAlnum(s.front()) && IsAsciiAlnum(s.back()))) return false;
  if (s.size() == 2 && s[1] == '.' && s[0] >= 'a' && s[0] <= 'z') return true;
  return std::binary_search(kSpecials.begin(), kSpecials.end(), s);
}

bool IsUrlLabelChar(char32_t c) { return IsAsciiAlnum(c) || (c >= 0xA1 && c <= 0xFFFF); }

// spaCy's URL_MATCH (lang/tokenizer_exceptions.py), without its IP-address
// branch: [scheme://][user@]label.(...)tld[:port][/?#rest], the TLD in
// lower-case letters. Such a token is not split at infixes ("a.org/b/c").
bool HostAndRest(std::u32string_view s) {
  const size_t end = s.find_first_of(U":/?#");
  const std::u32string_view host = s.substr(0, end);
  const size_t dot = host.rfind('.');
  if (dot == std::u32string_view::npos || host.size() - dot - 1 < 2 || host.size() - dot - 1 > 63) return false;
  for (size_t i = dot + 1; i < host.size(); ++i) {
    if (!IsLower(host[i])) return false;
  }
  size_t start = 0;
  while (start <= dot) {  // labels: X[X_-]*X or X, then "."
    const size_t stop = host.find('.', start);
    if (stop == start || stop - start > 64 || !IsUrlLabelChar(host[start]) || !IsUrlLabelChar(host[stop - 1])) {
      return false;
    }
    for (size_t i = start; i < stop; ++i) {
      if (!IsUrlLabelChar(host[i]) && host[i] != '_' && host[i] != '-') return false;
    }
    start = stop + 1;
  }
  if (end == std::u32string_view::npos || s[end] != ':') return true;
  size_t digits = 0;
  while (end + 1 + digits < s.size() && IsDigit(s[end + 1 + digits])) ++digits;
  const size_t after = end + 1 + digits;
  return digits >= 2 && digits <= 5 && (after == s.size() || s.substr(after, 1).find_first_of(U"/?#") == 0);
}

bool IsUrlLike(std::u32string_view s) {
  if (s.find('.') == std::u32string_view::npos) return false;
  const size_t scheme = s.find(U"://");
  if (scheme != std::u32string_view::npos && scheme >= 2) {
    bool ok = true;
    for (size_t i = 0; i < scheme; ++i) {
      ok = ok && (IsAsciiAlnum(s[i]) || s[i] == '_' || s[i] == '+' || s[i] == '-' || s[i] == '.');
    }
    if (ok) s.remove_prefix(scheme + 3);
  }
  if (HostAndRest(s)) return true;
  const size_t at = s.find('@');
  return at != std::u32string_view::npos && at > 0 && HostAndRest(s.substr(at + 1));
}

class Splitter {
 public:
  Splitter(std::string_view text, std::vector<std::string_view>& out) : text_(text), out_(out) {}

  void Split(const Chunk& chunk) {
    chunk_ = &chunk;
    size_t b = 0, e = chunk.cps.size();
    std::vector<std::pair<size_t, size_t>>& suffixes = suffixes_;  // in the order found (outermost first)
    suffixes.clear();
    size_t last = e + 1;
    bool special = false;
    while (b < e && e - b != last) {
      if (IsAbbreviation(b, e)) break;
      if ((special = Special(b, e))) break;
      last = e - b;
      const size_t pre = PrefixLength(b, e);
      const size_t suf = SuffixLength(b + pre, e);
      if (pre && suf && pre + suf <= e - b) {
        Emit(b, b + pre);
        suffixes.push_back({e - suf, e});
        b += pre;
        e -= suf;
      } else if (pre) {
        Emit(b, b + pre);
        b += pre;
      } else if (suf) {
        suffixes.push_back({e - suf, e});
        e -= suf;
      }
    }
    if (!special && b < e) Middle(b, e);
    for (auto it = suffixes.rbegin(); it != suffixes.rend(); ++it) Emit(it->first, it->second);
  }

 private:
  char32_t At(size_t i) const { return chunk_->cps[i]; }
  std::u32string_view View(size_t b, size_t e) const { return std::u32string_view(chunk_->cps).substr(b, e - b); }
  void Emit(size_t b, size_t e) {
    if (b >= e) return;
    const std::string_view token =
        text_.substr(chunk_->base + chunk_->offsets[b], chunk_->offsets[e] - chunk_->offsets[b]);
    // spaCy's special-case matcher joins "'" "'" back into its special case "''".
    if (token == "'" && !out_.empty() && out_.back() == "'" && out_.back().data() + 1 == token.data()) {
      out_.back() = std::string_view(out_.back().data(), 2);
      return;
    }
    out_.push_back(token);
  }

  // Contractions, split as spaCy's special cases split them: emits and returns true.
  bool Special(size_t b, size_t e) {
    const size_t n = e - b;
    // 7am, 11p.m.: the hours 1-12 with am, pm, a.m., p.m. (spaCy's English exceptions)
    if (n >= 3 && n <= 6 && IsDigit(At(b))) {
      const size_t digits = IsDigit(At(b + 1)) ? 2 : 1;
      const auto hour = static_cast<int>(digits == 2 ? (At(b) - '0') * 10 + (At(b + 1) - '0') : At(b) - '0');
      const std::u32string_view rest = View(b + digits, e);
      if (hour >= 1 && hour <= 12 && (rest == U"am" || rest == U"pm" || rest == U"a.m." || rest == U"p.m.")) {
        Emit(b, b + digits);
        Emit(b + digits, e);
        return true;
      }
    }
    auto apostrophe = [&](size_t i) { return At(i) == '\'' || At(i) == 0x2019; };
    auto all_alpha = [&](size_t from, size_t to) {
      for (size_t i = from; i < to; ++i) {
        if (!IsAlpha(At(i))) return false;
      }
      return from < to;
    };
    // do n't, ca n't, wo n't
    if (n >= 4 && apostrophe(e - 2) && (At(e - 1) == 't' || At(e - 1) == 'T') &&
        (At(e - 3) == 'n' || At(e - 3) == 'N') && all_alpha(b, e - 3)) {
      Emit(b, e - 3);
      Emit(e - 3, e);
      return true;
    }
    // can not, gon na, got ta (spaCy's English exceptions)
    if (n == 6 || n == 5) {
      std::u32string lower;
      for (size_t i = b; i < e; ++i) lower.push_back(static_cast<char32_t>(u_tolower(static_cast<UChar32>(At(i)))));
      const size_t cut = lower == U"cannot" ? 3 : (lower == U"gonna" || lower == U"gotta") ? 3 : 0;
      if (cut) {
        Emit(b, b + cut);
        Emit(b + cut, e);
        return true;
      }
    }
    // I 'm, you 're, we 've, he 'll, I 'd
    for (const std::u32string_view tail : {U"m", U"re", U"ve", U"ll", U"d"}) {
      const size_t t = tail.size() + 1;
      if (n <= t || !apostrophe(e - t) || !all_alpha(b, e - t)) continue;
      bool match = true;
      for (size_t k = 0; k < tail.size(); ++k) {
        match = match && u_tolower(static_cast<UChar32>(At(e - tail.size() + k))) == static_cast<UChar32>(tail[k]);
      }
      if (match) {
        Emit(b, e - t);
        Emit(e - t, e);
        return true;
      }
    }
    return false;
  }
  bool IsAbbreviation(size_t b, size_t e) const { return IsSpecialWhole(View(b, e)); }
  bool IsUrl(size_t b, size_t e) const { return IsUrlLike(View(b, e)); }

  size_t DotRun(size_t i, size_t e) const {
    size_t j = i;
    while (j < e && At(j) == '.') ++j;
    return j - i;
  }

  size_t PrefixLength(size_t b, size_t e) const {
    const char32_t c = At(b);
    if (IsAsciiAlnum(c) || IsAbbreviation(b, e)) return 0;
    if (c == '.') return DotRun(b, e) >= 2 ? DotRun(b, e) : 0;
    if (c == '+') return b + 1 < e && IsDigit(At(b + 1)) ? 0 : 1;
    if (c == 0x2026 && b + 1 < e && At(b + 1) == 0x2026) return 2;
    if (c == 0xA7 || c == '%' || c == '=' || c == 0x2014 || c == 0x2013 || IsSpacyPunct(c) || IsSpacyQuote(c) ||
        IsCurrency(c) || IsIcon(c)) {
      return 1;
    }
    return 0;
  }

  // The leftmost-starting suffix that ends at `e` (spaCy searches `(?:...)$`).
  size_t SuffixLength(size_t b, size_t e) const {
    if (b >= e || IsAbbreviation(b, e)) return 0;
    size_t dots = 0;
    while (dots < e - b && At(e - 1 - dots) == '.') ++dots;
    if (dots >= 2) return dots;
    if (e - b >= 2 && At(e - 2) == 0x2026 && At(e - 1) == 0x2026) return 2;
    if (e - b >= 2 && (At(e - 2) == '\'' || At(e - 2) == 0x2019) && (At(e - 1) == 's' || At(e - 1) == 'S')) return 2;
    {
      // A unit after a number: the leftmost unit that ends the chunk.
      size_t k = e;
      while (k > b && e - k < 3 && (IsAlpha(At(k - 1)) || At(k - 1) == '%')) --k;
      for (; k < e; ++k) {
        if (k == b || !IsDigit(At(k - 1))) continue;
        const std::u32string_view tail = View(k, e);
        if (std::find(std::begin(kUnits), std::end(kUnits), tail) != std::end(kUnits)) return e - k;
      }
    }
    const char32_t c = At(e - 1);
    if (IsAsciiAlnum(c)) return 0;
    if (IsSpacyPunct(c) || IsSpacyQuote(c) || IsIcon(c) || c == 0x2014 || c == 0x2013) return 1;
    if (e - b >= 2) {
      const char32_t p = At(e - 2);
      if (c == '+' && IsDigit(p)) return 1;
      if (IsCurrency(c) && IsDigit(p)) return 1;
      if (c == '.') {
        if (IsDigit(p) || IsLower(p) || p == '%' || p == 0xB2 || p == '-' || p == '+' || p == '|' || IsSpacyQuote(p) ||
            IsSpacyPunct(p)) {
          return 1;
        }
        if (e - b >= 3 && IsUpper(p) && IsUpper(At(e - 3))) return 1;
      }
    }
    return 0;
  }

  // The part left between prefixes and suffixes: whole if an abbreviation or
  // a URL, else split at spaCy's English infixes.
  void Middle(size_t b, size_t e) {
    if (IsAbbreviation(b, e) || IsUrl(b, e)) return Emit(b, e);
    size_t start = b;
    for (size_t i = b; i < e;) {
      const size_t len = InfixAt(i, b, e);
      if (len == 0) {
        ++i;
        continue;
      }
      if (i != b) {  // spaCy skips an infix at the very start
        Emit(start, i);
        Emit(i, i + len);
        start = i + len;
      }
      i += len;
    }
    Emit(start, e);
  }

  size_t InfixAt(size_t i, size_t b, size_t e) const {
    const char32_t c = At(i);
    if (IsAsciiAlnum(c)) return 0;
    if (c == '.' && DotRun(i, e) >= 2) return DotRun(i, e);
    if (c == 0x2026 || IsIcon(c)) return 1;
    if (i == b || i + 1 >= e) return 0;
    const char32_t p = At(i - 1), n = At(i + 1);
    if (IsDigit(p) && (c == '+' || c == '-' || c == '*' || c == '^') && (IsDigit(n) || n == '-')) return 1;
    if (c == '.' && (IsLower(p) || IsSpacyQuote(p)) && (IsUpper(n) || IsSpacyQuote(n))) return 1;
    if (c == ',' && IsAlpha(p) && IsAlpha(n)) return 1;
    if (IsAlpha(p) || IsDigit(p)) {
      if (IsHyphen(c)) {
        size_t len = 1;  // "--", "---", "——"
        while (len < 3 && i + len < e && At(i + len) == c && c != '~') ++len;
        if (i + len < e && IsAlpha(At(i + len))) return len;
      }
      if ((c == ':' || c == '<' || c == '>' || c == '=' || c == '/') && IsAlpha(n)) return 1;
    }
    return 0;
  }

  std::string_view text_;
  std::vector<std::string_view>& out_;
  const Chunk* chunk_ = nullptr;
  std::vector<std::pair<size_t, size_t>> suffixes_;
};

}  // namespace

bool IsPythonSpace(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  return u_isUWhiteSpace(static_cast<UChar32>(c));
}

std::vector<std::string_view> SpacyLikeWords(std::string_view text) {
  std::vector<std::string_view> out;
  out.reserve(text.size() / 5);
  Splitter splitter(text, out);
  Chunk chunk;
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < n;) {
    const int32_t at = i;
    UChar32 c = 0;
    U8_NEXT(p, i, n, c);
    const bool space = c < 0 || IsPythonSpace(static_cast<char32_t>(c));
    if (!space) {
      if (chunk.cps.empty()) chunk.base = static_cast<size_t>(at);
      chunk.cps.push_back(static_cast<char32_t>(c));
      chunk.offsets.push_back(static_cast<uint32_t>(static_cast<size_t>(at) - chunk.base));
    }
    if ((space || i == n) && !chunk.cps.empty()) {
      chunk.offsets.push_back(static_cast<uint32_t>(static_cast<size_t>(space ? at : i) - chunk.base));
      splitter.Split(chunk);
      chunk.cps.clear();
      chunk.offsets.clear();
    }
  }
  return out;
}

int CountSentencizerSentences(const std::vector<std::string_view>& tokens) {
  if (tokens.empty()) return 0;
  int sentences = 1;
  bool seen_period = false;
  for (const std::string_view token : tokens) {
    const auto* p = reinterpret_cast<const uint8_t*>(token.data());
    const auto n = static_cast<int32_t>(token.size());
    bool all_punct = true;  // spaCy's is_punct: every character of category P*
    int32_t count = 0;
    UChar32 first = -1;
    for (int32_t i = 0; i < n; ++count) {
      UChar32 c = 0;
      U8_NEXT(p, i, n, c);
      if (first < 0) first = c;
      all_punct = all_punct && (U_GET_GC_MASK(c) & U_GC_P_MASK) != 0;
    }
    const bool sentence_end = count == 1 && first >= 0 && IsSentencizerEnd(static_cast<char32_t>(first));
    if (seen_period && !all_punct && !sentence_end) {
      ++sentences;
      seen_period = false;
    } else if (sentence_end) {
      seen_period = true;
    }
  }
  return sentences;
}

bool IsDatatrovePunctuation(std::string_view word) {
  if (!word.empty() && IsAsciiAlnum(static_cast<unsigned char>(word[0]))) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(word.data());
  const auto n = static_cast<int32_t>(word.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c = 0;
    U8_NEXT(p, i, n, c);
    if (c < 0 || !(In(kPunctuation, static_cast<char32_t>(c)) || IsTerminal(static_cast<char32_t>(c)))) return false;
  }
  return true;
}

bool EndsWithTerminalPunctuation(std::string_view s) {
  if (s.empty()) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  auto i = static_cast<int32_t>(s.size());
  UChar32 c = 0;
  U8_PREV(p, 0, i, c);
  return c >= 0 && IsTerminal(static_cast<char32_t>(c));
}

}  // namespace textmill
