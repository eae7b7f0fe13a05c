#include "stages/langid/spelling_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "stages/langid/accepted_forms.h"
#include "stages/langid/language_identifier.h"
#include "stages/langid/word_lists.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDebianHunspell = "/usr/share/hunspell";
constexpr const char* kUnmunch = "/usr/bin/unmunch";  // hunspell-tools, installed by scripts/setup.sh

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SpellingTableTest, AnswersWhatWasWrittenAndNothingElse) {
  testing::TempDir dir;
  const std::string path = dir / "x.tsv";
  SpellingTable::Write(path, 42, {{"zebra", true}, {"alpha", false}, {"zebra", true}, {"Émile", true}});
  const auto table = SpellingTable::Open(path, 42);
  ASSERT_TRUE(table);
  EXPECT_EQ(table->size(), 3u);
  EXPECT_EQ(table->Answer("alpha"), false);
  EXPECT_EQ(table->Answer("zebra"), true);
  EXPECT_EQ(table->Answer("Émile"), true);
  EXPECT_EQ(table->Answer("beta"), std::nullopt);
  EXPECT_EQ(table->Answer("zebr"), std::nullopt);
  EXPECT_EQ(table->Answer(""), std::nullopt);
}

TEST(SpellingTableTest, IsRefusedWhenMadeFromAnotherDictionaryOrDamaged) {
  testing::TempDir dir;
  const std::string path = dir / "x.tsv";
  SpellingTable::Write(path, 42, {{"a", true}, {"b", false}});
  std::string why;
  EXPECT_FALSE(SpellingTable::Open(path, 43, &why));
  EXPECT_NE(why.find("another version"), std::string::npos) << why;
  const std::string good = ReadAll(path);
  const auto refused = [&](const std::string& text, const char* reason) {
    testing::WriteFile(path, text);
    std::string said;
    EXPECT_FALSE(SpellingTable::Open(path, 42, &said)) << text;
    EXPECT_NE(said.find(reason), std::string::npos) << said;
  };
  refused(good.substr(0, good.size() - 1), "truncated");  // killed while written
  refused("textmill spelling table 1\n000000000000002a\nb\t1\na\t0\n", "not sorted");
  refused("textmill spelling table 1\n000000000000002a\na\t1\na\t0\n", "not sorted");  // twice
  refused("textmill spelling table 1\n000000000000002a\na 1\n", "malformed");
  refused("something else\n", "not a spelling table");
  EXPECT_FALSE(SpellingTable::Open(dir / "absent.tsv", 42, &why));
  EXPECT_NE(why.find("cannot be read"), std::string::npos);
}

TEST(AcceptedFormsTest, ContainsExactlyTheFormsWritten) {
  testing::TempDir dir;
  const std::string path = AcceptedForms::PathFor(dir.path(), "/usr/share/hunspell/cs_CZ", 0xabc);
  EXPECT_EQ(fs::path(path).filename(), "cs_CZ.0000000000000abc.forms");
  AcceptedForms::Write(path, {"hrad", "hrady", "hradům"});
  const auto forms = AcceptedForms::Map(path);
  ASSERT_TRUE(forms);
  EXPECT_EQ(forms->size(), 3u);
  EXPECT_TRUE(forms->Contains("hradům"));
  EXPECT_FALSE(forms->Contains("hra"));
  EXPECT_FALSE(forms->Contains("Hrad"));
  std::string why;
  EXPECT_FALSE(AcceptedForms::Map(dir / "absent.forms", &why));
  testing::WriteFile(dir / "junk.forms", "not a trie");
  EXPECT_FALSE(AcceptedForms::Map(dir / "junk.forms", &why));
  EXPECT_NE(why.find("cannot be mapped"), std::string::npos) << why;
}

// A small dictionary written here: two stems that take -y and -ům, one that
// takes nothing.
void WriteDictionary(const std::string& dir, const std::string& extra_word = "") {
  testing::WriteFile(dir + "/cs_CZ.aff", "SET UTF-8\nSFX A Y 2\nSFX A 0 y .\nSFX A 0 ům .\n");
  testing::WriteFile(dir + "/cs_CZ.dic",
                     extra_word.empty() ? "3\nhrad/A\nmost/A\ndům\n" : "4\nhrad/A\nmost/A\ndům\n" + extra_word + "\n");
}

std::vector<std::string> WordsOf(const char* text) { return WordLists::Words(text, 25); }

