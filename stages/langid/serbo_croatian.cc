#include "stages/langid/serbo_croatian.h"

#include "pipeline/util/utf8.h"

namespace textmill {
namespace {

// Respellings of one jat reflex: each "e" as "ije" and as "je" (ekavian ->
// ijekavian), or each "ije"/"je" as "e" (ijekavian -> ekavian). Bytes are
// ASCII, so positions in UTF-8 are safe.
std::vector<std::string> AsIjekavian(const std::string& word) {
  std::vector<std::string> out;
  for (size_t i = word.find('e'); i != std::string::npos; i = word.find('e', i + 1)) {
    out.push_back(word.substr(0, i) + "ije" + word.substr(i + 1));
    out.push_back(word.substr(0, i) + "je" + word.substr(i + 1));
  }
  return out;
}

std::vector<std::string> AsEkavian(const std::string& word) {
  std::vector<std::string> out;
  for (size_t i = word.find("je"); i != std::string::npos; i = word.find("je", i + 1)) {
    const bool long_jat = i > 0 && word[i - 1] == 'i';  // "ije"
    const size_t start = long_jat ? i - 1 : i;
    out.push_back(word.substr(0, start) + "e" + word.substr(i + 2));
  }
  return out;
}

}  // namespace

bool IsSerboCroatian(const std::string& lang) { return lang == "hr" || lang == "bs" || lang == "sr"; }

bool CanWeighSerboCroatian(const WordLists& lists) {
  return lists.HasDictionary("hr") && lists.HasDictionary("bs") && lists.HasDictionary("sr");
}

SerboCroatianEvidence WeighSerboCroatian(const std::vector<std::string>& words, const WordLists& lists) {
  SerboCroatianEvidence evidence;
  for (const std::string& word : words) {
    if (CountCodePoints(word) < 3) continue;  // abbreviations (dr, sv) and particles say nothing
    const bool croatian = lists.Knows("hr", word);
    const bool serbian = lists.Knows("sr", word);
    if (croatian) {
      if (!serbian) ++evidence.croatian;
      for (const std::string& ekavian : AsEkavian(word)) {
        if (lists.Knows("sr", ekavian) && !lists.Knows("hr", ekavian)) {
          ++evidence.ijekavian;
          break;
        }
      }
      continue;
    }
    // Only Bosnian's dictionary: Serbian's is five times larger and also knows
    // names and technical words Croatian's lacks, on Croatian text as well.
    if (lists.Knows("bs", word)) ++evidence.eastern;
    // Bosnian's dictionary also takes some ekavian forms (vreme, pre): whether
    // a word is ekavian does not depend on it, only whether its ijekavian
    // respelling is a word of one of the two ijekavian standards.
    if (serbian) {
      for (const std::string& ijekavian : AsIjekavian(word)) {
        if (lists.Knows("hr", ijekavian) || lists.Knows("bs", ijekavian)) {
          ++evidence.ekavian;
          break;
        }
      }
    }
  }
  return evidence;
}

std::string ChooseSerboCroatian(const SerboCroatianEvidence& evidence, const std::string& guess) {
  if (evidence.ekavian > evidence.ijekavian) return "sr";
  // Serbian is also written ijekavian (in Bosnia, Montenegro): a Serbian
  // guess needs ijekavian words before eastern words make it Bosnian.
  if (guess == "sr" && evidence.ijekavian <= evidence.ekavian) return guess;
  if (evidence.eastern > evidence.croatian) return "bs";
  if (evidence.croatian > evidence.eastern) return "hr";
  return guess;
}

}  // namespace textmill
