// WordLists: Hunspell dictionaries from Debian's hunspell-* packages, used to
// split languages that statistical models confuse (nb/nn/da, hr/bs/sr, cs/sk,
// es/pt/ca, ...): the share of a text's words each dictionary accepts.
// Where Debian has an Apertium pair for two of them (apertium-ind-zlm), the
// pair's two morphological analysers compare those two languages: one lexicon
// that records where they differ, the same coverage on both sides (Malay has
// no Hunspell dictionary at all).
//
// Dictionaries load on first use (loading all of them takes seconds).
// Thread-safe: Hunspell and lttoolbox objects are not, so each has a mutex.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

class Hunspell;
class FSTProcessor;
struct UConverter;

namespace textmill {

class WordLists {
 public:
  // Finds, in `hunspell_dir`, the dictionary of every language in `languages`
  // that has one (lang_REGION.dic by ICU's likely region, else any
  // lang_*.dic), and in `apertium_dir` the analysers of the Apertium pairs
  // both of whose languages are in `languages`; languages without either are
  // simply absent. Empty dirs are not searched.
  WordLists(const std::string& hunspell_dir, const std::string& apertium_dir,
            const std::vector<std::string>& languages);
  ~WordLists();

  bool Has(const std::string& lang) const { return dictionaries_.count(lang) > 0 || analysers_.count(lang) > 0; }
  bool HasDictionary(const std::string& lang) const { return dictionaries_.count(lang) > 0; }

  // True when `a` and `b` are read with the two analysers of one Apertium
  // pair: one lexicon that records where the languages differ, so one word
  // that only one side knows is real evidence (independent Hunspell
  // dictionaries also differ by chance of coverage).
  bool Paired(const std::string& a, const std::string& b) const;
  std::vector<std::string> Languages() const;

  // Share (0..1) of `words` that `lang`'s Hunspell dictionary (else its
  // Apertium analyser) accepts; -1 if there is neither or no word.
  double KnownShare(const std::string& lang, const std::vector<std::string>& words) const;

  // Share (0..1) of `words` that `lang`'s Apertium analyser knows; -1 if
  // there is none or no word. Compare only languages that are Paired().
  double AnalysedShare(const std::string& lang, const std::vector<std::string>& words) const;

  // True when `lang`'s Hunspell dictionary in the word's script accepts `word`
  // (false when there is none).
  bool Knows(const std::string& lang, const std::string& word) const;

  // Words (runs of letters, at least 2) of `text`, at most `max_words`.
  static std::vector<std::string> Words(std::string_view text, size_t max_words);

 private:
  struct Dictionary {
    std::string base;      // Hunspell: path without .aff/.dic
    std::string analyser;  // or an Apertium analyser (.automorf.bin)
    int pair = -1;         // its index in the table of Apertium pairs
    std::unique_ptr<std::once_flag> loaded;
    std::unique_ptr<std::mutex> mutex;
    std::unique_ptr<Hunspell> hunspell;  // set once, under `loaded`
    std::unique_ptr<FSTProcessor> fst;   // set once, under `loaded`
    std::string encoding;                // the dictionary's charset ("UTF-8", "ISO8859-2")
    std::unique_ptr<UConverter, void (*)(UConverter*)> converter{nullptr, nullptr};  // to `encoding`, if not UTF-8
    std::unordered_map<std::string, bool> answers;  // words already looked up, under `mutex`
    int script = -1;                     // UScriptCode of its locale (sr_RS: Cyrillic, sr_Latn_RS: Latin)
  };
  static void Load(Dictionary& d);
  static bool Accepts(Dictionary& d, const std::string& word);
  static bool LookUp(Dictionary& d, const std::string& word);  // under d.mutex
  static double Share(std::vector<Dictionary>& dictionaries, const std::vector<std::string>& words);
  static bool AnyAccepts(std::vector<Dictionary>& dictionaries, int script, const std::string& word);
  mutable std::map<std::string, std::vector<Dictionary>> dictionaries_;  // Hunspell
  mutable std::map<std::string, std::vector<Dictionary>> analysers_;     // Apertium, one per language
};

}  // namespace textmill
