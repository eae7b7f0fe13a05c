// WordLists: Hunspell dictionaries from Debian's hunspell-* packages, used to
// split languages that statistical models confuse (nb/nn/da, hr/bs/sr, cs/sk,
// es/pt/ca, ...): the share of a text's words each dictionary accepts.
//
// Dictionaries load on first use (loading all of them takes seconds).
// Thread-safe: Hunspell objects are not, so each has its own mutex.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

class Hunspell;

namespace textmill {

class WordLists {
 public:
  // Loads, from `dir`, the dictionary of every language in `languages` that
  // has one (lang_REGION.dic by ICU's likely region, else any lang_*.dic);
  // languages without one are simply absent.
  WordLists(const std::string& dir, const std::vector<std::string>& languages);
  ~WordLists();

  bool Has(const std::string& lang) const { return dictionaries_.count(lang) > 0; }
  std::vector<std::string> Languages() const;

  // Share (0..1) of the first `max_words` words of `text` that `lang`'s
  // dictionary accepts; -1 if there is no dictionary or no word.
  double KnownShare(const std::string& lang, const std::vector<std::string>& words) const;

  // Words (runs of letters, at least 2) of `text`, at most `max_words`.
  static std::vector<std::string> Words(std::string_view text, size_t max_words);

 private:
  struct Dictionary {
    std::string base;  // path without .aff/.dic
    std::unique_ptr<std::once_flag> loaded;
    std::unique_ptr<std::mutex> mutex;
    std::unique_ptr<Hunspell> hunspell;  // set once, under `loaded`
    std::string encoding;                // the dictionary's charset ("UTF-8", "ISO8859-2")
    int script = -1;                     // UScriptCode of its locale (sr_RS: Cyrillic, sr_Latn_RS: Latin)
  };
  static void Load(Dictionary& d);
  mutable std::map<std::string, std::vector<Dictionary>> dictionaries_;
};

}  // namespace textmill