TEST(WordListsSpellingTest, TablesGiveTheDictionarysOwnAnswersWithoutLoadingIt) {
  ASSERT_TRUE(fs::exists(kUnmunch)) << "scripts/setup.sh installs hunspell-tools";
  testing::TempDir built, fresh, tables;
  WriteDictionary(built.path());
  const WordLists maker(built.path(), "", {"cs"});
  const auto written = maker.WriteSpellingTables({"hrad", "Hrad", "xyz", "dům"}, tables.path(), kUnmunch);
  ASSERT_EQ(written.size(), 2u);  // the table and the forms
  const auto forms = AcceptedForms::Map(written[1]);
  ASSERT_TRUE(forms);
  EXPECT_EQ(forms->size(), 7u);  // hrad hrady hradům most mosty mostům dům: unmunch's, each accepted
  EXPECT_TRUE(forms->Contains("mostům"));
  EXPECT_TRUE(maker.WriteSpellingTables({"hrad"}, tables.path(), kUnmunch).empty());  // made already

  // The same dictionary at another path: a file never loaded in this process.
  WriteDictionary(fresh.path());
  const WordLists lists(fresh.path(), "", {"cs"}, tables.path());
  const WordLists plain(built.path(), "", {"cs"});
  const size_t loads = WordLists::LoadsInThisProcess();
  const auto settled = WordsOf("Hrad mostům xyz dům");  // table, forms, table (rejected), table
  const WordLists::KnownRange range = lists.KnownCountRange("cs", settled);
  EXPECT_EQ(range.least, 3);
  EXPECT_EQ(range.most, 3);
  EXPECT_EQ(lists.KnownShare("cs", settled), plain.KnownShare("cs", settled));
  EXPECT_EQ(WordLists::LoadsInThisProcess(), loads) << "every word was settled without the dictionary";

  // Neither the table nor the forms know a capitalised form or a stranger:
  // open, until the dictionary answers.
  const auto open = WordsOf("Mostům qqq");
  EXPECT_EQ(lists.KnownCountRange("cs", open).least, 0);
  EXPECT_EQ(lists.KnownCountRange("cs", open).most, 2);
  EXPECT_EQ(lists.KnownShare("cs", open), plain.KnownShare("cs", open));
  EXPECT_EQ(lists.KnownShare("cs", open), 0.5);
  EXPECT_EQ(WordLists::LoadsInThisProcess(), loads + 1);
  EXPECT_EQ(lists.KnownCountRange("cs", open).least, 1) << "a loaded dictionary settles every word";
}

TEST(WordListsSpellingTest, VerifyFindsATableAnswerTheDictionaryDoesNotGive) {
  ASSERT_TRUE(fs::exists(kUnmunch));
  testing::TempDir built, tables;
  WriteDictionary(built.path());
  const WordLists lists(built.path(), "", {"cs"});
  lists.WriteSpellingTables({"hrad", "xyz"}, tables.path(), kUnmunch);
  EXPECT_TRUE(lists.VerifySpellingTables(tables.path(), 1).empty());
  // A table claiming "xyz" is a word, under the right fingerprint.
  SpellingTable::Write(tables / "cs_CZ.tsv", DictionaryFingerprint(built / "cs_CZ"), {{"hrad", true}, {"xyz", true}});
  const std::vector<std::string> wrong = lists.VerifySpellingTables(tables.path(), 1);
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_NE(wrong[0].find(": xyz"), std::string::npos) << wrong[0];
  // A forms file with a form the dictionary rejects.
  const auto forms = AcceptedForms::PathFor(tables.path(), built / "cs_CZ", DictionaryFingerprint(built / "cs_CZ"));
  AcceptedForms::Write(forms, {"hrad", "qqq"});
  EXPECT_EQ(lists.VerifySpellingTables(tables.path(), 1).size(), 2u);
}

// The rival wins by exactly the advantage it needs while the tables leave one
// of its words open: the bound must not skip it, and the switch and score are
// those without tables. Toy dictionaries: "Czech" accepts two of the four
// words, "Slovak" all four.
TEST(WordListsSpellingTest, ARivalThatWinsByExactlyWhatItNeedsStillWins) {
  testing::TempDir dictionaries, tables, fresh;
  for (const std::string& dir : {dictionaries.path(), fresh.path()}) {
    testing::WriteFile(dir + "/cs_CZ.aff", "SET UTF-8\n");
    testing::WriteFile(dir + "/cs_CZ.dic", "2\nKde\nje\n");
    testing::WriteFile(dir + "/sk_SK.aff", "SET UTF-8\n");
    testing::WriteFile(dir + "/sk_SK.dic", "4\nKde\nje\nnejbližší\nnádraží\n");
  }
  const char* text = "Kde je nejbližší nádraží?";  // the models guess cs and give sk a vote
  {
    const WordLists maker(dictionaries.path(), "", {"cs", "sk"});
    maker.WriteSpellingTables({"Kde", "je", "nejbližší"}, tables.path());  // "nádraží" stays open
  }
  const std::string model = testing::SourceDir() + "/models/lid.176.ftz";
  const LanguageIdentifier without(LanguageIdentifier::Backend::kCombined, model, true, dictionaries.path(), "");
  const LanguageGuess expected = without.Identify(text);
  ASSERT_EQ(expected.lang, "sk") << "2 of 4 words against 4 of 4: the dictionaries switch the guess";
  const LanguageIdentifier with(LanguageIdentifier::Backend::kCombined, model, true, fresh.path(), "", tables.path());
  const LanguageGuess got = with.Identify(text);
  EXPECT_EQ(got.lang, expected.lang);
  EXPECT_EQ(got.score, expected.score);
}

