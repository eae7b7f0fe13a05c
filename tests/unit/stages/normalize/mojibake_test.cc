#include "stages/normalize/mojibake.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iterator>
#include <random>
#include <string>

#include "pipeline/util/utf8.h"
#include "stages/normalize/mojibake_badness.h"
#include "stages/normalize/mojibake_charsets.h"
#include "stages/normalize/normalize.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

std::string Repair(std::string text, mojibake::RepairStats* stats = nullptr) {
  mojibake::RepairText(text, stats);
  return text;
}

TEST(MojibakeTest, RepairsEachCharset) {
  struct Case {
    const char* broken;
    const char* fixed;
    const char* source;
  };
  const Case cases[] = {
      {"cafÃ© in SÃ£o Paulo", "café in São Paulo", "latin-1"},
      {"Itâ€™s â€œquotedâ€\xC2\x9D", "It’s “quoted”", "windows-1252"},
      {"РґРѕСЂРѕРіРµ", "дороге", "windows-1251"},
      {"NapĂ­Ĺˇte nĂˇm !", "Napíšte nám !", "windows-1250"},
      {"LiĂ¨ge Avenue de l'HĂ´pital", "Liège Avenue de l'Hôpital", "windows-1250"},
      {"\u0139\u009Bwi\u00C4\u0099ty", "święty", "iso-8859-2"},  // C1 controls where windows-1250 has "›", "™"
      {"g√¢teaux", "gâteaux", "macintosh"},
      {"#╨┐╤Ç╨░╨▓╨╕╨╗╤î╨╜╨╛", "#правильно", "ibm-437"},
      {"\xC2\x84Handwerk\xC2\x93", "„Handwerk“", "c1-controls"},
  };
  for (const Case& c : cases) {
    mojibake::RepairStats stats;
    EXPECT_EQ(Repair(c.broken, &stats), c.fixed) << c.broken;
    bool found = false;
    for (int bit = 0; bit <= mojibake::kC1SourceBit; ++bit) {
      if (stats.sources & (1u << bit)) found = found || mojibake::SourceName(bit) == c.source;
    }
    EXPECT_TRUE(found) << c.broken << " not counted under " << c.source;
  }
}

TEST(MojibakeTest, RepairsSurrogatesTwiceAppliedAndMixedLines) {
  // UTF-16 surrogates encoded one by one (CESU-8), shown as Latin-1.
  EXPECT_EQ(Repair("Hi guys \xC3\xAD\xC2\xA0\xC2\xBD\xC3\xAD\xC2\xB8\xC2\x8D"), "Hi guys \U0001F60D");
  // A strict decoder's U+FFFD for the undefined byte 0x9D, and the 0xA0 of "à" turned into a space.
  EXPECT_EQ(Repair("â€œlossy decodingâ€\uFFFD"), "“lossy decoding\uFFFD");
  EXPECT_EQ(Repair("Ã perturber la rÃ©flexion jusqu'Ã nos jours"), "à perturber la réflexion jusqu'à nos jours");
  EXPECT_EQ(Repair("com especial atenÃ§Ã£o Ã s crianÃ§as"), "com especial atenção às crianças");
  // Mojibake of mojibake.
  EXPECT_EQ(Repair("Iggy Pop (nÃƒÂ© Jim Osterberg)"), "Iggy Pop (né Jim Osterberg)");
  // Correct and broken text in one line: only the broken runs change.
  EXPECT_EQ(NormalizeText("L’humanitÃ© dit “bonjour” Ã  tous", {}), "L’humanité dit “bonjour” à tous");
  // A line at a time: the second line is correct windows-1252-looking text.
  EXPECT_EQ(Repair("cafÃ©\nOffering 5×£35 pin ups"), "café\nOffering 5×£35 pin ups");
}

