#include "stages/quality/quality_rules.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <xxhash.h>

#include <algorithm>
#include <memory>
#include <unordered_set>

#include "pipeline/util/utf8.h"
#include "stages/quality/ngram_table.h"
#include "stages/quality/word_tokenizer.h"

namespace textmill {
namespace {

int64_t Len(std::string_view s) { return static_cast<int64_t>(CountCodePoints(s)); }

double Ratio(double part, double whole) { return whole > 0 ? part / whole : 0; }

// One break iterator per thread: creating one costs more than segmenting a page.
icu::BreakIterator& WordIterator() {
  thread_local std::unique_ptr<icu::BreakIterator> words;
  if (!words) {
    UErrorCode status = U_ZERO_ERROR;
    words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  }
  return *words;
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

std::string_view LStripPython(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < n) {
    int32_t next = i;
    UChar32 c = 0;
    U8_NEXT(p, next, n, c);
    if (c < 0 || !IsPythonSpace(static_cast<char32_t>(c))) break;
    i = next;
  }
  return s.substr(static_cast<size_t>(i));
}

std::string_view RStripPython(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  auto i = static_cast<int32_t>(s.size());
  while (i > 0) {
    int32_t prev = i;
    UChar32 c = 0;
    U8_PREV(p, 0, prev, c);
    if (c < 0 || !IsPythonSpace(static_cast<char32_t>(c))) break;
    i = prev;
  }
  return s.substr(0, static_cast<size_t>(i));
}

// re.split(r"\n+", text) or, for paragraphs, re.split(r"\n{2,}", text).
std::vector<std::string_view> SplitOnNewlines(std::string_view text, bool paragraphs) {
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

// datatrove's find_duplicates: (elements equal to an earlier one, their len).
std::pair<int64_t, int64_t> FindDuplicates(const std::vector<std::string_view>& items) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(items.size());
  int64_t dups = 0, chars = 0;
  for (const std::string_view item : items) {
    if (!seen.insert(item).second) {
      ++dups;
      chars += Len(item);
    }
  }
  return {dups, chars};
}

int64_t CountNonOverlapping(std::string_view text, std::string_view what) {
  int64_t n = 0;
  for (size_t p = text.find(what); p != std::string_view::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

}  // namespace

std::vector<std::string_view> SplitLinesPython(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0, i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t sep = 0;  // length of a line boundary at i
    if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E)) {
      sep = 1;
    } else if (c == '\r') {
      sep = i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1;
    } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) {
      sep = 2;  // U+0085
    } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      sep = 3;  // U+2028, U+2029
    }
    if (sep == 0) {
      ++i;
      continue;
    }
    lines.push_back(text.substr(start, i - start));
    i += sep;
    start = i;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::string_view StripPython(std::string_view s) { return RStripPython(LStripPython(s)); }

std::vector<std::string_view> SplitWords(std::string_view text, bool icu) {
  if (!icu) return SpacyLikeWords(text);
  std::vector<std::string_view> words;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return words;
  icu::BreakIterator& it = WordIterator();
  it.setText(ut, status);
  int32_t start = it.first();
  for (int32_t end = it.next(); end != icu::BreakIterator::DONE; start = end, end = it.next()) {
    const std::string_view seg = text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
    if (AnyChar(seg, [](UChar32 c) { return !IsPythonSpace(static_cast<char32_t>(c)); })) words.push_back(seg);
  }
  utext_close(ut);
  return words;
}

