#include "stages/langid/word_lists.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "unit/test_util.h"

namespace textmill {
namespace {

// Debian's packages, installed by scripts/setup.sh.
constexpr const char* kHunspell = "/usr/share/hunspell";
constexpr const char* kApertium = "/usr/share/apertium";
constexpr const char* kIndZlm = "apertium-ind-zlm";

std::vector<std::string> Words(const char* text) { return WordLists::Words(text, 25); }

TEST(WordListsTest, MalayAndIndonesianAreReadWithTheirApertiumPair) {
  ASSERT_TRUE(std::filesystem::is_directory(std::string(kApertium) + "/" + kIndZlm))
      << "scripts/setup.sh installs apertium-ind-zlm";
  const WordLists lists(kHunspell, kApertium, {"ms", "id", "nb", "nn"});
  EXPECT_TRUE(lists.Has("ms"));
  EXPECT_TRUE(lists.Has("id"));
  EXPECT_TRUE(lists.Paired("ms", "id"));
  EXPECT_TRUE(lists.Paired("id", "ms"));
  EXPECT_FALSE(lists.Paired("nb", "nn"));  // Hunspell dictionaries, compared as before
  EXPECT_FALSE(lists.Paired("ms", "nb"));
  // Words where the standards differ: Malay kerana/universiti/pautan/fail,
  // Indonesian karena/universitas/tautan/berkas.
  const auto malay = Words("kerana universiti pautan fail");
  const auto indonesian = Words("karena universitas tautan berkas");
  EXPECT_GT(lists.AnalysedShare("ms", malay), lists.AnalysedShare("id", malay));
  EXPECT_GT(lists.AnalysedShare("id", indonesian), lists.AnalysedShare("ms", indonesian));
  // Shared words and capitalised ones are known to both.
  const auto shared = Words("Rumah sekolah makan");
  EXPECT_EQ(lists.AnalysedShare("ms", shared), 1.0);
  EXPECT_EQ(lists.AnalysedShare("id", shared), 1.0);
  EXPECT_EQ(lists.AnalysedShare("nb", shared), -1);  // no analyser
  EXPECT_EQ(lists.AnalysedShare("ms", {}), -1);
}

// A process that builds the stage twice (the Python binding, a test) loads a
// dictionary once: the second WordLists reads the first one's.
TEST(WordListsTest, ADictionaryIsLoadedOncePerProcess) {
  const auto hard = Words("Nejlepší způsob, jak se naučit programovat");
  const WordLists first(kHunspell, "", {"cs"});
  ASSERT_TRUE(first.HasDictionary("cs"));
  const double share = first.KnownShare("cs", hard);
  EXPECT_GT(share, 0.8);
  const size_t loads = WordLists::LoadsInThisProcess();
  EXPECT_GE(loads, 1u);
  const WordLists second(kHunspell, "", {"cs", "sk"});
  EXPECT_EQ(second.KnownShare("cs", hard), share);
  EXPECT_EQ(WordLists::LoadsInThisProcess(), loads);
  // Another file for the same language is another dictionary.
  testing::TempDir dir;
  testing::WriteFile(dir / "cs.aff", "SET UTF-8\n");
  testing::WriteFile(dir / "cs.dic", "2\nnejlepší\nzpůsob\n");
  const WordLists own(dir.path(), "", {"cs"});
  EXPECT_DOUBLE_EQ(own.KnownShare("cs", hard), 2.0 / static_cast<double>(hard.size()));
  EXPECT_EQ(WordLists::LoadsInThisProcess(), loads + 1);
}

TEST(WordListsTest, AnApertiumPairIsUsedWholeOrNotAtAll) {
  testing::TempDir dir;
  const std::string pair = dir / kIndZlm;
  std::filesystem::create_directories(pair);
  std::filesystem::copy_file(std::string(kApertium) + "/" + kIndZlm + "/zlm-ind.automorf.bin",
                             pair + "/zlm-ind.automorf.bin");
  const WordLists half(kHunspell, dir.path(), {"ms", "id"});
  EXPECT_FALSE(half.Has("ms"));  // the Indonesian side is missing: Malay cannot be compared
  EXPECT_FALSE(half.Paired("ms", "id"));
  const WordLists off(kHunspell, "", {"ms", "id"});
  EXPECT_FALSE(off.Has("ms"));
}

TEST(WordListsTest, ATruncatedOrEmptyAnalyserKnowsNoWord) {
  testing::TempDir dir;
  const std::string whole = testing::ReadFile(std::string(kApertium) + "/" + kIndZlm + "/zlm-ind.automorf.bin");
  ASSERT_GT(whole.size(), 20000u);
  testing::WriteFile(dir / (std::string(kIndZlm) + "/zlm-ind.automorf.bin"), whole.substr(0, 20000));
  testing::WriteFile(dir / (std::string(kIndZlm) + "/ind-zlm.automorf.bin"), "");
  const WordLists lists("", dir.path(), {"ms", "id"});
  ASSERT_TRUE(lists.Paired("ms", "id"));
  EXPECT_EQ(lists.AnalysedShare("ms", Words("kerana universiti")), 0.0);
  EXPECT_EQ(lists.AnalysedShare("id", Words("karena universitas")), 0.0);
}

TEST(WordListsTest, DictionariesInALegacyCharsetReadUtf8Words) {
  // bs_BA is ISO 8859-2, nb_NO ISO 8859-1: words are converted to them, and a
  // letter the charset cannot hold makes the word unknown, not a lookup of "?".
  const WordLists lists(kHunspell, "", {"bs", "nb"});
  for (int round = 0; round < 2; ++round) {  // the second time from the remembered answers
    EXPECT_TRUE(lists.Knows("bs", "čovjek"));
    EXPECT_TRUE(lists.Knows("bs", "kuća"));
    EXPECT_FALSE(lists.Knows("bs", "søster"));  // ø is not in ISO 8859-2
    EXPECT_TRUE(lists.Knows("nb", "søster"));
    EXPECT_FALSE(lists.Knows("nb", "kuća"));    // ć is not in ISO 8859-1
    EXPECT_FALSE(lists.Knows("nb", "čovjek"));
  }
  EXPECT_FALSE(lists.Knows("hr", "kuća"));  // no dictionary loaded for it
}

}  // namespace
}  // namespace textmill
