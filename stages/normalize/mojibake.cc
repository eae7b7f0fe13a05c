#include "stages/normalize/mojibake.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstring>
#include <optional>
#include <vector>

#include "pipeline/util/utf8.h"
#include "stages/normalize/mojibake_badness.h"
#include "stages/normalize/mojibake_charsets.h"

namespace textmill::mojibake {
namespace {

// Mojibake of mojibake of mojibake is seen in the wild ("ÃƒÂ©"); more
// rounds than this only happen on adversarial input, and the bound keeps the
// repair linear.
constexpr int kMaxRounds = 6;
// ftfy's max_decode_length: longer lines are repaired in pieces, so memory
// stays bounded by the piece (code points take 4 bytes each while repairing).
constexpr size_t kMaxPiece = 1 << 20;

// Position of the first byte >= 0x80 at or after `from`, or npos; 8 bytes at a time.
size_t FindNonAscii(std::string_view s, size_t from) {
  size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ULL) break;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<uint8_t>(s[i]) >= 0x80) return i;
  }
  return std::string_view::npos;
}

bool HasNonAscii(std::string_view s) { return FindNonAscii(s, 0) != std::string_view::npos; }


bool AllAscii(std::u32string_view s) {
  for (const char32_t c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::u32string ToCodePoints(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  const auto* b = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < n) {
    UChar32 c = 0;
    U8_NEXT(b, i, n, c);
    out += static_cast<char32_t>(c < 0 ? 0xFFFD : c);
  }
  return out;
}

void AppendCodePoints(std::u32string_view s, std::string& out) {
  for (const char32_t c : s) AppendUtf8(c, out);
}

std::u32string Fix(std::u32string text, int depth, RepairStats* stats);

// Step 2: the whole text re-decoded from one charset.
std::optional<std::u32string> Redecode(std::u32string_view text, RepairStats* stats,
                                      uint16_t allowed = (1u << kCharsetCount) - 1) {
  uint16_t possible = allowed;
  for (const char32_t c : text) {
    possible &= EncodableIn(c);
    if (possible == 0) return std::nullopt;
  }
  for (int k = 0; k < kCharsetCount; ++k) {
    if (!(possible & (1u << k))) continue;
    const auto charset = static_cast<Charset>(k);
    std::optional<std::string> bytes = Encode(text, charset);
    if (!bytes) continue;
    // MacRoman's 0xA0 is "†", not a space look-alike: nothing to restore.
    if (charset != Charset::kMacRoman) RestoreByteA0(*bytes);
    if (IsSloppy(charset)) ReplaceLossySequences(*bytes);
    std::optional<std::u32string> decoded = DecodeUtf8Variants(*bytes);
    if (decoded && *decoded != text) {
      if (stats) stats->sources |= 1u << k;
      return decoded;
    }
  }
  return std::nullopt;
}

// A repaired run stands among correct text, so it must decode to what text is
// made of: not IPA, spacing modifiers or a combining mark (0x250-0x36F), not
// Syriac/Thaana/NKo (0x700-0x7FF), not C1 controls. Without this, correct
// "Ü°" would become Syriac "ܰ" (DC B0).
bool Plausible(std::u32string_view s) {
  for (const char32_t c : s) {
    if ((c >= 0x80 && c <= 0x9F) || (c >= 0x250 && c <= 0x36F) || (c >= 0x700 && c <= 0x7FF)) return false;
  }
  return true;
}

// Step 3: runs of characters that look like UTF-8 lead and continuation
// bytes, inside text that is otherwise not mojibake. A run right after a
// strict continuation look-alike is skipped: it is the middle of a garble
// that step 2 could not decode, and fixing bits of it makes it worse.
//
// Runs that are bad are repaired. Once one is, the line is known to hold
// mojibake from that charset, and the runs that are not bad on their own
// ("ÅŸ" for "ş" next to a repaired "Ä±" for "ı": a 2-letter run has no
// unlikely neighbours) are repaired too, when the same charset turns them
// into letters. dev.tsv: completes tr-sent-0021, no other change.
std::optional<std::u32string> RepairRuns(const std::u32string& text, int depth, RepairStats* stats) {
  const size_t n = text.size();
  auto sequence_end = [&](size_t j) -> size_t {  // end of one UTF-8-like sequence at j, or j
    const uint8_t role = Utf8RoleOf(text[j]);
    for (const auto& [bit, len] : {std::pair{kLead2, 2}, std::pair{kLead3, 3}, std::pair{kLead4, 4}}) {
      if (!(role & bit) || j + static_cast<size_t>(len) > n) continue;
      bool ok = true;
      for (size_t m = 1; m < static_cast<size_t>(len) && ok; ++m) ok = Utf8RoleOf(text[j + m]) & kContinuation;
      if (ok) return j + static_cast<size_t>(len);
    }
    return j;
  };
  struct Run {
    size_t start, end;
    std::u32string fixed;  // empty: unchanged
  };
  std::vector<Run> runs;
  RepairStats found;
  size_t i = 0;
  while (i < n) {
    if (i > 0 && (Utf8RoleOf(text[i - 1]) & kContinuationStrict)) {
      ++i;
      continue;
    }
    size_t end = i;
    for (size_t next = sequence_end(end); next > end; next = sequence_end(end)) end = next;
    if (end == i) {
      ++i;
      continue;
    }
    const std::u32string_view run(text.data() + i, end - i);
    Run r{i, end, {}};
    if (run.size() < n && IsBad(run)) {
      std::u32string fixed = Fix(std::u32string(run), depth + 1, &found);
      if (fixed != run && Plausible(fixed)) r.fixed = std::move(fixed);
    }
    runs.push_back(std::move(r));
    i = end;
  }
  auto charsets = static_cast<uint16_t>(found.sources & ((1u << kCharsetCount) - 1));
  // windows-1252 is Latin-1 but for 0x80-0x9F: runs fixed by Latin-1 say as much about it.
  if (charsets & (1u << static_cast<int>(Charset::kLatin1))) charsets |= 1u << static_cast<int>(Charset::kWindows1252);
  bool changed = false;
  for (const Run& r : runs) changed = changed || !r.fixed.empty();
  if (!changed) return std::nullopt;
  for (Run& r : runs) {
    if (!r.fixed.empty() || charsets == 0) continue;
    const std::u32string_view run(text.data() + r.start, r.end - r.start);
    std::optional<std::u32string> fixed = Redecode(run, nullptr, charsets);
    if (!fixed || !Plausible(*fixed)) continue;
    bool letters = true;
    for (const char32_t c : *fixed) letters = letters && u_isalpha(static_cast<UChar32>(c));
    if (letters) r.fixed = std::move(*fixed);
  }
  if (stats) stats->sources |= found.sources;
  std::u32string out;
  size_t copied = 0;
  for (const Run& r : runs) {
    if (r.fixed.empty()) continue;
    out.append(text, copied, r.start - copied);
    out += r.fixed;
    copied = r.end;
  }
  out.append(text, copied, std::u32string::npos);
  return out;
}

// Step 4: C1 controls that windows-1252 defines, as those characters.
std::optional<std::u32string> RepairC1(std::u32string text, RepairStats* stats) {
  bool changed = false;
  for (char32_t& c : text) {
    if (c < 0x80 || c > 0x9F) continue;
    const char32_t w = Decode(static_cast<uint8_t>(c), Charset::kWindows1252);
    if (w != c) c = w, changed = true;
  }
  if (!changed) return std::nullopt;
  if (stats) stats->sources |= 1u << kC1SourceBit;
  return text;
}

std::optional<std::u32string> OneStep(const std::u32string& text, int depth, RepairStats* stats) {
  if (AllAscii(text) || !IsBad(text)) return std::nullopt;
  if (auto fixed = Redecode(text, stats)) return fixed;
  if (depth < 2) {
    if (auto fixed = RepairRuns(text, depth, stats)) return fixed;
  }
  return RepairC1(text, stats);
}

std::u32string Fix(std::u32string text, int depth, RepairStats* stats) {
  for (int round = 0; round < kMaxRounds; ++round) {
    std::optional<std::u32string> fixed = OneStep(text, depth, stats);
    if (!fixed) break;
    if (stats && depth == 0) ++stats->repairs;
    text = std::move(*fixed);
  }
  return text;
}

// End of the next piece of `line` starting at `start`: the whole rest, or
// about kMaxPiece bytes cut after a space (else at a character boundary).
size_t PieceEnd(std::string_view line, size_t start) {
  if (line.size() - start <= kMaxPiece) return line.size();
  size_t end = start + kMaxPiece;
  // Only the second half of the piece is searched: a search back to the start
  // of the line would make a line without spaces quadratic.
  const size_t space = line.substr(start + kMaxPiece / 2, kMaxPiece / 2).rfind(' ');
  if (space != std::string_view::npos) return start + kMaxPiece / 2 + space + 1;
  while (end > start && (static_cast<uint8_t>(line[end]) & 0xC0) == 0x80) --end;
  return end > start ? end : start + kMaxPiece;
}

// The line's ASCII white space as normalization leaves it in the end (tabs as
// spaces, one space in a row, none at the ends), into `out`; false if the line
// is already so. Repairs decide on the line as it will be: a space is a
// continuation look-alike (0xA0 turned into a space), so two spaces or a tab
// would otherwise change the decision from one normalization to the next.
bool TidySpaces(std::string_view line, std::string& out) {
  auto blank = [](char ch) { return ch == ' ' || ch == '\t'; };
  if (line.empty()) return false;
  bool tidy = !blank(line.front()) && !blank(line.back());
  for (size_t i = 1; i < line.size() && tidy; ++i) tidy = line[i] != '\t' && !(line[i] == ' ' && line[i - 1] == ' ');
  if (tidy) return false;
  out.clear();
  bool pending = false;
  for (const char ch : line) {
    if (blank(ch)) {
      pending = !out.empty();
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += ch;
  }
  return true;
}

// RepairText and NeedsRepair: with dry_run, `text` is only read and the
// answer is whether some line would change. Lines end at \n, \r, \v or \f
// (all become \n later).
bool Repair(std::string_view text, RepairStats* stats, bool dry_run, std::string* result) {
  std::string out, tidy, line_out;
  size_t copied = 0;
  bool changed = false;
  // Only lines with a non-ASCII byte are looked at: jump from one to the next
  // (memchr for \n; \r, \v and \f are looked for in those lines only).
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t first = FindNonAscii(text, pos);
    if (first == std::string_view::npos) break;
    size_t line_start = pos;
    if (const size_t nl = text.substr(pos, first - pos).rfind('\n'); nl != std::string_view::npos) line_start = pos + nl + 1;
    const size_t nl = text.find('\n', first);
    size_t line_end = nl == std::string_view::npos ? text.size() : nl;
    // \r, \v, \f end a line too: the sub-line around `first`.
    for (const char end_char : {'\r', '\v', '\f'}) {
      const std::string_view before = text.substr(line_start, first - line_start);
      if (const size_t k = before.rfind(end_char); k != std::string_view::npos) line_start += k + 1;
      if (const size_t k = text.substr(first, line_end - first).find(end_char); k != std::string_view::npos) {
        line_end = first + k;
      }
    }
    std::string_view line = text.substr(line_start, line_end - line_start);
    pos = line_end + 1;
    // Most lines are not bad and have no "Ã"/"Â" (whose badness rules are the
    // only ones that see how white space is spaced): those are done here.
    bool bad = false, spacing_matters = false;
    for (size_t p = 0; p < line.size() && !bad;) {
      const size_t q = PieceEnd(line, p);
      bad = IsBadUtf8(line.substr(p, q - p), &spacing_matters);
      p = q;
    }
    if (!bad && !spacing_matters) continue;
    if (TidySpaces(line, tidy)) line = tidy;
    bool line_changed = false;
    size_t line_copied = 0;
    for (size_t p = 0; p < line.size();) {
      const size_t q = PieceEnd(line, p);
      const std::string_view piece = line.substr(p, q - p);
      if (HasNonAscii(piece) && IsBadUtf8(piece)) {
        const std::u32string before = ToCodePoints(piece);
        const std::u32string after = Fix(before, 0, stats);
        if (after == before && stats) ++stats->unrepaired;
        if (after != before) {
          if (dry_run) return true;
          if (!line_changed) line_out.clear();
          line_out.append(line.substr(line_copied, p - line_copied));
          AppendCodePoints(after, line_out);
          line_copied = q;
          line_changed = true;
        }
      }
      p = q;
    }
    if (line_changed) {
      line_out.append(line.substr(line_copied));
      if (out.empty()) out.reserve(text.size());
      out.append(text.substr(copied, line_start - copied));
      out += line_out;
      copied = line_end;
      changed = true;
    }
  }
  if (!changed) return false;
  out.append(text.substr(copied));
  result->swap(out);
  return true;
}

bool Repair(std::string& text, RepairStats* stats, bool dry_run) { return Repair(text, stats, dry_run, &text); }

}  // namespace

std::string_view SourceName(int bit) {
  return bit == kC1SourceBit ? "c1-controls" : CharsetName(static_cast<Charset>(bit));
}

std::u32string RepairLine(std::u32string text, RepairStats* stats) { return Fix(std::move(text), 0, stats); }

bool RepairText(std::string& text, RepairStats* stats) { return Repair(text, stats, /*dry_run=*/false); }

bool NeedsRepair(std::string_view text) {
  std::string unused;
  return Repair(text, nullptr, /*dry_run=*/true, &unused);
}

}  // namespace textmill::mojibake