GopherQualityValues MeasureGopherQuality(std::string_view text, const std::vector<std::string_view>& words,
                                         const StopWords* stop_words) {
  GopherQualityValues v;
  v.n_words = static_cast<int64_t>(words.size());
  int64_t non_symbol_chars = 0, alpha_words = 0;
  std::vector<const std::string*> stops_seen;  // distinct: a handful at most
  size_t longest_stop = 0;
  if (stop_words) {
    for (const std::string& w : *stop_words) longest_stop = std::max(longest_stop, w.size());
  }
  for (const std::string_view w : words) {
    if (!IsDatatrovePunctuation(w)) {
      ++v.n_non_symbol_words;
      non_symbol_chars += Len(w);
    }
    alpha_words += AnyChar(w, [](UChar32 c) { return u_isalpha(c); });
    if (w.size() <= longest_stop) {
      const auto it = stop_words->find(w);
      if (it != stop_words->end() && std::find(stops_seen.begin(), stops_seen.end(), &*it) == stops_seen.end()) {
        stops_seen.push_back(&*it);
      }
    }
  }
  v.avg_word_length = Ratio(static_cast<double>(non_symbol_chars), static_cast<double>(v.n_non_symbol_words));
  const auto n = static_cast<double>(v.n_words);
  v.hash_ratio = Ratio(static_cast<double>(CountNonOverlapping(text, "#")), n);
  v.ellipsis_ratio =
      Ratio(static_cast<double>(CountNonOverlapping(text, "...") + CountNonOverlapping(text, "\u2026")), n);
  const std::vector<std::string_view> lines = SplitLinesPython(text);
  int64_t bullets = 0, end_ellipsis = 0;
  for (const std::string_view line : lines) {
    const std::string_view left = LStripPython(line), right = RStripPython(line);
    bullets += left.starts_with("\u2022") || left.starts_with("-");
    end_ellipsis += right.ends_with("...") || right.ends_with("\u2026");
  }
  v.bullet_lines_ratio = Ratio(static_cast<double>(bullets), static_cast<double>(lines.size()));
  v.end_ellipsis_ratio = Ratio(static_cast<double>(end_ellipsis), static_cast<double>(lines.size()));
  v.alpha_words_ratio = Ratio(static_cast<double>(alpha_words), n);
  if (stop_words) v.stop_words = static_cast<int>(stops_seen.size());
  return v;
}

GopherRepetitionValues MeasureGopherRepetition(std::string_view text, const std::vector<std::string_view>& words,
                                               const std::vector<int>& top_ns, const std::vector<int>& dup_ns) {
  GopherRepetitionValues v;
  const auto length = static_cast<double>(Len(text));
  const std::vector<std::string_view> paragraphs = SplitOnNewlines(StripPython(text), true);
  const auto [para_dups, para_chars] = FindDuplicates(paragraphs);
  v.dup_para_frac = Ratio(static_cast<double>(para_dups), static_cast<double>(paragraphs.size()));
  v.dup_para_char_frac = Ratio(static_cast<double>(para_chars), length);
  const std::vector<std::string_view> lines = SplitOnNewlines(text, false);
  const auto [line_dups, line_chars] = FindDuplicates(lines);
  v.dup_line_frac = Ratio(static_cast<double>(line_dups), static_cast<double>(lines.size()));
  v.dup_line_char_frac = Ratio(static_cast<double>(line_chars), length);

  // Words never hold a space, so " ".join(n-gram) is equal exactly when the
  // word sequence is: key the top n-grams by their words' hashes. The
  // duplicated n-grams are joined without spaces ("ab c" == "a bc"), so
  // those are keyed by the bytes of the words laid end to end.
  std::vector<uint64_t> ids(words.size());
  std::vector<int64_t> lengths(words.size());
  std::string concat;
  std::vector<size_t> offsets(words.size() + 1, 0);
  for (size_t i = 0; i < words.size(); ++i) {
    ids[i] = XXH3_64bits(words[i].data(), words[i].size());
    lengths[i] = Len(words[i]);
    concat.append(words[i]);
    offsets[i + 1] = concat.size();
  }
  // Reused per thread for ordinary documents; a huge one gets its own table,
  // freed with it, so a thread does not keep hundreds of MB after one big page.
  thread_local NgramTable reused;
  NgramTable own;
  NgramTable& table = words.size() <= (size_t{1} << 20) ? reused : own;
  // keys[i]: the key of the n words from i, extended one word per n.
  std::vector<uint64_t> keys(ids);
  size_t keyed = 1;
  std::vector<int> sorted_top(top_ns);
  std::sort(sorted_top.begin(), sorted_top.end());
  for (const int n_int : sorted_top) {
    const auto n = static_cast<size_t>(n_int);
    if (n == 0 || words.size() < n) continue;  // no n-grams: datatrove skips the rule
    for (; keyed < n; ++keyed) {
      for (size_t i = 0; i + keyed < words.size(); ++i) keys[i] = ExtendKey(keys[i], ids[i + keyed]);
    }
    table.Reset(words.size());
    uint64_t best_count = 0, best_first = 0;
    for (size_t i = 0; i + n <= words.size(); ++i) {
      NgramTable::Slot& slot = table.Find(keys[i]);
      if (slot.count == 0) slot.first = i;
      ++slot.count;
      if (slot.count > best_count || (slot.count == best_count && slot.first < best_first)) {
        best_count = slot.count;
        best_first = slot.first;
      }
    }
    int64_t chars = static_cast<int64_t>(n) - 1;  // the joining spaces
    for (size_t k = 0; k < n; ++k) chars += lengths[best_first + k];
    v.top_ngram_char_frac[n_int] = Ratio(static_cast<double>(chars) * static_cast<double>(best_count), length);
  }
  for (const int n_int : dup_ns) {
    const auto n = static_cast<size_t>(n_int);
    table.Reset(words.size());
    int64_t repeated = 0;
    for (size_t i = 0; n > 0 && i + n <= words.size();) {
      NgramTable::Slot& slot = table.Find(XXH3_64bits(concat.data() + offsets[i], offsets[i + n] - offsets[i]));
      if (slot.count++ > 0) {
        for (size_t k = 0; k < n; ++k) repeated += lengths[i + k];
        i += n;
      } else {
        ++i;
      }
    }
    v.dup_ngram_char_frac[n_int] = Ratio(static_cast<double>(repeated), length);
  }
  return v;
}

