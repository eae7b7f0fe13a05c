#include "stages/quality/quality_rules.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <xxhash.h>

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "pipeline/util/utf8.h"

namespace textmill {
namespace {

int64_t CodePointCount(std::string_view s) { return static_cast<int64_t>(CountCodePoints(s)); }

// One break iterator per thread: creating one costs more than segmenting a page.
icu::BreakIterator& Iterator(bool sentences) {
  thread_local std::unique_ptr<icu::BreakIterator> words, sentence;
  auto& slot = sentences ? sentence : words;
  if (!slot) {
    UErrorCode status = U_ZERO_ERROR;
    slot.reset(sentences ? icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status)
                         : icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  }
  return *slot;
}

template <typename Fn>
void ForEachSegment(std::string_view text, bool sentences, Fn fn) {
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return;
  icu::BreakIterator& it = Iterator(sentences);
  it.setText(ut, status);
  int32_t start = it.first();
  for (int32_t end = it.next(); end != icu::BreakIterator::DONE; start = end, end = it.next()) {
    fn(text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
  }
  utext_close(ut);
}

template <typename Pred>
bool AnyChar(std::string_view s, Pred pred) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c = 0;
    U8_NEXT(p, i, n, c);
    if (c >= 0 && pred(c)) return true;
  }
  return false;
}

bool IsSymbolChar(UChar32 c) {
  const int8_t type = u_charType(c);
  return u_ispunct(c) || type == U_MATH_SYMBOL || type == U_CURRENCY_SYMBOL || type == U_MODIFIER_SYMBOL ||
         type == U_OTHER_SYMBOL;
}

std::vector<std::string_view> SplitOn(std::string_view text, bool paragraphs) {
  // lines: re.split(r"\n+"); paragraphs: re.split(r"\n{2,}") of the stripped text.
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    const size_t nl = text.find(paragraphs ? "\n\n" : "\n", pos);
    if (nl == std::string_view::npos) {
      parts.push_back(text.substr(pos));
      break;
    }
    parts.push_back(text.substr(pos, nl - pos));
    pos = nl;
    while (pos < text.size() && text[pos] == '\n') ++pos;
  }
  return parts;
}

// datatrove's find_duplicates: (duplicate elements, characters in them).
std::pair<int, int64_t> FindDuplicates(const std::vector<std::string_view>& items) {
  std::unordered_set<std::string_view> seen;
  int dups = 0;
  int64_t chars = 0;
  for (const std::string_view item : items) {
    if (!seen.insert(item).second) {
      ++dups;
      chars += CodePointCount(item);
    }
  }
  return {dups, chars};
}

std::string_view Strip(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool EndsWithAny(std::string_view s, std::initializer_list<std::string_view> ends) {
  for (const std::string_view e : ends) {
    if (s.ends_with(e)) return true;
  }
  return false;
}


// Counts per 64-bit n-gram key in an open-addressing table: one allocation
// per document instead of a heap node per distinct n-gram (the node-based
// std::unordered_map was most of this stage's time). Reused across n.
class NgramTable {
 public:
  // Empties the table and sizes it for `keys` insertions.
  void Reset(size_t keys) {
    size_t capacity = 16;
    while (capacity < keys * 2) capacity *= 2;
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
  }
  struct Slot {
    uint64_t key = 0;
    int64_t count = 0;  // 0: empty
    int64_t chars = 0;
  };
  // The slot of `key`, created with count 0 if new.
  Slot& Find(uint64_t key) {
    size_t i = static_cast<size_t>(key * 0x9E3779B97F4A7C15ull >> 20) & mask_;
    while (slots_[i].count != 0 && slots_[i].key != key) i = (i + 1) & mask_;
    slots_[i].key = key;
    return slots_[i];
  }

 private:
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};
}  // namespace

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> words;
  ForEachSegment(text, false, [&](std::string_view seg) {
    if (AnyChar(seg, [](UChar32 c) { return !u_isUWhiteSpace(c); })) words.push_back(seg);
  });
  return words;
}

int CountSentences(std::string_view text) {
  int n = 0;
  ForEachSegment(text, true, [&](std::string_view seg) {
    n += AnyChar(seg, [](UChar32 c) { return u_isalnum(c); });
  });
  return n;
}

