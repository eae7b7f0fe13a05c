#include "stages/extract/text_dump_cleaner.h"

#include <algorithm>
#include <vector>

#include "pipeline/util/utf8.h"

namespace textmill {
namespace {

enum class LineClass { kBlank, kGood, kNeutral, kBad };

struct Line {
  std::string_view text;
  LineClass cls = LineClass::kBlank;
  size_t chars = 0;
  bool section_end = false;  // "Leave a Reply", "12 Comments"...
  bool capitalized = false;  // Most Words Capitalized: menus and headlines
};

size_t CountWords(std::string_view s) {
  size_t words = 0;
  bool in_word = false;
  for (const char c : s) {
    const bool space = c == ' ' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

bool EndsLikeSentence(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\'' || s.back() == ')')) {
    s.remove_suffix(1);
  }
  if (s.empty()) return false;
  const char c = s.back();
  if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';') return true;
  // Closing quotes and CJK/Arabic/Devanagari sentence ends.
  for (const char* end : {"\xE2\x80\x9D", "\xE2\x80\x99", "\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F",
                          "\xD8\x9F", "\xDB\x94", "\xE0\xA5\xA4", "\xE2\x80\xA6"}) {
    if (s.ends_with(end)) return true;
  }
  return false;
}

// "Home | News | Sport", "Home · About", "» Archives": navigation.
bool LooksLikeMenu(std::string_view s) {
  size_t separators = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '|') ++separators;
    if (s.compare(i, 2, "\xC2\xB7") == 0 || s.compare(i, 2, "\xC2\xBB") == 0) ++separators;
  }
  if (separators == 0) return false;
  return CountWords(s) <= (separators + 1) * 4;  // short items between separators
}

bool LooksLikeLink(std::string_view s) {
  return s.starts_with("http://") || s.starts_with("https://") || s.starts_with("www.") ||
         (s.find(' ') == std::string_view::npos && s.find('@') != std::string_view::npos);
}

// True when nearly every word starts with an upper-case ASCII letter or a
// digit: "World News Opinion Sport", "Apple Watch Series 4 (GPS, 44mm)".
bool MostlyCapitalized(std::string_view s) {
  size_t words = 0, capitalized = 0;
  bool at_start = true;
  for (const char c : s) {
    if (c == ' ') {
      at_start = true;
      continue;
    }
    if (at_start) {
      ++words;
      if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '(' || c == '&' || c == '-') ++capitalized;
    }
    at_start = false;
  }
  return words >= 3 && capitalized * 10 >= words * 8;
}

LineClass Classify(Line& line, const BoilerplatePhrases* phrases) {
  const std::string_view text = line.text;
  const size_t chars = line.chars;
  if (phrases) {
    const auto match = phrases->Classify(text);
    if (match != BoilerplatePhrases::Match::kNone) {
      line.section_end = match == BoilerplatePhrases::Match::kSectionEnd;
      return LineClass::kBad;
    }
  }
  const std::string_view& line_text = text;
  if (LooksLikeMenu(line_text) || LooksLikeLink(line_text)) return LineClass::kBad;
  const size_t words = CountWords(line_text);
  line.capitalized = MostlyCapitalized(line_text);
  // Prose: a long line, or a sentence of some length. CJK text has no spaces,
  // so length in characters carries it.
  if (chars >= 120 || (chars >= 50 && words >= 6 && EndsLikeSentence(line_text))) return LineClass::kGood;
  if (chars >= 40 && words <= 1) return LineClass::kGood;  // unspaced scripts
  return LineClass::kNeutral;
}

// Scores: a prose line earns its length (capped so one huge line cannot carry
// a page of junk); a neutral line earns or costs by its length around 40
// characters (list items and specs inside an article are worth crossing,
// fragments are not), and a Capitalized Run Of Words (menus, teaser
// headlines) costs; a boilerplate line costs as much as a short paragraph,
// so comment forms and link lists end the run.
double Score(const Line& line) {
  switch (line.cls) {
    case LineClass::kGood:
      return static_cast<double>(std::min<size_t>(line.chars, 600));
    case LineClass::kNeutral:
      if (line.capitalized) return -15.0;
      return std::clamp((static_cast<double>(line.chars) - 40.0) * 0.5, -20.0, -5.0);
    case LineClass::kBad:
      return -80.0;
    case LineClass::kBlank:
      return 0.0;
  }
  return 0.0;
}

struct Run {
  size_t begin, end;
  double score;
};

// Best-scoring contiguous run of lines in [from, to) (Kadane), trimmed to
// start on a good line.
Run BestRun(const std::vector<Line>& lines, size_t from, size_t to) {
  Run best{from, from, 0.0};
  double current = 0;
  size_t begin = from;
  for (size_t i = from; i < to; ++i) {
    if (current <= 0) {
      current = 0;
      begin = i;
    }
    current += Score(lines[i]);
    if (current > best.score) best = {begin, i + 1, current};
  }
  while (best.begin < best.end && lines[best.begin].cls != LineClass::kGood) ++best.begin;
  return best;
}

bool TitleLike(const Line& line) {
  const size_t words = CountWords(line.text);
  return line.cls == LineClass::kNeutral && words >= 2 && line.chars <= 200 && !EndsLikeSentence(line.text);
}

}  // namespace

std::string CleanTextDump(std::string_view text, const BoilerplatePhrases* phrases) {
  std::vector<Line> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    const size_t first = raw.find_first_not_of(" \t\r");
    Line line;
    if (first != std::string_view::npos) {
      line.text = raw.substr(first, raw.find_last_not_of(" \t\r") - first + 1);
      line.chars = CountCodePoints(line.text);
      line.cls = Classify(line, phrases);
    }
    lines.push_back(line);
    if (end == text.size()) break;
    pos = end + 1;
  }

  // What follows a comment-section header is comments, once some article
  // text came before it (a "12 Comments" link in the byline comes first).
  size_t good_chars = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].cls == LineClass::kGood) good_chars += lines[i].chars;
    if (lines[i].section_end && good_chars >= 200) {
      lines.resize(i);
      break;
    }
  }

  const auto [best_begin, best_end, best] = BestRun(lines, 0, lines.size());
  if (best <= 0) return "";
  std::vector<std::pair<size_t, size_t>> runs = {{best_begin, best_end}};
  // Articles broken by a block of teasers or an ad: other runs almost as
  // strong as the best one are content too.
  for (const auto& [from, to] : {std::pair<size_t, size_t>{0, best_begin}, {best_end, lines.size()}}) {
    const auto [b, e, score] = BestRun(lines, from, to);
    if (score >= best * 0.5) runs.push_back({b, e});
  }
  std::sort(runs.begin(), runs.end());

  // A headline (and a caption) just above the body: up to two title-like lines.
  size_t head = runs.front().first;
  int taken = 0;
  for (size_t i = head; i-- > 0 && taken < 2;) {
    if (lines[i].cls == LineClass::kBlank) continue;
    if (!TitleLike(lines[i])) break;
    head = i;
    ++taken;
  }

  runs.front().first = head;
  std::string out;
  bool pending_blank = false;
  for (const auto& [run_begin, run_end] : runs) {
  for (size_t i = run_begin; i < run_end; ++i) {
    const Line& line = lines[i];
    if (line.cls == LineClass::kBlank) {
      pending_blank = true;
      continue;
    }
    if (line.cls == LineClass::kBad) continue;
    if (!out.empty()) out.append(pending_blank ? "\n\n" : "\n");
    pending_blank = false;
    out.append(line.text);
  }
  pending_blank = true;
  }
  return out;
}

}  // namespace textmill