TEST(WordListsSpellingTest, TablesOfAnotherVersionOfTheDictionaryAreNotUsed) {
  ASSERT_TRUE(fs::exists(kUnmunch));
  testing::TempDir built, changed, tables;
  WriteDictionary(built.path());
  const WordLists maker(built.path(), "", {"cs"});
  maker.WriteSpellingTables({"hrad", "les"}, tables.path(), kUnmunch);
  WriteDictionary(changed.path(), "les");  // one word more: the table says "les" is not a word
  const WordLists lists(changed.path(), "", {"cs"}, tables.path());
  EXPECT_EQ(lists.KnownCountRange("cs", WordsOf("hrad les")).least, 0);
  EXPECT_EQ(lists.KnownCountRange("cs", WordsOf("hrad les")).most, 2);
  EXPECT_EQ(lists.KnownShare("cs", WordsOf("hrad les")), 1.0);
}

// Step 4 of LanguageIdentifier with spelling tables: the same guesses, and a
// Czech text whose words the tables know loads no dictionary.
TEST(WordListsSpellingTest, CloseLanguagesAreSplitAlikeWithFewerDictionariesLoaded) {
  testing::TempDir dictionaries, tables;
  for (const char* name : {"cs_CZ", "sk_SK"}) {
    for (const char* ext : {".aff", ".dic"}) {
      fs::copy_file(std::string(kDebianHunspell) + "/" + name + ext, dictionaries / (std::string(name) + ext));
    }
  }
  // Texts the models give both languages some weight: without tables, the
  // guess's dictionary is loaded to compare them.
  const char* czech = "Kde je nejbližší nádraží?";
  const char* slovak = "Dobrý deň, ako sa máte?";
  {
    // Every word but "nádraží", which stays open: the Czech text is then
    // settled by the bound (no rival can gain two words), not by the table
    // answering every word.
    const WordLists maker(dictionaries.path(), "", {"cs", "sk"});
    std::vector<std::string> words = WordLists::Words(czech, 25);
    std::erase(words, "nádraží");
    ASSERT_EQ(words.size(), 3u);
    for (const std::string& w : WordLists::Words(slovak, 25)) words.push_back(w);
    maker.WriteSpellingTables(words, tables.path());  // no forms: the table alone
  }
  // The maker loaded the copies: the identifiers read other copies.
  testing::TempDir fresh;
  for (const auto& entry : fs::directory_iterator(dictionaries.path())) {
    fs::copy_file(entry.path(), fresh / entry.path().filename().string());
  }
  const std::string model = testing::SourceDir() + "/models/lid.176.ftz";
  const LanguageIdentifier with(LanguageIdentifier::Backend::kCombined, model, true, fresh.path(), "", tables.path());
  const size_t loads = WordLists::LoadsInThisProcess();
  const LanguageGuess czech_guess = with.Identify(czech);
  const LanguageGuess slovak_guess = with.Identify(slovak);
  EXPECT_EQ(czech_guess.lang, "cs");
  EXPECT_EQ(slovak_guess.lang, "sk");
  EXPECT_EQ(WordLists::LoadsInThisProcess(), loads) << "the tables settled both texts";
  const LanguageIdentifier without(LanguageIdentifier::Backend::kCombined, model, true, fresh.path(), "");
  EXPECT_EQ(without.Identify(czech).lang, czech_guess.lang);
  EXPECT_GT(WordLists::LoadsInThisProcess(), loads) << "without tables the rivals are compared with the dictionaries";
  EXPECT_EQ(without.Identify(czech).score, czech_guess.score);
  EXPECT_EQ(without.Identify(slovak).lang, slovak_guess.lang);
  EXPECT_EQ(without.Identify(slovak).score, slovak_guess.score);
}

}  // namespace
}  // namespace textmill
