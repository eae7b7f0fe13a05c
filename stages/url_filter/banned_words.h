// BannedWords: RefinedWeb's URL word rules (Penedo et al. 2023, "The
// RefinedWeb Dataset for Falcon LLM", arXiv:2306.01116, Appendix G.1, URL
// filtering), as datatrove's URLFilter implements them
// (src/datatrove/pipeline/filters/url_filter.py):
//   hard words   the URL split on runs of characters other than [A-Za-z0-9]:
//                any token in the list rejects (url_banned_word);
//   soft words   as many distinct tokens in the list as `soft_threshold`
//                (RefinedWeb: 2) reject (url_soft_banned_words);
//   subwords     the URL with every character other than [A-Za-z0-9]
//                removed: any list entry as a substring rejects
//                (url_banned_subword; Aho-Corasick, one pass over the URL).
// List entries are normalised the same way (lower case, non-alphanumerics
// removed). Where textmill differs: the URL is lower-cased before it is split
// (datatrove splits it as it is, so "PORN" in a URL escapes the lower-case
// lists). No words ship with textmill: the lists are the user's files.
//
// Thread safety: Check() is thread-safe after construction.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/util/hash_table64.h"

namespace textmill {

// Multi-pattern substring search over the alphabet [a-z0-9].
class SubwordMatcher {
 public:
  void Add(std::string_view word);  // lower-case [a-z0-9] only
  void Build();                     // after the last Add()
  // Whether any word occurs in `text` (lower-case [a-z0-9] only).
  bool Matches(std::string_view text) const;
  bool empty() const { return words_ == 0; }
  size_t MemoryBytes() const { return next_.capacity() * sizeof(next_[0]) + output_.capacity(); }

 private:
  static constexpr int kAlphabet = 36;
  static int Symbol(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }
  std::vector<std::array<int32_t, kAlphabet>> next_ = {{}};  // trie, then automaton; 0 = root
  std::vector<uint8_t> output_ = {0};                       // a word ends here (or at a suffix link)
  size_t words_ = 0;
};

struct BannedWordLists {
  std::vector<std::string> words, soft_words, subwords;  // files, one word a line
  int soft_threshold = 2;
};

class BannedWords {
 public:
  // Throws ConfigError naming `option` and the path for an unreadable file.
  BannedWords(const BannedWordLists& lists, const std::string& option);

  // The reject reason, or "" when the URL passes.
  std::string_view Check(std::string_view url) const;

  bool empty() const { return hard_.size() + soft_.size() == 0 && subwords_.empty(); }
  int64_t entries() const { return static_cast<int64_t>(hard_.size() + soft_.size()) + subword_count_; }
  int64_t skipped() const { return skipped_; }
  int64_t garbage() const { return garbage_; }
  size_t MemoryBytes() const { return hard_.MemoryBytes() + soft_.MemoryBytes() + subwords_.MemoryBytes(); }

 private:
  void LoadFile(const std::string& path, const std::string& option, const std::function<void(std::string_view)>& add);

  HashTable64 hard_, soft_;
  SubwordMatcher subwords_;
  int soft_threshold_;
  int64_t subword_count_ = 0, skipped_ = 0, garbage_ = 0;
};

// datatrove's normalize(): lower case, every character but [a-z0-9] removed.
std::string NormalizeUrlWord(std::string_view text);

}  // namespace textmill