C4Values MeasureC4(std::string_view text, const C4Settings& s, const std::vector<std::string_view>* words_in) {
  static const std::string_view kPolicy[] = {"terms of use",  "privacy policy", "cookie policy",
                                             "uses cookies",  "use of cookies", "use cookies"};
  C4Values v;
  std::string line, lower;
  size_t cursor = 0;  // into *words_in: the first token not before the current line
  std::vector<std::string_view> tokens;
  for (const std::string_view raw : SplitLinesPython(text)) {
    ++v.lines_total;
    const std::string_view stripped = StripPython(raw);
    // line.split(): Python white space; the longest word in code points.
    int64_t words = 0, longest = 0;
    {
      const auto* p = reinterpret_cast<const uint8_t*>(stripped.data());
      const auto n = static_cast<int32_t>(stripped.size());
      int64_t current = 0;
      for (int32_t i = 0; i < n;) {
        UChar32 c = 0;
        U8_NEXT(p, i, n, c);
        if (c >= 0 && IsPythonSpace(static_cast<char32_t>(c))) {
          current = 0;
        } else {
          words += current == 0;
          longest = std::max(longest, ++current);
        }
      }
    }
    ++v.lines_removed;  // undone below if the line is kept
    if (s.max_word_length != -1 && longest > s.max_word_length) continue;
    line.assign(stripped);
    bool edited = false;
    if (s.remove_citations && line.find('[') != std::string::npos) {
      // CITATION_REGEX = r"\[\d*]|\[edit]|\[citation needed]"
      std::string out;
      for (size_t i = 0; i < line.size();) {
        size_t end = std::string::npos;
        if (line[i] == '[') {
          size_t j = i + 1;
          while (j < line.size() && line[j] >= '0' && line[j] <= '9') ++j;
          if (j < line.size() && line[j] == ']') end = j + 1;
          for (const std::string_view mark : {"[edit]", "[citation needed]"}) {
            if (end == std::string::npos && std::string_view(line).substr(i).starts_with(mark)) end = i + mark.size();
          }
        }
        if (end != std::string::npos) {
          i = end;
        } else {
          out.push_back(line[i++]);
        }
      }
      edited = out.size() != line.size();
      line.swap(out);
    }
    if (s.filter_no_terminal_punct) {
      bool ends = line.ends_with('.') || line.ends_with('?') || line.ends_with('!') || line.ends_with('"') ||
                  line.ends_with('\'');
      ends = ends || (s.typographic_end_quotes &&
                      (line.ends_with("\u201D") || line.ends_with("\u2019") || line.ends_with("\u00BB")));
      if (!ends || line.ends_with("...")) continue;
    }
    if (words < s.min_words_per_line) continue;
    lower = line;  // the phrases are ASCII: ASCII lower-casing finds what Python's lower() finds
    for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower.find("lorem ipsum") != std::string::npos && v.dropped.empty()) v.dropped = "lorem_ipsum";
    if (lower.find("javascript") != std::string::npos) continue;
    if (line.find('{') != std::string::npos && v.dropped.empty()) v.dropped = "curly_bracket";
    bool policy = false;
    for (const std::string_view phrase : kPolicy) policy = policy || lower.find(phrase) != std::string::npos;
    if (policy) continue;
    --v.lines_removed;
    if (s.count_sentences) {
      // Tokens never span white space, so the kept lines' tokens are
      // kept_text's, and those of an unedited line are the text's own.
      tokens.clear();
      if (words_in && !edited) {
        const std::vector<std::string_view>& w = *words_in;
        while (cursor < w.size() && w[cursor].data() < stripped.data()) ++cursor;
        while (cursor < w.size() && w[cursor].data() < stripped.data() + stripped.size()) tokens.push_back(w[cursor++]);
      } else {
        tokens = SpacyLikeWords(line);
      }
      v.kept_words += static_cast<int64_t>(tokens.size());
      v.sentences += std::max(1, CountSentencizerSentences(tokens));
    }
    if (!v.kept_text.empty()) v.kept_text.push_back('\n');
    v.kept_text.append(line);
  }
  v.kept_text = std::string(StripPython(v.kept_text));
  return v;
}

