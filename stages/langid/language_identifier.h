// LanguageIdentifier: text -> (ISO 639 code, score), from fastText lid.176,
// CLD2, or both combined.
//
// The combined classifier, in order:
//  1. Script: ICU's script of every letter. A text in a script that one
//     language owns (Hangul, kana, Thai, Greek, Hebrew, Armenian, Georgian...)
//     gets that language; Han without kana is Chinese.
//  2. Candidates: fastText's top labels (probabilities) and CLD2's top three
//     (its percentages, trusted less when CLD2 says the result is unreliable).
//     Labels whose usual script (ICU likely subtags) differs from the text's
//     script are dropped: a Cyrillic text is not Croatian.
//  3. Vote: fastText probability plus a weighted CLD2 share. When both agree
//     the score is high; when they differ the more confident one wins.
//  4. Close languages (nb/nn/da/sv, hr/bs/sr/sl, ms/id, cs/sk, es/pt/ca/gl,
//     hi/mr/ne, nl/af): when the winner is in such a group, the Hunspell
//     dictionaries of the group (Debian's hunspell-* packages; for ms/id the
//     analysers of apertium-ind-zlm) are asked which accepts clearly more of
//     the text's words; that language wins.
//  5. Croatian, Bosnian and Serbian in Latin script: the reflex of jat
//     (ekavian is Serbian) and the words the Croatian standard rejects
//     (stages/serbo_croatian.h) choose among the three.
// All-caps text is lower-cased first (fastText misreads shouting); newlines
// become spaces (fastText's predictLine stops at a newline).
//
// Immutable after construction and safe to call from many threads.
#pragma once

#include <memory>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stages/langid/word_lists.h"

namespace fasttext {
class FastText;
class Dictionary;
class Loss;
class Matrix;
}

namespace textmill {

struct LanguageGuess {
  std::string lang = "und";  // ISO 639-1 where one exists, else 639-3; "und" if unknown
  double score = 0.0;        // 0..1
};

class LanguageIdentifier {
 public:
  enum class Backend { kFastText, kCld2, kCombined };

  // `model_path` is needed for kFastText and kCombined; throws ConfigError if
  // the file is missing (naming the path and how to get it).
  // `dictionary_dir` (e.g. /usr/share/hunspell) and `apertium_dir` (e.g.
  // /usr/share/apertium) enable step 4; empty: not used. `spelling_dir`
  // holds the dictionaries' spelling tables (word_lists.h): the same answers,
  // with fewer dictionaries loaded.
  LanguageIdentifier(Backend backend, const std::string& model_path, bool lowercase_shouting = true,
                     const std::string& dictionary_dir = "", const std::string& apertium_dir = "",
                     const std::string& spelling_dir = "");
  ~LanguageIdentifier();

  LanguageGuess Identify(std::string_view text) const;

  Backend backend() const { return backend_; }

  struct Candidate {
    std::string lang;
    double score;
  };
  // fastText's top `k` labels for one line, as fastText's predictLine gives
  // them: the same labels, probabilities equal to float rounding (tests hold
  // the two to each other).
  std::vector<Candidate> FastTextTop(const std::string& line, int k) const;

 private:
  std::vector<Candidate> Cld2Top(std::string_view text, bool& reliable) const;

  bool ScriptMatches(const std::string& lang, int text_script) const;
  // Step 4; changes `guess` (winner and score). With `serbo_croatian_apart`,
  // hr, bs and sr are not compared with each other (step 5 does that).
  void SplitCloseLanguages(std::string_view text, const std::map<std::string, double>& votes,
                           double weight_total, bool serbo_croatian_apart, LanguageGuess& guess) const;

  Backend backend_;
  bool lowercase_shouting_;
  std::unique_ptr<fasttext::FastText> fasttext_;
  std::shared_ptr<const fasttext::Dictionary> fasttext_dictionary_;
  int fasttext_word_ngrams_ = 1;
  int fasttext_dim_ = 0;
  int fasttext_labels_ = 0;
  // The model's output layer (hierarchical softmax or softmax), built from
  // fastText's own classes, to predict from a hidden vector FastTextTop sums.
  // The loss keeps a reference to the matrix pointer: it lives here, before it.
  std::shared_ptr<fasttext::Matrix> fasttext_output_;
  std::unique_ptr<fasttext::Loss> fasttext_loss_;
  uint64_t instance_ = 0;  // keys the per-thread token cache of FastTextTop
  // Every label either model can emit -> its usual script (UScriptCode), or -1.
  std::unordered_map<std::string, int> label_scripts_;
  std::unique_ptr<WordLists> word_lists_;
  bool serbo_croatian_rules_ = false;  // step 5: the three dictionaries are there
};

// The groups of close languages step 4 splits (nb/nn/da/sv, cs/sk, ...).
const std::vector<std::vector<std::string>>& CloseGroups();

// Canonical code for a label from either model: strips "__label__", maps
// old or regional codes (iw->he, in->id, jw->jv, zh-Hant->zh, no->nb).
std::string CanonicalLanguage(std::string_view label);

}  // namespace textmill
