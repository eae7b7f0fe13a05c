#include "stages/extract/boilerplate_phrases.h"

#include <fstream>

#include "pipeline/errors.h"

namespace textmill {
namespace {

RE2::Options SetOptions() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_max_mem(int64_t{64} << 20);
  options.set_log_errors(false);
  return options;
}

std::string_view Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

// The pattern with every bounded repeat x{m,n} made unbounded (x* or x+): it
// matches a superset of the original. Counted repeats such as ".{0,80}" make
// RE2's lazy DFA grow a new state per position of every line; the relaxed set
// keeps the DFA small, and the few lines it accepts are checked against the
// exact patterns.
std::string RelaxRepeats(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      out.append(pattern.substr(i, 2));
      ++i;
      continue;
    }
    if (c == '{') {
      size_t j = i + 1;
      size_t digits = 0;
      bool min_zero = true;  // m == 0: x{0,n} -> x*, else x{m,n} -> x+
      for (; j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9'; ++j, ++digits) {
        if (pattern[j] != '0') min_zero = false;
      }
      if (digits > 0 && j < pattern.size() && pattern[j] == ',') {
        ++j;
        while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9') ++j;
      }
      if (digits > 0 && j < pattern.size() && pattern[j] == '}') {
        out.push_back(min_zero ? '*' : '+');
        i = j;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

BoilerplatePhrases::BoilerplatePhrases(const std::string& path)
    : set_(std::make_unique<RE2::Set>(SetOptions(), RE2::ANCHOR_BOTH)) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read boilerplate phrase list");
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view pattern = Trim(line);
    if (pattern.empty() || pattern[0] == '#') continue;
    const bool section_end = pattern.starts_with("@end ");
    if (section_end) pattern = Trim(pattern.substr(5));
    auto exact = std::make_unique<RE2>(pattern, SetOptions());
    std::string error;
    if (!exact->ok() || set_->Add(RelaxRepeats(pattern), &error) < 0) {
      throw ConfigError(path + ": line " + std::to_string(number) + ": bad pattern: " +
                        (exact->ok() ? error : exact->error()));
    }
    exact_.push_back(std::move(exact));
    is_section_end_.push_back(section_end);
    ++count_;
  }
  if (!set_->Compile()) throw ConfigError(path + ": phrase list too large to compile");
}

BoilerplatePhrases::Match BoilerplatePhrases::Classify(std::string_view line) const {
  line = Trim(line);
  // A list item's marker is not part of its phrase: the rendered "- Home" of
  // a breadcrumb or menu is the line "Home".
  for (const std::string_view marker : {"- ", "* ", "\u2022 "}) {
    if (line.starts_with(marker)) {
      line = Trim(line.substr(marker.size()));
      break;
    }
  }
  // Boilerplate lines are short; a long line that merely contains a phrase is
  // content. 300 bytes covers the longest cookie notices seen in dumps.
  if (line.empty() || line.size() > 300 || count_ == 0) return Match::kNone;
  std::vector<int> hits;
  if (!set_->Match(line, &hits)) return Match::kNone;
  Match match = Match::kNone;
  for (const int hit : hits) {
    const auto index = static_cast<size_t>(hit);
    if (!RE2::FullMatch(line, *exact_[index])) continue;  // only the relaxed form matched
    if (is_section_end_[index]) return Match::kSectionEnd;
    match = Match::kBoilerplate;
  }
  return match;
}

}  // namespace textmill
