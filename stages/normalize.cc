#include "stages/normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/utf8.h>

#include <array>
#include <vector>

#include "pipeline/errors.h"
#include "pipeline/util/utf8.h"

namespace textmill {
namespace {

// windows-1252 bytes 0x80..0x9F; 0 where the byte is undefined (Latin-1 C1
// controls are then taken as themselves, covering Latin-1 mojibake too).
constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

// The windows-1252/Latin-1 byte that shows as `c`, or -1.
int ByteOfChar(UChar32 c) {
  if (c >= 0x80 && c <= 0xFF) return static_cast<int>(c);
  for (int i = 0; i < 32; ++i) {
    if (kCp1252High[static_cast<size_t>(i)] == c && c != 0) return 0x80 + i;
  }
  return -1;
}

// A 2-byte sequence decodes to a letter of a real alphabet, not to IPA, NKo or
// C1 controls: without this check German „Fuß“ (ß + “) would be "repaired".
bool PlausibleTwoByteResult(UChar32 c) {
  return (c >= 0xA0 && c <= 0x24F) || (c >= 0x370 && c <= 0x4FF) || (c >= 0x590 && c <= 0x6FF);
}

struct CodePoint {
  UChar32 c;
  int32_t begin;  // byte offset in the text
  int32_t end;
};

bool IsRemovedFormatChar(UChar32 c) {
  return c == 0x200B || c == 0x2060 || c == 0xFEFF || c == 0x00AD || c == 0x180E;
}

bool IsUnicodeSpace(UChar32 c) {
  return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool IsNewline(UChar32 c) { return c == '\n' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028 || c == 0x2029; }

// Step 2: newlines, spaces, control and zero-width characters.
std::string CleanCharacters(std::string_view in, int64_t& removed) {
  std::string out;
  out.reserve(in.size());
  const auto* s = reinterpret_cast<const uint8_t*>(in.data());
  const auto n = static_cast<int32_t>(in.size());
  int32_t i = 0;
  while (i < n) {
    const uint8_t b = s[i];
    if (b >= 0x20 && b < 0x7F) {  // printable ASCII: the hot path
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    if (c == '\r') {
      out.push_back('\n');
      if (i < n && s[i] == '\n') ++i;
    } else if (IsNewline(c)) {
      out.push_back('\n');
    } else if (c == '\t' || IsUnicodeSpace(c)) {
      out.push_back(' ');
    } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || IsRemovedFormatChar(c) || c < 0) {
      ++removed;
    } else {
      out.append(in.data() + start, static_cast<size_t>(i - start));
    }
  }
  return out;
}

// Step 4: typographic punctuation to ASCII.
std::string FoldPunctuation(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  const auto* s = reinterpret_cast<const uint8_t*>(in.data());
  const auto n = static_cast<int32_t>(in.size());
  int32_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      out.push_back(static_cast<char>(s[i++]));
      continue;
    }
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    switch (c) {
      case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
        out.push_back('\'');
        break;
      case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB: case 0x00BB:
        out.push_back('"');
        break;
      case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
        out.push_back('-');
        break;
      case 0x2026:
        out += "...";
        break;
      default:
        out.append(in.data() + start, static_cast<size_t>(i - start));
    }
  }
  return out;
}

// Step 5: collapse spaces, trim lines, limit blank lines.
std::string TidyLines(std::string_view in, int max_blank_lines) {
  std::string out;
  out.reserve(in.size());
  int pending_blank = 0;
  bool any_line = false;
  size_t pos = 0;
  while (pos <= in.size()) {
    size_t end = in.find('\n', pos);
    if (end == std::string_view::npos) end = in.size();
    std::string_view line = in.substr(pos, end - pos);
    const size_t first = line.find_first_not_of(' ');
    if (first == std::string_view::npos) {
      if (any_line) ++pending_blank;
    } else {
      line = line.substr(first, line.find_last_not_of(' ') - first + 1);
      if (any_line) {
        out.push_back('\n');
        for (int b = 0; b < std::min(pending_blank, max_blank_lines); ++b) out.push_back('\n');
      }
      pending_blank = 0;
      any_line = true;
      bool prev_space = false;
      for (const char ch : line) {
        if (ch == ' ' && prev_space) continue;
        prev_space = ch == ' ';
        out.push_back(ch);
      }
    }
    pos = end + 1;
  }
  return out;
}

const icu::Normalizer2* NormalizerFor(const std::string& form) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = nullptr;
  if (form == "NFC") normalizer = icu::Normalizer2::getNFCInstance(status);
  if (form == "NFKC") normalizer = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) throw RuntimeError("ICU normalizer unavailable: " + std::string(u_errorName(status)));
  return normalizer;
}

