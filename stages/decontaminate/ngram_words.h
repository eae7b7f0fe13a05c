// Normalised words and word n-grams for decontamination, the same for
// benchmark texts and documents.
//
// A word is a maximal run of letters, digits and combining marks (ICU
// u_isalnum and marks); everything else (spaces, punctuation, symbols)
// separates words, and words are case-folded (ICU u_foldCase): GPT-3's
// "lower-cased, punctuation removed, split on whitespace" (Brown et al. 2020,
// Appendix C), except that punctuation inside a word splits it ("don't" is
// "don" "t" on both sides, so overlaps are still found). Scripts written
// without spaces give one word per run of text.
//
// An n-gram's key is the 64-bit XXH3 of its n words' 64-bit hashes.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace textmill {

struct WordSpan {
  size_t begin, end;  // byte offsets in the text
  uint64_t hash;      // of the case-folded word
};

// Appends the words of `text` to `words` (cleared first).
void SplitNormalizedWords(std::string_view text, std::vector<WordSpan>& words);

// Key of the n-gram starting at `first` (n words must follow).
uint64_t NgramKey(const WordSpan* first, int n);

}  // namespace textmill
