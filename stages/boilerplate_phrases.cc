#include "stages/boilerplate_phrases.h"

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
    std::string error;
    if (set_->Add(pattern, &error) < 0) {
      throw ConfigError(path + ": line " + std::to_string(number) + ": bad pattern: " + error);
    }
    is_section_end_.push_back(section_end);
    ++count_;
  }
  if (!set_->Compile()) throw ConfigError(path + ": phrase list too large to compile");
}

BoilerplatePhrases::Match BoilerplatePhrases::Classify(std::string_view line) const {
  line = Trim(line);
  // Boilerplate lines are short; a long line that merely contains a phrase is
  // content. 300 bytes covers the longest cookie notices seen in dumps.
  if (line.empty() || line.size() > 300 || count_ == 0) return Match::kNone;
  std::vector<int> hits;
  if (!set_->Match(line, &hits)) return Match::kNone;
  for (const int hit : hits) {
    if (is_section_end_[static_cast<size_t>(hit)]) return Match::kSectionEnd;
  }
  return Match::kBoilerplate;
}

}  // namespace textmill