std::string NormalizeUnicode(std::string text, const icu::Normalizer2* normalizer) {
  if (normalizer == nullptr) return text;
  UErrorCode status = U_ZERO_ERROR;
  const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  if (normalizer->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return text;
  status = U_ZERO_ERROR;
  std::string out;
  out.reserve(text.size());
  icu::StringByteSink<std::string> sink(&out);
  normalizer->normalizeUTF8(0, piece, sink, nullptr, status);
  return U_SUCCESS(status) ? out : text;
}

}  // namespace

int64_t FixMojibake(std::string& text) {
  // Every lead byte 0xC2..0xF4 shows as U+00C2..U+00F4, which UTF-8 encodes
  // with a 0xC3 byte: no 0xC3, no mojibake. Most texts leave here.
  if (text.find('\xC3') == std::string::npos) return 0;
  std::vector<CodePoint> cps;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    cps.push_back({c, start, i});
  }
  std::string out;
  out.reserve(text.size());
  int64_t fixes = 0;
  size_t k = 0;
  while (k < cps.size()) {
    const int lead = ByteOfChar(cps[k].c);
    int need = lead >= 0xC2 && lead <= 0xDF ? 1 : lead >= 0xE0 && lead <= 0xEF ? 2 : lead >= 0xF0 && lead <= 0xF4 ? 3 : 0;
    if (need > 0 && k + static_cast<size_t>(need) < cps.size()) {
      uint8_t bytes[4] = {static_cast<uint8_t>(lead), 0, 0, 0};
      bool ok = true;
      for (int j = 1; j <= need && ok; ++j) {
        const int b = ByteOfChar(cps[k + static_cast<size_t>(j)].c);
        ok = b >= 0x80 && b <= 0xBF;
        bytes[j] = static_cast<uint8_t>(b);
      }
      if (ok) {
        int32_t p = 0;
        UChar32 decoded = 0;
        U8_NEXT(bytes, p, need + 1, decoded);
        if (decoded >= 0 && p == need + 1 && (need > 1 || PlausibleTwoByteResult(decoded))) {
          AppendUtf8(static_cast<char32_t>(decoded), out);
          ++fixes;
          k += static_cast<size_t>(need) + 1;
          continue;
        }
      }
    }
    out.append(text, static_cast<size_t>(cps[k].begin), static_cast<size_t>(cps[k].end - cps[k].begin));
    ++k;
  }
  if (fixes > 0) text.swap(out);
  return fixes;
}

NormalizeOptions NormalizeOptions::Parse(OptionReader& reader) {
  NormalizeOptions options;
  reader.GetEnum("form", options.form, {"NFC", "NFKC", "none"});
  reader.Get("fix_mojibake", options.fix_mojibake);
  reader.Get("fold_punctuation", options.fold_punctuation);
  reader.Get("max_blank_lines", options.max_blank_lines, 0, 100);
  return options;
}

std::string NormalizeText(std::string_view text, const NormalizeOptions& options,
                          int64_t* mojibake_fixes, int64_t* chars_removed) {
  const icu::Normalizer2* normalizer = NormalizerFor(options.form);
  std::string current(text);
  int64_t fixes = 0, removed = 0;
  // Later steps can, rarely, create a new mojibake pattern (NFC composing
  // "A" + U+0303 into "Ã"); a few rounds reach the fixed point.
  for (int round = 0; round < 3; ++round) {
    int64_t round_fixes = 0;
    if (options.fix_mojibake) round_fixes = FixMojibake(current);
    if (round > 0 && round_fixes == 0) break;
    fixes += round_fixes;
    current = CleanCharacters(current, removed);
    current = NormalizeUnicode(std::move(current), normalizer);
    if (options.fold_punctuation) current = FoldPunctuation(current);
    current = TidyLines(current, options.max_blank_lines);
    if (!options.fix_mojibake || current.find('\xC3') == std::string::npos) break;
    std::string probe = current;
    if (FixMojibake(probe) == 0) break;
  }
  if (mojibake_fixes) *mojibake_fixes += fixes;
  if (chars_removed) *chars_removed += removed;
  return current;
}

void NormalizeStage::ProcessDoc(Document& doc) {
  int64_t fixes = 0, removed = 0;
  std::string normalized = NormalizeText(doc.text, options_, &fixes, &removed);
  if (fixes > 0) {
    counters_.Add("mojibake_fixes", fixes);
    counters_.Add("docs_with_mojibake");
  }
  if (removed > 0) counters_.Add("chars_removed", removed);
  if (normalized != doc.text) {
    counters_.Add("docs_changed");
    doc.text = std::move(normalized);
  }
}

Json NormalizeStage::Stats() const {
  Json out = Json::object();
  for (const auto& [name, n] : counters_.Merged()) out[name] = n;
  return out;
}

void RegisterNormalizeStage(Registry& registry) {
  registry.Add("normalize", [](OptionReader& reader, const StageContext&) {
    return std::make_unique<NormalizeStage>(NormalizeOptions::Parse(reader));
  });
}

}  // namespace textmill
