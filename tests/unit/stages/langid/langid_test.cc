#include "stages/langid/langid.h"

#include <fasttext/fasttext.h>
#include <gtest/gtest.h>

#include <sstream>

#include "pipeline/errors.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

StageContext Context() {
  StageContext context;
  context.models_dir = testing::SourceDir() + "/models";
  return context;
}

LanguageIdentifier& Combined() {
  static auto identifier = MakeLanguageIdentifier(LangidOptions{}, Context());
  return *identifier;
}

TEST(LanguageIdentifierTest, CommonLanguages) {
  const std::pair<const char*, const char*> cases[] = {
      {"The council approved the budget for the new bridge on Tuesday evening.", "en"},
      {"Nach zwei Jahren Bauzeit ist der neue Wanderweg im Schwarzwald eröffnet worden.", "de"},
      {"Le café situé près de la gare célèbre cette semaine son centième anniversaire.", "fr"},
      {"Москва — столица России и крупнейший по численности населения город страны.", "ru"},
      {"東京は日本の首都であり、世界でも有数の大都市です。", "ja"},
      {"北京是中华人民共和国的首都，也是全国的政治中心。", "zh"},
      {"서울은 대한민국의 수도이며 가장 큰 도시이다.", "ko"},
      {"Αθήνα είναι η πρωτεύουσα της Ελλάδας.", "el"},
  };
  for (const auto& [text, lang] : cases) {
    const LanguageGuess g = Combined().Identify(text);
    EXPECT_EQ(g.lang, lang) << text;
    EXPECT_GT(g.score, 0.5) << text;
    EXPECT_LE(g.score, 1.0) << text;
  }
}

TEST(LanguageIdentifierTest, CloseLanguagesSplitByDictionaries) {
  // Nynorsk forms (eg, ikkje, kva) that Bokmål dictionaries reject.
  EXPECT_EQ(Combined().Identify("Eg veit ikkje kva eg skal gjere med dei gamle bøkene mine.").lang, "nn");
  EXPECT_EQ(Combined().Identify("Jeg vet ikke hva jeg skal gjøre med de gamle bøkene mine.").lang, "nb");
  // One Nynorsk word (halde; Bokmål holdt) is enough: the two dictionaries are
  // made from one lexicon, so where they differ the standards differ.
  EXPECT_EQ(Combined().Identify("Styret har bestemt at møtet blir halde i rådhuset på torsdag.").lang, "nn");
  EXPECT_EQ(Combined().Identify("Styret har bestemt at møtet blir holdt i rådhuset på torsdag.").lang, "nb");
  // Malay words (sila, pautan, fail) that the Indonesian analyser of
  // apertium-ind-zlm does not know; the models alone say Indonesian.
  EXPECT_EQ(Combined().Identify("Sila klik pautan ini untuk memuat turun fail tersebut ke komputer anda.").lang, "ms");
  EXPECT_EQ(Combined().Identify("Silakan klik tautan ini untuk mengunduh berkas tersebut ke komputer Anda.").lang,
            "id");
  LangidOptions no_apertium;
  no_apertium.apertium = "";
  EXPECT_EQ(MakeLanguageIdentifier(no_apertium, Context())
                ->Identify("Sila klik pautan ini untuk memuat turun fail tersebut ke komputer anda.")
                .lang,
            "id");
}

TEST(LanguageIdentifierTest, SerboCroatianStandardFromJatAndVocabulary) {
  // Ijekavian (predsjednik) with an eastern word (uticaj): the models alone do
  // not say Bosnian.
  const char* bosnian = "Predsjednik je izjavio da će uticaj nove odluke biti vidljiv već za nekoliko sedmica.";
  const LanguageGuess guess = Combined().Identify(bosnian);
  EXPECT_EQ(guess.lang, "bs");
  EXPECT_GT(guess.score, 0.5);  // the models' vote for the three together
  LangidOptions no_dictionaries;
  no_dictionaries.dictionaries = "";
  no_dictionaries.apertium = "";
  EXPECT_NE(MakeLanguageIdentifier(no_dictionaries, Context())->Identify(bosnian).lang, "bs");
  EXPECT_EQ(Combined().Identify("Reka je bila lepa, a vreme je bilo toplo, pa smo celo popodne proveli napolju.").lang,
            "sr");
  // Cyrillic Serbian is Serbian whatever its words.
  EXPECT_EQ(Combined().Identify("Предсједник је изјавио да ће утицај нове одлуке бити видљив.").lang, "sr");
}