// The false positives of the old repair named in issue 22: correct text that
// only looks like mojibake must come out unchanged.
TEST(MojibakeTest, LeavesCorrectTextThatLooksLikeMojibakeAlone) {
  for (const char* text :
       {"Offering 5×£35 pin ups", "PARCE QUE SUR LEURS PLAQUES IL Y MARQUÉ…", "TEM QUE SEGUIR, SDV SÓ…", "4288×…",
        "SELKÄ\u00A0EDELLÄ\u00A0MAAHAN via @YouTube", "Tarık YARILGAÇ’ın", "RETWEET SE VOCÊ…", "NESTLÉ® requiere",
        "Join ZZAJÉ’s Official Fan List", "„Fuß“ und „Maß“", "naïve résumé Ü°", "HÅØYA ER BLÅØYD",
        "ВІКІ is Ukrainian for WIKI", "ПЕРЕВІРКА ВІСІМ ЧАСІВ", "Σ ΟΔΟΣ ΒΓΟΡ", "a radius of 10 Å—", "(-1/2)! = √π", "├┤a┼┐a┼┐a┼┐a"}) {
    EXPECT_EQ(Repair(text), text);
    EXPECT_EQ(NormalizeText(text, {}), NormalizeText(text, {.fix_mojibake = false})) << text;
  }
}

TEST(MojibakeTest, BadnessNeedsMoreThanOneSuspiciousCharacter) {
  EXPECT_TRUE(mojibake::IsBadUtf8("cafÃ©"));
  EXPECT_TRUE(mojibake::IsBadUtf8("â€œ"));
  EXPECT_TRUE(mojibake::IsBadUtf8("Ã la carte"));  // "à" whose 0xA0 became a space: ftfy repairs it too
  EXPECT_FALSE(mojibake::IsBadUtf8("«À la carte»"));
  EXPECT_FALSE(mojibake::IsBadUtf8("Ελληνικά и русский, 日本語"));
  EXPECT_FALSE(mojibake::IsBadUtf8("5×£35"));
}

TEST(MojibakeTest, CharsetTablesComeFromIcu) {
  using mojibake::Charset;
  EXPECT_EQ(mojibake::Decode(0x80, Charset::kWindows1252), U'€');
  EXPECT_EQ(mojibake::Decode(0x81, Charset::kWindows1252), U'\u0081');  // sloppy: undefined in ICU
  EXPECT_EQ(mojibake::Decode(0x1A, Charset::kWindows1252), U'\uFFFD');
  EXPECT_EQ(mojibake::Decode(0xC0, Charset::kWindows1251), U'А');
  EXPECT_EQ(mojibake::Decode(0xA5, Charset::kMacRoman), U'•');
  EXPECT_EQ(mojibake::Decode(0xC4, Charset::kCp437), U'─');
  EXPECT_FALSE(mojibake::DecodeUtf8Variants("\xED\xA0\x80"));  // a lone surrogate is never decoded
  EXPECT_EQ(*mojibake::DecodeUtf8Variants("\xED\xA0\xBD\xED\xB8\x8D"), U"\U0001F60D");
}

// Bad input: output is valid UTF-8 and the time linear.
TEST(MojibakeTest, InvalidUtf8AndLoneSurrogates) {
  for (const std::string& text :
       {std::string("caf\xC3\xA9 \xFF\xFE Ã© \xC3"), std::string("\xED\xA0\x80 lone \xED\xB0\x80 Ã©"),
        std::string("í\u00A0½ alone"), std::string("\xC3\x83\xC2"), std::string("Ã©\xE2\x82")}) {
    const std::string out = NormalizeText(text, {});
    EXPECT_TRUE(IsValidUtf8(out)) << text;
    EXPECT_EQ(NormalizeText(out, {}), out) << text;
  }
}

