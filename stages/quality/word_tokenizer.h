// The words and sentences the quality rules count, as datatrove counts them.
//
// datatrove (the implementation FineWeb was made with) splits English with
// spaCy's blank "en" tokenizer (its tokenizer_assignment.csv: eng -> SpaCyTokenizer en)
// and drops tokens that are empty after strip(). Punctuation is a token of its
// own ("Frank," -> "Frank" ","), and the rules count those tokens: Gopher's
// alpha-word ratio divides by all tokens, its n-grams are built over them.
// SpacyLikeWords follows spaCy's English rules for what matters to the rules:
// split at white space; peel prefixes (punctuation, quotes, currency, other
// symbols, "..", "…") and suffixes (the same, "'s", "." after a lower-case
// letter, a digit or two capitals, units after digits); keep abbreviations
// (e.g., Mr.) and URLs whole; split contractions (do n't, I 'm) and infixes
// (letter-letter, letter,letter, letter/letter, digit+digit, lower.Upper, ".."
// inside); keep spaCy's special cases (abbreviations, "a.", "C++", "''",
// common emoticons) and what its URL_MATCH takes for a URL ("site.org/a/b")
// whole; split "7am" as its English exceptions do.
// tests/unit/stages/quality/spacy_cases_test.cc holds spaCy's own cases.
// Not ported: the rest of spaCy's emoticons, contractions written without
// an apostrophe ("dont" -> "do" "nt"), URL_MATCH's IP-address branch, and
// the other languages' own rules (French elisions...): each moves a count by
// a token or so.
//
// Sentences (C4's count) are spaCy's Sentencizer over those tokens: a new
// sentence begins at the first token after a sentence-final character
// (". ! ?" and the other scripts' ones in its punct_chars) that is neither
// punctuation (Unicode P*) nor one.
//
// All functions are pure and thread-safe; views point into the argument.
#pragma once

#include <string_view>
#include <vector>

namespace textmill {

// spaCy-English-like tokens of `text` (see above), none empty or white space.
std::vector<std::string_view> SpacyLikeWords(std::string_view text);

// spaCy Sentencizer's sentence count over `tokens` (0 for none).
int CountSentencizerSentences(const std::vector<std::string_view>& tokens);

// True if every character of `word` is in datatrove's PUNCTUATION_SET
// (utils/text.py: ASCII and CJK punctuation, control characters and the
// terminal punctuation of all scripts). Gopher's "non-symbol words" are the others.
bool IsDatatrovePunctuation(std::string_view word);

// True if `s` ends with a character of datatrove's TERMINAL_PUNCTUATION
// (FineWeb's stop_chars: . ! ? and their equivalents in other scripts; not
// quotes, not "…").
bool EndsWithTerminalPunctuation(std::string_view s);

// Python's str.isspace() for one code point.
bool IsPythonSpace(char32_t c);

}  // namespace textmill