bool PassesC4Paragraphs(std::string_view text, int min_paragraphs, int min_paragraph_length) {
  std::vector<int64_t> lengths;
  size_t pos = 0;
  while (true) {
    const size_t nl = text.find('\n', pos);
    lengths.push_back(Len(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos)));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  const auto n = static_cast<size_t>(std::max(min_paragraphs, 0));
  if (lengths.size() < n) return false;
  if (n == 0) return true;
  std::nth_element(lengths.begin(), lengths.begin() + static_cast<std::ptrdiff_t>(n - 1), lengths.end(),
                   std::greater<>());
  return lengths[n - 1] >= min_paragraph_length;
}

FineWebValues MeasureFineWeb(std::string_view text, size_t word_count, int short_line_length) {
  FineWebValues v;
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (true) {  // text.split("\n"), blank lines dropped
    const size_t nl = text.find('\n', pos);
    const std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!StripPython(line).empty()) lines.push_back(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  v.lines = static_cast<int>(lines.size());
  if (lines.empty()) return v;
  int64_t punct = 0, short_lines = 0;
  for (const std::string_view line : lines) {
    punct += EndsWithTerminalPunctuation(line);
    short_lines += Len(line) <= short_line_length;
  }
  const auto n = static_cast<double>(lines.size());
  v.line_punct_ratio = static_cast<double>(punct) / n;
  v.short_line_ratio = static_cast<double>(short_lines) / n;
  const auto newlines = static_cast<int64_t>(std::count(text.begin(), text.end(), '\n'));
  v.char_dup_ratio =
      Ratio(static_cast<double>(FindDuplicates(lines).second), static_cast<double>(Len(text) - newlines));
  v.list_ratio = Ratio(static_cast<double>(newlines), static_cast<double>(word_count));
  return v;
}

}  // namespace textmill
