#include "stages/normalize/normalize.h"

#include <gtest/gtest.h>

#include <random>

#include "pipeline/util/utf8.h"

namespace textmill {
namespace {

std::string Norm(std::string_view text, NormalizeOptions options = {}) { return NormalizeText(text, options); }

TEST(NormalizeTest, WhitespaceAndLines) {
  NormalizeOptions trim;
  trim.keep_indentation = false;
  EXPECT_EQ(Norm("  a \t  b  \r\n\r\n\r\n\r\nc\rd  ", trim), "a b\n\nc\nd");
  EXPECT_EQ(Norm("\n\n\nfirst\n\n\n"), "first");
  NormalizeOptions two;
  two.max_blank_lines = 2;
  EXPECT_EQ(Norm("a\n\n\n\n\nb", two), "a\n\n\nb");
}

TEST(NormalizeTest, CodeKeepsItsIndentationUnlessTrimmingIsAsked) {
  // A <pre> block as extraction writes it: Python without its indentation is
  // another program. Spaces inside a line are still collapsed, and a tab is
  // one space, as everywhere.
  const std::string code = "def area(r):\n    if r < 0:\n        raise ValueError(r)\n\treturn 3.14  *  r * r  \n";
  EXPECT_EQ(Norm(code), "def area(r):\n    if r < 0:\n        raise ValueError(r)\n return 3.14 * r * r");
  EXPECT_EQ(Norm(Norm(code)), Norm(code));
  NormalizeOptions trim;
  trim.keep_indentation = false;
  EXPECT_EQ(Norm(code, trim), "def area(r):\nif r < 0:\nraise ValueError(r)\nreturn 3.14 * r * r");
  // Blank lines made of spaces are still blank lines.
  EXPECT_EQ(Norm("a\n    \n   \n  b"), "a\n\n  b");
}

TEST(NormalizeTest, UnicodeSpacesControlsAndZeroWidth) {
  EXPECT_EQ(Norm("a\u00A0b\u2003c"), "a b c");
  EXPECT_EQ(Norm("zero\u200Bwidth\uFEFF soft\u00ADhyphen\x01\x7F"), "zerowidth softhyphen");
  EXPECT_EQ(Norm("line\u2028sep"), "line\nsep");
  // ZWNJ is meaningful in Persian: kept.
  EXPECT_EQ(Norm("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"), "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645");
}

TEST(NormalizeTest, NfcAndNfkc) {
  EXPECT_EQ(Norm("e\u0301"), "\u00E9");
  NormalizeOptions nfkc;
  nfkc.form = "NFKC";
  EXPECT_EQ(Norm("\uFB01le \u2460", nfkc), "file 1");
  EXPECT_EQ(Norm("\uFB01le"), "\uFB01le");  // NFC keeps compatibility characters
}

TEST(NormalizeTest, FoldPunctuationOnlyWhenAsked) {
  NormalizeOptions fold;
  fold.fold_punctuation = true;
  EXPECT_EQ(Norm("\u201CQuote\u201D \u2014 it\u2019s\u2026", fold), "\"Quote\" - it's...");
  EXPECT_EQ(Norm("it\u2019s"), "it\u2019s");
}

TEST(NormalizeTest, RepairsMojibake) {
  int64_t fixes = 0;
  EXPECT_EQ(NormalizeText("Itâ€™s a cafÃ© in SÃ£o Paulo", {}, &fixes), "It\u2019s a caf\u00E9 in S\u00E3o Paulo");
  EXPECT_EQ(fixes, 1);  // one repair of the whole line
  EXPECT_EQ(Norm("ÐŸÑ€Ð¸Ð²ÐµÑ‚"), "Привет");
  EXPECT_EQ(Norm("ðŸ˜€ smile"), "\U0001F600 smile");
  EXPECT_EQ(Norm("Ã la carte"), "à la carte");  // 0xA0 of "à" turned into a space
}

TEST(NormalizeTest, LeavesRealLatin1TextAlone) {
  for (const char* text : {"„Fuß“ und „Maß“", "No: «À la carte»", "naïve résumé Ü°", "Ðoes"}) {
    EXPECT_EQ(Norm(text), text);
  }
}

TEST(NormalizeTest, MojibakeRepairCanBeSwitchedOff) {
  NormalizeOptions off;
  off.fix_mojibake = false;
  EXPECT_EQ(Norm("cafÃ©", off), "cafÃ©");
}

// Property: normalizing twice changes nothing, and the output is valid UTF-8.
TEST(NormalizeTest, IdempotentOnRandomMixtures) {
  const std::vector<std::string> pieces = {
      "a", "B", " ", "  ", "\t", "\n", "\r\n", "\n\n\n", "é", "e\u0301", "Ã", "©", "â€™", "\u0303", "A",
      "\u00A0", "\u200B", "\u00AD", "\uFB01", "\u2460", "\u201C", "\u2014", "\u2026", "ß", "“", "Ð", "Ñ", "€",
      "\x85", "\u2028", "字", "\U0001F600", "x\u0301\u0323", ".", ",", "Â"};
  std::mt19937 rng(12345);
  for (const std::string form : {"NFC", "NFKC"}) {
    for (const bool fold : {false, true}) {
      NormalizeOptions options;
      options.form = form;
      options.fold_punctuation = fold;
      for (int trial = 0; trial < 3000; ++trial) {
        std::string text;
        const int n = static_cast<int>(rng() % 30);
        for (int i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
        const std::string once = Norm(text, options);
        ASSERT_TRUE(IsValidUtf8(once));
        ASSERT_EQ(Norm(once, options), once) << "input: " << text;
      }
    }
  }
}

TEST(NormalizeTest, StageCountsWork) {
  NormalizeStage stage{NormalizeOptions{}};
  Document doc;
  doc.text = "cafÃ©  ok";
  stage.ProcessDoc(doc);
  EXPECT_EQ(doc.text, "café ok");
  const Json stats = stage.Stats();
  EXPECT_EQ(stats["mojibake_fixes"], 1);
  EXPECT_EQ(stats["docs_changed"], 1);
}

}  // namespace
}  // namespace textmill
