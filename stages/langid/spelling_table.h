// SpellingTable: one Hunspell dictionary's answers for a fixed list of common
// words, written once by `textmill spelling-tables` (scripts/setup.sh) so a
// process can answer those words without loading the dictionary (0.12-0.13 s
// each for cs_CZ, sk_SK or gl_ES, paid again by every task of a phased
// run). The answers are Hunspell's own, so using them changes nothing; words
// the table lacks are still asked of the dictionary.
//
// File: "textmill spelling table 1", the dictionary's fingerprint (hex), then
// "word<TAB>1|0" lines sorted by their bytes. A table whose fingerprint is not
// the dictionary's (an updated hunspell-* package or library) is not used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace textmill {

class SpellingTable {
 public:
  // The table at `path` if it is well formed and made from the dictionary
  // whose fingerprint is `fingerprint`; nullopt otherwise (`why` says which).
  static std::optional<SpellingTable> Open(const std::string& path, uint64_t fingerprint, std::string* why = nullptr);

  // Hunspell's answer for `word`, if the table has the word.
  std::optional<bool> Answer(std::string_view word) const;
  size_t size() const { return lines_.size(); }
  // The i-th word (in byte order) and its answer.
  std::pair<std::string_view, bool> At(size_t i) const {
    const std::string_view word = WordAt(i);
    return {word, text_[lines_[i] + word.size() + 1] == '1'};
  }

  // Writes `answers` (sorted here) as the table of the dictionary with
  // `fingerprint`, atomically (a temporary file renamed into place).
  static void Write(const std::string& path, uint64_t fingerprint, std::vector<std::pair<std::string, bool>> answers);

 private:
  std::string text_;             // the whole file
  std::vector<uint32_t> lines_;  // offset of each word line, in sorted order
  std::string_view WordAt(size_t i) const;
};

// What a table's answers come from, hashed: the dictionary's .aff and .dic
// bytes, the Hunspell library's bytes, ICU's version and
// kSpellingAnswersVersion. `base` is the path without .aff/.dic. 0 if either
// file cannot be read.
uint64_t DictionaryFingerprint(const std::string& base);

// How WordLists asks a dictionary (word_lists.cc, LookUp and Words): bump it
// when that changes, so tables made the old way are no longer used.
constexpr uint64_t kSpellingAnswersVersion = 1;

}  // namespace textmill
