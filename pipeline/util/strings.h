// Small ASCII string helpers (HTTP and WARC headers, file names, config
// labels). Unicode-aware work goes through ICU instead.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace textmill {

// A-Z to a-z, every other byte as it is (no locale: the same result everywhere).
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Strips spaces, tabs and carriage returns at both ends.
inline std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Runs of bytes between separators ("how-to-choose" with '-': 3; "Save  home"
// with blanks: 2).
template <typename IsSeparator>
size_t CountRuns(std::string_view s, IsSeparator is_separator) {
  size_t runs = 0;
  bool in_run = false;
  for (const char c : s) {
    const bool separator = is_separator(c);
    if (!separator && !in_run) ++runs;
    in_run = !separator;
  }
  return runs;
}

}  // namespace textmill