TEST(LanguageIdentifierTest, Cld2NorwegianVoteIsSplitAsFastTextSplitsIt) {
  // CLD2 never says Nynorsk: its "nb" is split between nb and nn in fastText's
  // proportions. Without dictionaries, that alone decides these two.
  LangidOptions options;
  options.dictionaries = "";
  options.apertium = "";
  const auto identifier = MakeLanguageIdentifier(options, Context());
  EXPECT_EQ(identifier->Identify("Skulen treng fleire lærarar til hausten.").lang, "nn");
  EXPECT_EQ(identifier->Identify("Skolen trenger flere lærere til høsten.").lang, "nb");
}

TEST(LanguageIdentifierTest, BadInputGivesUndOrALabelNeverACrash) {
  for (const char* text : {"", "   ", "12345 678.90", "!!! ??? ...", "😀😀😀🎉"}) {
    const LanguageGuess g = Combined().Identify(text);
    EXPECT_EQ(g.lang, "und") << text;
    EXPECT_EQ(g.score, 0.0) << text;
  }
  // Four scripts in four words: never a confident guess.
  const LanguageGuess mixed = Combined().Identify("Hello мир 世界 مرحبا");
  EXPECT_LT(mixed.score, 0.5) << mixed.lang;
  std::string huge;
  for (int i = 0; i < 2'000'000; ++i) huge += "word ";  // 10 MB of one word
  EXPECT_EQ(Combined().Identify(huge).lang, "en");
  // A character cut at the end of the text leaves a word to identify: a real
  // label with a score, not "und".
  const LanguageGuess cut = Combined().Identify("caf\xC3\xA9 \xC3");
  EXPECT_NE(cut.lang, "und");
  EXPECT_GT(cut.score, 0.0);
}

TEST(LanguageIdentifierTest, ShoutingIsLowerCased) {
  EXPECT_EQ(Combined().Identify("THE GOVERNMENT ANNOUNCED NEW MEASURES TO PROTECT THE COAST FROM FLOODING").lang, "en");
}

TEST(LanguageIdentifierTest, Cld2BackendAndMissingModel) {
  LangidOptions options;
  options.backend = "cld2";
  const auto cld2 = MakeLanguageIdentifier(options, Context());
  EXPECT_EQ(cld2->Identify("Das ist ein ganz normaler deutscher Satz über das Wetter in Berlin.").lang, "de");
  options.backend = "fasttext";
  options.model = "/nonexistent/lid.176.ftz";
  try {
    MakeLanguageIdentifier(options, Context());
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/lid.176.ftz"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("fetch_model.sh"), std::string::npos);
  }
  options.backend = "auto";  // falls back to CLD2 with a warning
  EXPECT_EQ(MakeLanguageIdentifier(options, Context())->backend(), LanguageIdentifier::Backend::kCld2);
}

