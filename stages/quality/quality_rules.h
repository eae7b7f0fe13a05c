// Heuristic quality measures from the published filters, computed exactly as
// datatrove implements them (the reference most corpora use):
//
// Gopher quality (Rae et al. 2021, "Scaling Language Models", App. A):
//   words = ICU word segments that are not white space (punctuation tokens
//   included, as nltk's word_tokenize); non-symbol words = words with a
//   character that is not punctuation.
//   n_words = number of non-symbol words (min 50, max 100,000);
//   avg_word_length = mean length in characters of non-symbol words (3..10);
//   hash_ratio = count("#") / n_words, ellipsis_ratio = (count("...") +
//   count("…")) / n_words (each <= 0.1);
//   bullet_lines_ratio = lines starting with "•" or "-" / lines (<= 0.9);
//   end_ellipsis_ratio = lines ending with "..." or "…" / lines (<= 0.3);
//   alpha_words_ratio = words with an alphabetic character / non-symbol words
//   (>= 0.8; the paper's words are whitespace-delimited, so punctuation
//   tokens do not count against a document);
//   stop_words = words in the language's stop list (>= 2).
// Gopher repetition (same paper, Table A1):
//   dup_line_frac, dup_para_frac: duplicate lines ("\n+" split) / paragraphs
//   ("\n{2,}" split) over their count (<= 0.3); dup_line_char_frac,
//   dup_para_char_frac: characters in duplicates / text length (<= 0.2);
//   top_ngram_char_frac[n] (n = 2, 3, 4): length of the most frequent word
//   n-gram times its count / text length (<= 0.20, 0.18, 0.16);
//   dup_ngram_char_frac[n] (n = 5..10): characters of n-grams already seen,
//   scanning left to right and skipping n words after a repeat / text length
//   (<= 0.15, 0.14, 0.13, 0.12, 0.11, 0.10).
// C4 (Raffel et al. 2020, Sec. 2.2): lines are kept only if they end in
//   terminal punctuation (. ! ? and end quotation marks " ' ” ’ », not "..."), have >= 3 words, do not
//   contain "javascript" and no policy phrase (terms of use, privacy policy,
//   cookie policy, uses cookies, use of cookies, use cookies); documents are
//   dropped for "lorem ipsum", a "{", a word over 1000 characters, or fewer
//   than 5 sentences (ICU sentence breaks) after line removal.
// FineWeb (Penedo et al. 2024): over non-empty lines, line_punct_ratio =
//   lines ending in terminal punctuation / lines (> 0.12); short_line_ratio =
//   lines of <= 30 characters / lines (< 0.67); char_dup_ratio = characters of
//   duplicated lines / characters without newlines (< 0.01); list_ratio =
//   newlines / words (<= 0.3).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace textmill {

// ICU word segments of `text` that are not white space.
std::vector<std::string_view> SplitWords(std::string_view text);
// Number of ICU sentences with a letter or digit.
int CountSentences(std::string_view text);

struct GopherQualityValues {
  int n_words = 0;
  double avg_word_length = 0, hash_ratio = 0, ellipsis_ratio = 0, bullet_lines_ratio = 0,
         end_ellipsis_ratio = 0, alpha_words_ratio = 0;
  int stop_words = -1;  // -1: no stop list for the language
};
// `words` must be SplitWords(text) (computed once per document by the caller).
GopherQualityValues MeasureGopherQuality(std::string_view text, const std::vector<std::string_view>& words,
                                         const std::set<std::string>* stop_words);

struct GopherRepetitionValues {
  double dup_line_frac = 0, dup_para_frac = 0, dup_line_char_frac = 0, dup_para_char_frac = 0;
  std::map<int, double> top_ngram_char_frac;  // n = 2, 3, 4
  std::map<int, double> dup_ngram_char_frac;  // n = 5..10
};
GopherRepetitionValues MeasureGopherRepetition(std::string_view text, const std::vector<std::string_view>& words);

struct C4Values {
  std::string kept_text;  // the text with C4's line filters applied
  int lines_removed = 0, lines_total = 0;
  bool lorem_ipsum = false, curly_bracket = false, long_word = false;
  int sentences = 0;  // in kept_text
};
C4Values MeasureC4(std::string_view text, int min_words_per_line, int max_word_length);

struct FineWebValues {
  double line_punct_ratio = 0, short_line_ratio = 0, char_dup_ratio = 0, list_ratio = 0;
  int lines = 0;
};
FineWebValues MeasureFineWeb(std::string_view text, size_t word_count, int short_line_length);

}  // namespace textmill
