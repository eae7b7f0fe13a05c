// The published heuristic filters, measured as datatrove implements them
// (huggingface/datatrove src/datatrove/pipeline/filters/, the code FineWeb was
// made with; thresholds from the papers). Each rule below: its definition,
// its source, and the reject reason (datatrove's reason, prefixed with the
// filter family where datatrove's has none). Within a filter the rules are
// checked in the order listed and the first failure is the reason; the stage
// runs the filters in FineWeb's order (datatrove examples/fineweb.py):
// repetition, quality, C4, FineWeb. "len" is a count of code points (Python's
// len), "lines" are Python's str.splitlines() unless said otherwise.
//
// Words: the tokens of datatrove's word tokenizer (spaCy "en" rules, see
// word_tokenizer.h), punctuation tokens included; for languages written
// without spaces (option icu_word_languages) ICU word segments that are not
// white space instead (datatrove uses jieba, SudachiPy, pythainlp... there).
//
// In both Gopher filters a threshold set to 0 switches its rule off, as in
// datatrove (its `if self.threshold and ...`); C4's -1 does the same.
//
// Gopher quality (Rae et al. 2021, "Scaling Language Models", App. A;
// datatrove gopher_quality_filter.py). non-symbol words = words with a
// character outside datatrove's PUNCTUATION_SET.
//   gopher_short_doc / gopher_long_doc: non-symbol words < 50 / > 100,000.
//   gopher_below_avg_threshold / gopher_above_avg_threshold: mean len of the
//     non-symbol words < 3 / > 10.
//   gopher_too_many_hashes: count("#") / words > 0.1 (all words).
//   gopher_too_many_ellipsis: (count("...") + count("…")) / words > 0.1
//     (non-overlapping counts).
//   gopher_too_many_bullets: lines whose lstrip() starts with "•" or "-" /
//     lines > 0.9.
//   gopher_too_many_end_ellipsis: lines whose rstrip() ends with "..." or "…"
//     / lines > 0.3.
//   gopher_below_alpha_threshold: words with an alphabetic character (Unicode
//     L*) / words < 0.8; punctuation tokens count in the denominator, so
//     symbol junk fails.
//   gopher_enough_stop_words: distinct stop words among the words (exact,
//     case-sensitive) < 2; English list: the, be, to, of, and, that, have, with.
// Gopher repetition (same paper, Table A1; datatrove gopher_repetition_filter.py),
// over len(text):
//   gopher_dup_para_frac: paragraphs = re.split("\n{2,}", text.strip());
//     paragraphs equal to an earlier one / paragraphs > 0.3.
//   gopher_dup_para_char_frac: len of those duplicates / len(text) > 0.2.
//   gopher_dup_line_frac, gopher_dup_line_char_frac: the same over
//     re.split("\n+", text) (not stripped: a trailing newline adds an empty
//     line) > 0.3 / > 0.2.
//   gopher_top_{2,3,4}_gram: over the overlapping word n-grams joined by " ",
//     the most frequent one (the first seen among equally frequent ones, as
//     Counter.most_common(1)): len * count / len(text) > 0.20, 0.18, 0.16.
//   gopher_duplicated_{5..10}_n_grams: scanning word n-grams joined without
//     spaces left to right, an n-gram seen before adds its len and the scan
//     jumps n words, else moves one word: total / len(text) > 0.15, 0.14,
//     0.13, 0.12, 0.11, 0.10.
// C4 (Raffel et al. 2020, Sec. 2.2; datatrove c4_filters.py C4QualityFilter,
// after TensorFlow Datasets' c4_utils.py), per stripped line, in this order:
//   a word (line.split()) longer than 1000: line removed;
//   Wikipedia citation marks ("[1]", "[edit]", "[citation needed]") deleted;
//   not ending in . ? ! " ' or ending in "...": line removed (textmill by
//     default also takes a curly ” ’ or » for an end quote, as the paper's
//     "end quotation mark" reads; c4.typographic_end_quotes: false is datatrove's);
//   fewer than 3 words: line removed;
//   c4_lorem_ipsum: "lorem ipsum" in the line: document dropped;
//   "javascript" in the line: line removed;
//   c4_curly_bracket: "{" in the line: document dropped;
//   a policy phrase (terms of use, privacy policy, cookie policy, uses
//     cookies, use of cookies, use cookies): line removed;
//   c4_too_few_sentences: sentences (spaCy Sentencizer, per kept line)
//     summed < 5. The kept lines joined by "\n" are the new text.
// C4 paragraph filter (mC4, Xue et al. 2021; datatrove C4ParagraphFilter,
// after TensorFlow Datasets' c4_utils.py paragraph_filter), off by default:
//   c4_too_few_paragraphs: text.split("\n") has fewer than 3 lines, or the
//     shortest of its 3 longest lines has len < 200 (datatrove's reason is
//     "< 3 paragraphs"). Checked before C4's line filters.
// FineWeb (Penedo et al. 2024, "The FineWeb Datasets"; datatrove
// fineweb_quality_filter.py), over the lines of text.split("\n") that are
// not blank, unstripped:
//   fineweb_empty: no such line.
//   fineweb_line_punct_ratio: lines ending in TERMINAL_PUNCTUATION / lines
//     < 0.12 (quotes and "…" are not terminal there).
//   fineweb_short_line_ratio: lines with len <= 30 / lines > 0.67.
//   fineweb_char_dup_ratio: len of lines equal to an earlier line /
//     len(text without "\n") > 0.01.
//   fineweb_list_ratio: count("\n") / words > 0.3.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace textmill {

