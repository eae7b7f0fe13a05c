// BoilerplatePhrases: the multilingual list of known boilerplate lines
// (configs/boilerplate_phrases.txt), compiled once into one RE2::Set so a line
// is tested against every pattern in a single linear-time pass.
//
// Immutable after construction; Matches() is safe from many threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

namespace textmill {

class BoilerplatePhrases {
 public:
  // Throws ConfigError if the file cannot be read or a pattern does not compile
  // (naming the file and line).
  explicit BoilerplatePhrases(const std::string& path);

  enum class Match { kNone, kBoilerplate, kSectionEnd };

  // Whether the whole (trimmed, list marker "- " left aside) line is boilerplate, and whether it is one that
  // starts the part of a page after the article (patterns marked "@end" in the
  // file: "Leave a Reply", "12 Comments"). Long lines never match: a phrase
  // inside a real paragraph does not make it boilerplate.
  Match Classify(std::string_view line) const;
  bool Matches(std::string_view line) const { return Classify(line) != Match::kNone; }

  size_t size() const { return count_; }

 private:
  std::unique_ptr<RE2::Set> set_;             // relaxed patterns: a cheap first pass
  std::vector<std::unique_ptr<RE2>> exact_;     // the patterns as written, by index
  std::vector<bool> is_section_end_;  // by pattern index
  size_t count_ = 0;
};

}  // namespace textmill
