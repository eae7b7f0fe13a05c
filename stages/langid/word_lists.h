// WordLists: Hunspell dictionaries from Debian's hunspell-* packages, used to
// split languages that statistical models confuse (nb/nn/da, hr/bs/sr, cs/sk,
// es/pt/ca, ...): the share of a text's words each dictionary accepts.
// Where Debian has an Apertium pair for two of them (apertium-ind-zlm), the
// pair's two morphological analysers compare those two languages: one lexicon
// that records where they differ, the same coverage on both sides (Malay has
// no Hunspell dictionary at all).
//
// Dictionaries load on first use (loading all of them takes seconds), once per
// process: every WordLists of the process shares them, and they are never
// freed (freeing a dictionary's millions of small allocations at exit costs a
// third of loading it, 0.2 s a process that uses six).
// A dictionary's spelling table (spelling_table.h), when there is one, answers
// the common words it lists without loading the dictionary; KnownRange tells
// what those answers already settle, so a caller can often decide without
// loading anything (LanguageIdentifier: a phased run's many tasks each paid
// for the dictionaries of its few Czech or Spanish documents).
//
// Thread-safe: Hunspell and lttoolbox objects are not, so each has a mutex.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textmill {

class WordLists {
 public:
  // Finds, in `hunspell_dir`, the dictionary of every language in `languages`
  // that has one (lang_REGION.dic by ICU's likely region, else any
  // lang_*.dic), and in `apertium_dir` the analysers of the Apertium pairs
  // both of whose languages are in `languages`; languages without either are
  // simply absent. Empty dirs are not searched. `spelling_dir` holds the
  // dictionaries' spelling tables (<dictionary name>.tsv); "" for none.
  WordLists(const std::string& hunspell_dir, const std::string& apertium_dir, const std::vector<std::string>& languages,
            const std::string& spelling_dir = "");
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

  // Bounds on the number of `words` that KnownShare(lang, words) counts as
  // known, from the answers had without loading anything: spelling tables and
  // dictionaries (or analysers) already loaded. A word neither settles may go
  // either way: {0, words.size()} for a language with neither loaded nor tables
  // (an Apertium analyser not yet loaded) or with no dictionary at all.
  struct KnownRange {
    int least = 0;
    int most = 0;
  };
  KnownRange KnownCountRange(const std::string& lang, const std::vector<std::string>& words) const;

  // Writes, into `out_dir`, the spelling table of each of this object's
  // Hunspell dictionaries: its own answers (the dictionary is loaded, the
  // tables are not read) for every one of `words`; and, with the path of
  // hunspell-tools' `unmunch`, the forms it accepts (accepted_forms.h).
  // A dictionary whose files are there and made from it is skipped unless
  // `force`. Returns the files written.
  std::vector<std::string> WriteSpellingTables(const std::vector<std::string>& words, const std::string& out_dir,
                                               const std::string& unmunch = "", bool force = false) const;

  // Checks the spelling tables in `dir` of this object's dictionaries against
  // the dictionaries themselves: every word of each table and every
  // `every`-th accepted form. Returns the disagreements, as "file: word" (and
  // "file: missing" for a table that cannot be opened).
  std::vector<std::string> VerifySpellingTables(const std::string& dir, size_t every) const;

  // `word` with its first letter in title case ("praha" -> "Praha").
  static std::string TitleCased(const std::string& word);

  // True when `lang`'s Hunspell dictionary in the word's script accepts `word`
  // (false when there is none).
  bool Knows(const std::string& lang, const std::string& word) const;

  // Words (runs of letters, at least 2) of `text`, at most `max_words`.
  static std::vector<std::string> Words(std::string_view text, size_t max_words);

  // Dictionaries and analysers loaded so far in this process (each file once,
  // however many WordLists read it).
  static size_t LoadsInThisProcess();

 private:
  // A dictionary's or analyser's loaded data, shared by every WordLists of the
  // process (word_lists.cc).
  struct Lexicon;
  struct Table;
  struct Dictionary {
    Lexicon* lexicon = nullptr;  // the process's one copy (its paths), loaded on first use
    Table* table = nullptr;      // its spelling table, read on first use; null if none was asked for
    int pair = -1;               // its index in the table of Apertium pairs
    int script = -1;             // UScriptCode of its locale (sr_RS: Cyrillic, sr_Latn_RS: Latin)
  };
  // The process's one Lexicon of a file, created (not loaded) on first request.
  static Lexicon* SharedLexicon(const std::string& base, const std::string& analyser);
  static Table* SharedTable(const std::string& path, const std::string& base);
  static void Load(Lexicon& l);
  static bool Accepts(const Dictionary& d, const std::string& word);
  static std::optional<bool> TableAnswer(const Dictionary& d, const std::string& word);
  // The answer had without loading anything, if any.
  static std::optional<bool> KnownAnswer(const Dictionary& d, const std::string& word);
  static bool AcceptsWithoutTable(const Dictionary& d, const std::string& word);
  // Every form `unmunch` expands from the dictionary that it accepts.
  static std::vector<std::string> ExpandedForms(Lexicon& d, const std::string& unmunch);
  static bool LookUp(Lexicon& l, const std::string& word);  // under l.mutex
  static double Share(const std::vector<Dictionary>& dictionaries, const std::vector<std::string>& words);
  static bool AnyAccepts(const std::vector<Dictionary>& dictionaries, int script, const std::string& word);
  static bool InScript(const std::vector<Dictionary>& dictionaries, const Dictionary& d, int script);
  std::map<std::string, std::vector<Dictionary>> dictionaries_;  // Hunspell
  std::map<std::string, std::vector<Dictionary>> analysers_;     // Apertium, one per language
};

}  // namespace textmill