GopherQualityValues MeasureGopherQuality(std::string_view text, const std::vector<std::string_view>& words,
                                         const std::set<std::string>* stop_words) {
  GopherQualityValues v;
  int64_t non_symbol_chars = 0, alpha_words = 0, stop = 0;
  for (const std::string_view w : words) {
    if (AnyChar(w, [](UChar32 c) { return !IsSymbolChar(c); })) {
      ++v.n_words;
      non_symbol_chars += CodePointCount(w);
    }
    alpha_words += AnyChar(w, [](UChar32 c) { return u_isalpha(c); });
    if (stop_words && stop_words->count(std::string(w))) ++stop;
  }
  const double n = std::max(v.n_words, 1);
  v.avg_word_length = v.n_words ? static_cast<double>(non_symbol_chars) / v.n_words : 0;
  int64_t hashes = 0, ellipses = 0;
  for (size_t p = text.find('#'); p != std::string_view::npos; p = text.find('#', p + 1)) ++hashes;
  for (size_t p = text.find("..."); p != std::string_view::npos; p = text.find("...", p + 3)) ++ellipses;
  for (size_t p = text.find("\u2026"); p != std::string_view::npos; p = text.find("\u2026", p + 3)) ++ellipses;
  v.hash_ratio = static_cast<double>(hashes) / n;
  v.ellipsis_ratio = static_cast<double>(ellipses) / n;
  const std::vector<std::string_view> lines = SplitOn(text, false);
  int bullets = 0, end_ellipsis = 0;
  for (std::string_view line : lines) {
    const std::string_view s = Strip(line);
    bullets += s.starts_with("\u2022") || s.starts_with("-");
    end_ellipsis += s.ends_with("...") || s.ends_with("\u2026");
  }
  const double line_count = std::max<size_t>(lines.size(), 1);
  v.bullet_lines_ratio = bullets / line_count;
  v.end_ellipsis_ratio = end_ellipsis / line_count;
  // Over non-symbol words: the paper's words are whitespace-delimited, so a
  // comma belongs to its word and is no word of its own.
  v.alpha_words_ratio = v.n_words ? static_cast<double>(alpha_words) / v.n_words : 0;
  if (stop_words) v.stop_words = static_cast<int>(stop);
  return v;
}

GopherRepetitionValues MeasureGopherRepetition(std::string_view text, const std::vector<std::string_view>& words) {
  GopherRepetitionValues v;
  const double length = std::max<int64_t>(CodePointCount(text), 1);
  const std::vector<std::string_view> paragraphs = SplitOn(Strip(text), true);
  const auto [para_dups, para_chars] = FindDuplicates(paragraphs);
  v.dup_para_frac = static_cast<double>(para_dups) / std::max<size_t>(paragraphs.size(), 1);
  v.dup_para_char_frac = static_cast<double>(para_chars) / length;
  const std::vector<std::string_view> lines = SplitOn(text, false);
  const auto [line_dups, line_chars] = FindDuplicates(lines);
  v.dup_line_frac = static_cast<double>(line_dups) / std::max<size_t>(lines.size(), 1);
  v.dup_line_char_frac = static_cast<double>(line_chars) / length;

  std::vector<uint64_t> ids(words.size());
  std::vector<int64_t> lengths(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    ids[i] = XXH3_64bits(words[i].data(), words[i].size());
    lengths[i] = CodePointCount(words[i]);
  }
  auto ngram_key = [&](size_t i, int n) { return XXH3_64bits(ids.data() + i, static_cast<size_t>(n) * 8); };
  // Reused per thread for ordinary documents; a huge one gets its own table,
  // freed with it, so a thread does not keep hundreds of MB after one big page.
  thread_local NgramTable reused;
  NgramTable own;
  NgramTable& table = words.size() <= (size_t{1} << 20) ? reused : own;
  for (const int n : {2, 3, 4}) {
    table.Reset(words.size());  // key -> (count, chars of " ".join)
    int64_t best = 0;
    for (size_t i = 0; i + static_cast<size_t>(n) <= words.size(); ++i) {
      NgramTable::Slot& slot = table.Find(ngram_key(i, n));
      if (slot.count == 0) {
        for (int k = 0; k < n; ++k) slot.chars += lengths[i + static_cast<size_t>(k)];
        slot.chars += n - 1;  // the joining spaces
      }
      ++slot.count;
      best = std::max(best, slot.count * slot.chars);
    }
    v.top_ngram_char_frac[n] = static_cast<double>(best) / length;
  }
  for (int n = 5; n <= 10; ++n) {
    table.Reset(words.size());
    int64_t repeated = 0;
    size_t i = 0;
    while (words.size() >= static_cast<size_t>(n) && i + static_cast<size_t>(n) <= words.size()) {
      NgramTable::Slot& slot = table.Find(ngram_key(i, n));
      if (slot.count++ > 0) {
        for (int k = 0; k < n; ++k) repeated += lengths[i + static_cast<size_t>(k)];  // "".join: no spaces
        i += static_cast<size_t>(n);
      } else {
        ++i;
      }
    }
    v.dup_ngram_char_frac[n] = static_cast<double>(repeated) / length;
  }
  return v;
}