TEST(LangidStageTest, KeepMinScoreAndParagraphs) {
  LangidOptions options;
  options.keep = {"en"};
  options.paragraphs = true;
  LangidStage stage(options, Context());
  stage.Load();
  Document en;
  en.text = "The harbour festival drew record crowds over the weekend, the organisers said on Monday.\n\n"
            "More than sixty thousand people visited the old port, and the food stalls ran out of sardines.\n\n"
            "Das Hafenfest zog am Wochenende so viele Besucher an wie nie zuvor, sagten die Veranstalter.";
  stage.ProcessDoc(en);
  EXPECT_FALSE(en.rejected());
  EXPECT_EQ(en.lang, "en");
  ASSERT_EQ(en.metadata["lang_spans"].size(), 3u);
  EXPECT_EQ(en.metadata["lang_spans"][0]["lang"], "en");
  EXPECT_EQ(en.metadata["lang_spans"][2]["lang"], "de");
  EXPECT_GT(en.metadata["lang_shares"]["de"].get<double>(), 0.25);
  EXPECT_GT(en.metadata["lang_shares"]["en"].get<double>(), 0.5);
  Document de;
  de.text = "Das Hafenfest zog am Wochenende so viele Besucher an wie nie zuvor, sagten die Veranstalter.";
  stage.ProcessDoc(de);
  EXPECT_EQ(de.reject_reason, "lang_not_kept");

  // A per-language floor of 1.0 rejects every English document (scores are < 1)
  // and no German one (the global floor stays 0).
  LangidOptions strict;
  strict.min_score_by_lang = {{"en", 1.0}};
  LangidStage strict_stage(strict, Context());
  strict_stage.Load();
  Document english;
  english.text = "The weather is nice today and the children are playing in the park near the river.";
  strict_stage.ProcessDoc(english);
  EXPECT_EQ(english.lang, "en");
  EXPECT_EQ(english.reject_reason, "lang_low_score");
  Document german;
  german.text = "Das Wetter ist heute schön und die Kinder spielen im Park am Fluss.";
  strict_stage.ProcessDoc(german);
  EXPECT_EQ(german.lang, "de");
  EXPECT_FALSE(german.rejected());
}

TEST(LangidCliTest, OneLabelPerLineInOrder) {
  testing::TempDir dir;
  testing::WriteFile(dir / "in.txt", "The weather is nice today in London.\nDer Zug nach Hamburg hat Verspätung.\n\n");
  const std::string command = std::string(TEXTMILL_BINARY) + " langid -c " + testing::SourceDir() +
                              "/configs/default.yaml < " + (dir / "in.txt") + " > " + (dir / "out.txt");
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string out = testing::ReadFile(dir / "out.txt");
  EXPECT_TRUE(out.starts_with("en\t")) << out;
  EXPECT_NE(out.find("\nde\t"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\nund\t0.0000\n")) << out;  // the empty line
}


// FastTextTop caches input ids and summed input rows per token; it must agree
// with fastText's own predictLine, token cache warm or cold, for in- and
// out-of-vocabulary words, odd white space and repeated calls: the same labels
// in the same order, probabilities equal up to float rounding (rows summed per
// token first, then over the line: a few units in the 7th significant digit).
TEST(LanguageIdentifierTest, FastTextTopEqualsPredictLine) {
  const std::string model = testing::SourceDir() + "/models/lid.176.ftz";
  const LanguageIdentifier identifier(LanguageIdentifier::Backend::kFastText, model);
  fasttext::FastText reference;
  reference.loadModel(model);
  const std::vector<std::string> lines = {
      "The river rose by more than two metres overnight",
      "Der Fluss stieg über Nacht um mehr als zwei Meter",
      "qwzxv  plorkt\tzzyzx\vfrobnicate  ",
      "Le fleuve est monté de plus de deux mètres",
      "The river rose by more than two metres overnight",  // all tokens cached now
      "",
      "   ",
      "日本語のテキストです",
      "x",
  };
  for (int round = 0; round < 2; ++round) {
    for (const std::string& line : lines) {
      std::istringstream in(line + "\n");
      std::vector<std::pair<fasttext::real, std::string>> expected;
      reference.predictLine(in, expected, 3, 0.0);
      const auto got = identifier.FastTextTop(line, 3);
      ASSERT_EQ(got.size(), expected.size()) << line;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].lang, CanonicalLanguage(expected[i].second)) << line;
        EXPECT_NEAR(got[i].score, expected[i].first, 1e-5 * expected[i].first) << line;
      }
    }
  }
}

}  // namespace
}  // namespace textmill