// Property: normalization stays idempotent on mixtures of the characters
// mojibake is made of, with the white space and separators that cleaning
// changes after the repair (NBSP, tabs, double spaces, U+2028, CR, soft
// hyphen, zero-width space, combining tilde).
TEST(MojibakeTest, NormalizationIdempotentOnMojibakeMixtures) {
  const char* pieces[] = {"a", "b", " ", "  ", "\t", "\n", "\r", "Ã", "Â", "©", "â", "€", "™", "\u009D", "\u0081",
                          "\u0085", "Ð", "Ñ", "Р", "С", "ґ", "ѕ", "╨", "┐", "√", "í", "\u00A0", "½", "¸",
                          "\u008D", "Ă", "¨", "ď", "ż", "˝", "\uFFFD", "?", "Ø", "Ù", "Г", "ў", "В", "Ђ", "β", "ā",
                          "Å", "Ÿ", "à", "‚", "Ä", "œ", "é", "\u200B", "\u00AD", "\u0303", "A", "\u2028", "×",
                          "£", "°", "\u0093", "s ", "quele"};
  std::mt19937 rng(99);
  for (const std::string form : {"NFC", "NFKC"}) {
    NormalizeOptions options;
    options.form = form;
    for (int trial = 0; trial < 20000; ++trial) {
      std::string text;
      const int n = static_cast<int>(rng() % 24);
      for (int i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
      const std::string once = NormalizeText(text, options);
      ASSERT_TRUE(IsValidUtf8(once));
      ASSERT_EQ(NormalizeText(once, options), once) << "input: " << text;
    }
  }
}

double SecondsToNormalize(const std::string& text) {
  const auto start = std::chrono::steady_clock::now();
  const std::string out = NormalizeText(text, {});
  EXPECT_TRUE(IsValidUtf8(out));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string RepeatToBytes(std::string_view piece, size_t bytes) {
  std::string text;
  text.reserve(bytes);
  while (text.size() < bytes) text += piece;
  return text;
}

// 100 MB of "Ã" on one line, and mojibake that is repaired ("Ã©" = é, in 1 MB
// pieces): time grows linearly (10x the text in well under 100x the time).
TEST(MojibakeTest, HundredMegabytesOfAtildeInLinearTime) {
  // A fifth of the sizes under the sanitizers (12x slower there); the ratio
  // of the two sizes, which is what shows linearity, is the same.
  const size_t scale = testing::kSanitized ? 5 : 1;
  const double small = SecondsToNormalize(RepeatToBytes("Ã", 10'000'000 / scale));
  const double big = SecondsToNormalize(RepeatToBytes("Ã", 100'000'000 / scale));
  EXPECT_LT(big, 30 * small + 1.0);
  const double small_fix = SecondsToNormalize(RepeatToBytes("Ã©", 2'000'000 / scale));
  const double big_fix = SecondsToNormalize(RepeatToBytes("Ã©", 20'000'000 / scale));
  EXPECT_LT(big_fix, 30 * small_fix + 1.0);
}

TEST(MojibakeTest, AlternatingScriptsEveryCharacter) {
  const char* chars[] = {"a", "Ж", "é", "字", "Ã", "€", "α", "╨", "√", "©", "\u0085", "ש", "ي", "\U0001F600"};
  std::string text;
  for (int i = 0; i < 400'000; ++i) text += chars[(i * 7 + i / 13) % 14];
  EXPECT_LT(SecondsToNormalize(text), 30.0);
  std::string lines;
  for (int i = 0; i < 400'000; ++i) lines += std::string(chars[i % 14]) + (i % 5 == 0 ? "\n" : "");
  EXPECT_LT(SecondsToNormalize(lines), 30.0);
}

TEST(MojibakeTest, StageCountsDocumentsBySourceCharset) {
  NormalizeStage stage{NormalizeOptions{}};
  for (const char* text : {"cafÃ©", "РґРѕСЂРѕРіРµ", "fine text", "Itâ€™s"}) {
    Document doc;
    doc.text = text;
    stage.ProcessDoc(doc);
  }
  const Json stats = stage.Stats();
  EXPECT_EQ(stats["docs_with_mojibake"], 3);
  EXPECT_EQ(stats["docs_repaired_from.latin-1"], 1);
  EXPECT_EQ(stats["docs_repaired_from.windows-1251"], 1);
  EXPECT_EQ(stats["docs_repaired_from.windows-1252"], 1);
}

}  // namespace
}  // namespace textmill
