// Croatian, Bosnian and Serbian in Latin script: one grammar and most words
// shared, so the models (and dictionaries compared by share of known words)
// confuse them. Two things the standards are defined by tell them apart:
//  - the reflex of jat: standard Serbian is ekavian (reka, vreme, mleko),
//    Croatian and Bosnian are ijekavian (rijeka, vrijeme, mlijeko);
//  - vocabulary: Bosnian, like Serbian, takes the eastern words the Croatian
//    standard rejects (tačno, saradnja, hemija, ko, niko, hljeb), Croatian has
//    its own that Serbian rejects (točno, tko, nitko, općina, Europa).
// The evidence is counted with Debian's Hunspell dictionaries hr_HR, bs_BA
// and sr_Latn_RS: which of them accepts a word, and whether a respelling of
// its jat is a word of the other standard.
#pragma once

#include <string>
#include <vector>

#include "stages/langid/word_lists.h"

namespace textmill {

// What a text's words say about the Serbo-Croatian standard it is written in.
struct SerboCroatianEvidence {
  int ekavian = 0;    // Serbian words Croatian rejects whose e respelled ije/je is Croatian or Bosnian
  int ijekavian = 0;  // Croatian words whose ije/je respelled e is a word only Serbian accepts
  int eastern = 0;    // words Croatian rejects and Bosnian accepts
  int croatian = 0;   // words Croatian accepts and Serbian rejects
};

SerboCroatianEvidence WeighSerboCroatian(const std::vector<std::string>& words, const WordLists& lists);

// The standard (hr, bs or sr) of a Latin-script text the models placed in
// one of them (`guess`): ekavian -> sr; else more eastern than Croatian
// words -> bs, more Croatian ones -> hr; a Serbian guess stays unless the
// text is ijekavian; no evidence keeps `guess`.
std::string ChooseSerboCroatian(const SerboCroatianEvidence& evidence, const std::string& guess);

bool IsSerboCroatian(const std::string& lang);

// True when `lists` has the three dictionaries: with one missing, every word
// would look like evidence against its language.
bool CanWeighSerboCroatian(const WordLists& lists);

}  // namespace textmill
