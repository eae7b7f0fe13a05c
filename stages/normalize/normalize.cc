#include "stages/normalize/normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/utf8.h>

#include <cstring>

#include "pipeline/errors.h"
#include "pipeline/util/utf8.h"
#include "stages/normalize/mojibake.h"
#include "stages/normalize/mojibake_charsets.h"

namespace textmill {
namespace {

bool IsRemovedFormatChar(UChar32 c) {
  return c == 0x200B || c == 0x2060 || c == 0xFEFF || c == 0x00AD || c == 0x180E;
}

bool IsUnicodeSpace(UChar32 c) {
  return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool IsNewline(UChar32 c) { return c == '\n' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028 || c == 0x2029; }

// Step 2: newlines, spaces, control and zero-width characters. Unchanged
// characters are copied in runs, so plain text costs one scan and one copy.
// `unicode_edits` counts non-ASCII characters replaced (removals are in `removed`).
std::string CleanCharacters(std::string_view in, int64_t& removed, int64_t& unicode_edits) {
  std::string out;
  out.reserve(in.size());
  const auto* s = reinterpret_cast<const uint8_t*>(in.data());
  const auto n = static_cast<int32_t>(in.size());
  int32_t run_start = 0;
  int32_t i = 0;
  auto flush = [&](int32_t end) { out.append(in.data() + run_start, static_cast<size_t>(end - run_start)); };
  while (i < n) {
    const uint8_t b = s[i];
    if ((b >= 0x20 && b < 0x7F) || b == '\n') {  // the hot path: nothing to do
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    const char* replacement = nullptr;
    if (c == '\r') {
      replacement = "\n";
      if (i < n && s[i] == '\n') ++i;
    } else if (IsNewline(c)) {
      replacement = "\n";
      if (c >= 0x80) ++unicode_edits;
    } else if (c == '\t' || IsUnicodeSpace(c)) {
      replacement = " ";
      if (c >= 0x80) ++unicode_edits;
    } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || IsRemovedFormatChar(c) || c < 0) {
      replacement = "";
      ++removed;
    } else {
      continue;  // a character kept as it is: stays in the run
    }
    flush(start);
    out += replacement;
    run_start = i;
  }
  flush(n);
  return out;
}

// Step 4: typographic punctuation to ASCII.
std::string FoldPunctuation(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  const auto* s = reinterpret_cast<const uint8_t*>(in.data());
  const auto n = static_cast<int32_t>(in.size());
  int32_t run_start = 0;
  int32_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    const char* folded = nullptr;
    switch (c) {
      case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
        folded = "'";
        break;
      case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB: case 0x00BB:
        folded = "\"";
        break;
      case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
        folded = "-";
        break;
      case 0x2026:
        folded = "...";
        break;
      default:
        continue;
    }
    out.append(in.data() + run_start, static_cast<size_t>(start - run_start));
    out += folded;
    run_start = i;
  }
  out.append(in.data() + run_start, static_cast<size_t>(n - run_start));
  return out;
}

// Step 5: collapse spaces, trim lines, limit blank lines. Only ' ' and '\n'
// remain as whitespace after step 2. With `keep_indentation`, the spaces that
// start a line stay: extraction writes none outside <pre>, so they are a code
// block's indentation (Python that loses it is another program).
std::string TidyLines(std::string_view in, int max_blank_lines, bool keep_indentation) {
  std::string out;
  out.reserve(in.size());
  int pending_blank = 0;
  bool any_line = false;
  size_t pos = 0;
  while (pos <= in.size()) {
    const void* nl = std::memchr(in.data() + pos, '\n', in.size() - pos);
    const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - in.data()) : in.size();
    std::string_view line = in.substr(pos, end - pos);
    pos = end + 1;
    const size_t first = line.find_first_not_of(' ');
    if (first == std::string_view::npos) {
      if (any_line) ++pending_blank;
      continue;
    }
    line = line.substr(first, line.find_last_not_of(' ') - first + 1);
    if (any_line) out.append(1 + static_cast<size_t>(std::min(pending_blank, max_blank_lines)), '\n');
    pending_blank = 0;
    any_line = true;
    if (keep_indentation) out.append(first, ' ');
    // Copy the line in runs, dropping the extra spaces of each run of spaces.
    size_t run = 0;
    for (size_t k = line.find("  "); k != std::string_view::npos; k = line.find("  ", k)) {
      out.append(line.substr(run, k + 1 - run));
      k = line.find_first_not_of(' ', k);
      run = k;
    }
    out.append(line.substr(run));
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

std::string NormalizeUnicode(std::string text, const icu::Normalizer2* normalizer, bool& changed) {
  if (normalizer == nullptr) return text;
  UErrorCode status = U_ZERO_ERROR;
  const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  if (normalizer->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return text;
  changed = true;
  status = U_ZERO_ERROR;
  std::string out;
  out.reserve(text.size());
  icu::StringByteSink<std::string> sink(&out);
  normalizer->normalizeUTF8(0, piece, sink, nullptr, status);
  return U_SUCCESS(status) ? out : text;
}

// Ã Â Î Ð Ø Ù €: the characters of the badness rules that tell NBSP from a
// space (mojibake_badness.cc).
bool HasSpaceSensitiveCharacter(std::string_view text) {
  for (size_t i = text.find('\xC3'); i != std::string_view::npos && i + 1 < text.size(); i = text.find('\xC3', i + 1)) {
    const auto b = static_cast<uint8_t>(text[i + 1]);
    if (b == 0x82 || b == 0x83 || b == 0x8E || b == 0x90 || b == 0x98 || b == 0x99) return true;
  }
  return text.find("\xE2\x82\xAC") != std::string_view::npos;
}

}  // namespace

NormalizeOptions NormalizeOptions::Parse(OptionReader& reader) {
  NormalizeOptions options;
  reader.GetEnum("form", options.form, {"NFC", "NFKC", "none"});
  reader.Get("fix_mojibake", options.fix_mojibake);
  reader.Get("fold_punctuation", options.fold_punctuation);
  reader.Get("max_blank_lines", options.max_blank_lines, 0, 100);
  reader.Get("keep_indentation", options.keep_indentation);
  return options;
}

std::string NormalizeText(std::string_view text, const NormalizeOptions& options, int64_t* mojibake_fixes,
                          int64_t* chars_removed, uint32_t* mojibake_sources) {
  const icu::Normalizer2* normalizer = NormalizerFor(options.form);
  std::string current(text);
  int64_t removed = 0;
  mojibake::RepairStats repair;
  // Later steps can, rarely, create a new mojibake pattern (NFC composing
  // "A" + U+0303 into "Ã", a removed zero-width space joining "Ã" and "©");
  // a few rounds reach the fixed point.
  for (int round = 0; round < 3; ++round) {
    bool repaired = false;
    const int64_t unrepaired_before = repair.unrepaired;
    if (options.fix_mojibake) repaired = mojibake::RepairText(current, &repair);
    if (round > 0 && !repaired) break;
    const int64_t removed_before = removed;
    int64_t unicode_edits = 0;
    bool composed = false;
    current = CleanCharacters(current, removed, unicode_edits);
    current = NormalizeUnicode(std::move(current), normalizer, composed);
    if (options.fold_punctuation) current = FoldPunctuation(current);
    current = TidyLines(current, options.max_blank_lines, options.keep_indentation);
    // Looking for mojibake again costs a second scan (the benchmark's text
    // dumps: 236 -> 143 MB/s with it always done), so it is done only when
    // steps 2-5 could have made some: a repair (its result is checked
    // again), a character removed (new neighbours), composition, folding,
    // or a non-ASCII space or line separator replaced where it matters: in
    // a line that looked like mojibake but was left (NBSP, unlike a space,
    // stops a run repair), or next to the characters whose badness rules
    // tell NBSP from a space. ASCII white space needs none: the repair
    // already sees lines spaced as TidyLines leaves them.
    const bool may_have_new = repaired || removed > removed_before || composed || options.fold_punctuation ||
                              (unicode_edits > 0 && (repair.unrepaired > unrepaired_before ||
                                                     HasSpaceSensitiveCharacter(current)));
    if (!options.fix_mojibake || !may_have_new || !HasMojibake(current)) break;
  }
  if (mojibake_fixes) *mojibake_fixes += repair.repairs;
  if (mojibake_sources) *mojibake_sources |= repair.sources;
  if (chars_removed) *chars_removed += removed;
  return current;
}

bool HasMojibake(std::string_view text) { return mojibake::NeedsRepair(text); }

void NormalizeStage::ProcessDoc(Document& doc) {
  int64_t fixes = 0, removed = 0;
  uint32_t sources = 0;
  std::string normalized = NormalizeText(doc.text, options_, &fixes, &removed, &sources);
  if (fixes > 0) {
    counters_.Add("mojibake_fixes", fixes);
    counters_.Add("docs_with_mojibake");
    // Documents repaired, by the charset the mojibake came from (a document
    // with two kinds counts under both).
    for (int bit = 0; bit <= mojibake::kC1SourceBit; ++bit) {
      if (sources & (1u << bit)) counters_.Add("docs_repaired_from." + std::string(mojibake::SourceName(bit)));
    }
  }
  if (removed > 0) counters_.Add("chars_removed", removed);
  if (normalized != doc.text) {
    counters_.Add("docs_changed");
    doc.text = std::move(normalized);
  }
}

Json NormalizeStage::Stats() const { return counters_.ToJson(); }

void RegisterNormalizeStage(Registry& registry) {
  registry.Add("normalize", [](OptionReader& reader, const StageContext&) {
    const NormalizeOptions options = NormalizeOptions::Parse(reader);
    if (options.fix_mojibake) mojibake::LoadCharsets();
    return std::make_unique<NormalizeStage>(options);
  });
}

}  // namespace textmill