C4Values MeasureC4(std::string_view text, int min_words_per_line, int max_word_length) {
  C4Values v;
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  v.lorem_ipsum = lower.find("lorem ipsum") != std::string::npos;
  v.curly_bracket = text.find('{') != std::string_view::npos;
  static const std::string_view kPolicy[] = {"terms of use", "privacy policy", "cookie policy",
                                             "uses cookies", "use of cookies", "use cookies"};
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = Strip(text.substr(pos, end - pos));
    const std::string_view line_lower = Strip(std::string_view(lower).substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) {
      if (end == text.size()) break;
      continue;
    }
    ++v.lines_total;
    int words = 0;
    size_t w = 0;
    while (w < line.size()) {
      const size_t b = line.find_first_not_of(" \t", w);
      if (b == std::string_view::npos) break;
      size_t e = line.find_first_of(" \t", b);
      if (e == std::string_view::npos) e = line.size();
      ++words;
      if (CodePointCount(line.substr(b, e - b)) > max_word_length) v.long_word = true;
      w = e;
    }
    // The paper's "end quotation mark" includes the typographic ones.
    bool keep = EndsWithAny(line, {".", "?", "!", "\"", "'", "\u201D", "\u2019", "\u00BB"}) && !line.ends_with("...");
    keep = keep && words >= min_words_per_line && line_lower.find("javascript") == std::string_view::npos;
    for (const std::string_view p : kPolicy) keep = keep && line_lower.find(p) == std::string_view::npos;
    if (!keep) {
      ++v.lines_removed;
    } else {
      if (!v.kept_text.empty()) v.kept_text.push_back('\n');
      v.kept_text.append(line);
    }
    if (end == text.size()) break;
  }
  v.sentences = CountSentences(v.kept_text);
  return v;
}

FineWebValues MeasureFineWeb(std::string_view text, size_t word_count, int short_line_length) {
  FineWebValues v;
  std::vector<std::string_view> lines;
  for (const std::string_view line : SplitOn(text, false)) {
    if (!Strip(line).empty()) lines.push_back(line);
  }
  v.lines = static_cast<int>(lines.size());
  if (lines.empty()) return v;
  int punct = 0, short_lines = 0;
  for (const std::string_view line : lines) {
    punct += EndsWithAny(line, {".", "!", "?", "\"", "'", "\u2026", "\u3002", "\uFF01", "\uFF1F", "\u201D",
                                "\u2019", "\u061F", "\u06D4", "\u0964"});
    short_lines += CodePointCount(line) <= short_line_length;
  }
  const double n = static_cast<double>(lines.size());
  v.line_punct_ratio = punct / n;
  v.short_line_ratio = short_lines / n;
  const auto [dups, dup_chars] = FindDuplicates(lines);
  (void)dups;
  const int64_t chars_without_newlines =
      CodePointCount(text) - static_cast<int64_t>(std::count(text.begin(), text.end(), '\n'));
  v.char_dup_ratio = static_cast<double>(dup_chars) / static_cast<double>(std::max<int64_t>(chars_without_newlines, 1));
  v.list_ratio = static_cast<double>(std::count(text.begin(), text.end(), '\n')) /
                 static_cast<double>(std::max<size_t>(word_count, 1));
  return v;
}

}  // namespace textmill
