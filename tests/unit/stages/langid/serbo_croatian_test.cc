#include "stages/langid/serbo_croatian.h"

#include <gtest/gtest.h>

namespace textmill {
namespace {

const WordLists& Lists() {
  // Debian's hunspell-hr, hunspell-bs and hunspell-sr, installed by scripts/setup.sh.
  static const WordLists lists("/usr/share/hunspell", "", {"hr", "bs", "sr"});
  return lists;
}

SerboCroatianEvidence Weigh(const char* text) { return WeighSerboCroatian(WordLists::Words(text, 25), Lists()); }

TEST(SerboCroatianTest, JatReflexSeparatesSerbianFromCroatianAndBosnian) {
  ASSERT_TRUE(Lists().Has("hr") && Lists().Has("bs") && Lists().Has("sr")) << "scripts/setup.sh installs them";
  // The same sentence, ekavian (reka, lepa, celo) and ijekavian (rijeka, lijepa, cijelo).
  const auto ekavian = Weigh("Reka je bila lepa, a vreme je bilo toplo, pa smo celo popodne proveli napolju.");
  EXPECT_GE(ekavian.ekavian, 2);
  EXPECT_EQ(ekavian.ijekavian, 0);
  const auto ijekavian =
      Weigh("Rijeka je bila lijepa, a vrijeme je bilo toplo, pa smo cijelo poslijepodne proveli vani.");
  EXPECT_GE(ijekavian.ijekavian, 2);
  EXPECT_EQ(ijekavian.ekavian, 0);
  EXPECT_EQ(ChooseSerboCroatian(ekavian, "hr"), "sr");
  // Bosnian's dictionary also takes "vreme" and "pre": still ekavian.
  EXPECT_GE(Weigh("Vreme za čekanje pre izlaska sa greškom").ekavian, 2);
  EXPECT_EQ(ChooseSerboCroatian(ijekavian, "sr"), "sr");  // no word of either vocabulary: Serbian stays
}

TEST(SerboCroatianTest, EasternWordsAreBosnianCroatianWordsCroatian) {
  // niko/tačno/saradnja/hemijskom against nitko/točno/suradnja/kemijskom.
  const auto eastern = Weigh("Niko nije tačno znao kakva je saradnja sa hemijskom industrijom prije rata.");
  const auto croatian = Weigh("Nitko nije točno znao kakva je suradnja s kemijskom industrijom prije rata.");
  EXPECT_GE(eastern.eastern, 3);
  EXPECT_EQ(eastern.croatian, 0);
  EXPECT_GE(croatian.croatian, 2);
  EXPECT_EQ(croatian.eastern, 0);
  EXPECT_EQ(ChooseSerboCroatian(eastern, "hr"), "bs");
  EXPECT_EQ(ChooseSerboCroatian(croatian, "bs"), "hr");
  // Ijekavian (prije): a Serbian guess is moved by the vocabulary.
  EXPECT_EQ(ChooseSerboCroatian(eastern, "sr"), "bs");
  EXPECT_EQ(ChooseSerboCroatian(croatian, "sr"), "hr");
}

TEST(SerboCroatianTest, NoEvidenceKeepsTheGuess) {
  const SerboCroatianEvidence none;
  for (const char* guess : {"hr", "bs", "sr"}) EXPECT_EQ(ChooseSerboCroatian(none, guess), guess);
  EXPECT_EQ(Weigh("dr sv 12 ab").eastern, 0);  // words under three letters (abbreviations) are not counted
  EXPECT_TRUE(CanWeighSerboCroatian(Lists()));
  const WordLists without_serbian("/usr/share/hunspell", "", {"hr", "bs"});
  EXPECT_FALSE(CanWeighSerboCroatian(without_serbian));
  const WordLists empty("", "", {"hr", "bs", "sr"});
  EXPECT_FALSE(CanWeighSerboCroatian(empty));
  const auto nothing = WeighSerboCroatian(WordLists::Words("Niko nije tačno znao.", 25), empty);
  EXPECT_EQ(nothing.eastern + nothing.croatian + nothing.ekavian + nothing.ijekavian, 0);
}

}  // namespace
}  // namespace textmill