// The words of `text`: datatrove's tokens (spaCy-like), or ICU word segments
// that are not white space when `icu` is set.
std::vector<std::string_view> SplitWords(std::string_view text, bool icu = false);

struct GopherQualityValues {
  int64_t n_words = 0;             // all words
  int64_t n_non_symbol_words = 0;  // words not made of punctuation only
  double avg_word_length = 0, hash_ratio = 0, ellipsis_ratio = 0, bullet_lines_ratio = 0,
         end_ellipsis_ratio = 0, alpha_words_ratio = 0;
  int stop_words = -1;  // distinct stop words; -1: no stop list for the language
};
// `words` must be SplitWords(text) (computed once per document by the caller).
using StopWords = std::set<std::string, std::less<>>;
GopherQualityValues MeasureGopherQuality(std::string_view text, const std::vector<std::string_view>& words,
                                         const StopWords* stop_words);

struct GopherRepetitionValues {
  double dup_line_frac = 0, dup_para_frac = 0, dup_line_char_frac = 0, dup_para_char_frac = 0;
  std::map<int, double> top_ngram_char_frac;  // for each n asked
  std::map<int, double> dup_ngram_char_frac;  // for each n asked
};
GopherRepetitionValues MeasureGopherRepetition(std::string_view text, const std::vector<std::string_view>& words,
                                               const std::vector<int>& top_ns = {2, 3, 4},
                                               const std::vector<int>& dup_ns = {5, 6, 7, 8, 9, 10});

struct C4Settings {
  int min_words_per_line = 3;      // -1 (or 0): off
  int max_word_length = 1000;      // -1: off
  bool filter_no_terminal_punct = true;
  bool remove_citations = true;
  bool typographic_end_quotes = false;  // also ” ’ » end a line (the stage turns it on by default)
  bool count_sentences = true;     // off: sentences stays 0 (the rule is skipped)
};
struct C4Values {
  std::string kept_text;  // the kept lines joined by "\n", stripped
  std::string dropped;    // "lorem_ipsum", "curly_bracket" or "" (the first line to say so)
  int lines_total = 0, lines_removed = 0;
  int sentences = 0;      // over the kept lines (if count_sentences)
  int64_t kept_words = 0; // words (SplitWords) of kept_text (if count_sentences)
};
// `words`, if given, must be SpacyLikeWords(text): the tokens of lines that
// citation removal leaves alone are taken from it instead of split again.
C4Values MeasureC4(std::string_view text, const C4Settings& settings,
                   const std::vector<std::string_view>* words = nullptr);

// The mC4 paragraph rule: true if the text passes (see above).
bool PassesC4Paragraphs(std::string_view text, int min_paragraphs, int min_paragraph_length);

struct FineWebValues {
  int lines = 0;  // non-blank lines; 0: fineweb_empty
  double line_punct_ratio = 0, short_line_ratio = 0, char_dup_ratio = 0, list_ratio = 0;
};
FineWebValues MeasureFineWeb(std::string_view text, size_t word_count, int short_line_length);

// Python's str.splitlines() and str.strip() (Unicode white space).
std::vector<std::string_view> SplitLinesPython(std::string_view text);
std::string_view StripPython(std::string_view s);

}  // namespace textmill
