// The spaCy-like word tokenizer: the tokens spaCy's blank "en" pipeline gives
// for these inputs (checked by hand against spaCy's English prefix, suffix,
// infix and exception rules).
#include "stages/quality/word_tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace textmill {
namespace {

std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  for (const std::string_view t : SpacyLikeWords(text)) out.emplace_back(t);
  return out;
}

using V = std::vector<std::string>;

TEST(WordTokenizerTest, PunctuationIsItsOwnToken) {
  EXPECT_EQ(Tokens("I am Frank, you are Jhon. I am Frank."),
            (V{"I", "am", "Frank", ",", "you", "are", "Jhon", ".", "I", "am", "Frank", "."}));
  EXPECT_EQ(Tokens("time,' said Frodo. 'So do I,' said"),
            (V{"time", ",", "'", "said", "Frodo", ".", "'", "So", "do", "I", ",", "'", "said"}));
  EXPECT_EQ(Tokens("I am too small..."), (V{"I", "am", "too", "small", "..."}));
  EXPECT_EQ(Tokens("... comment # comment"), (V{"...", "comment", "#", "comment"}));
  EXPECT_EQ(Tokens("(hello)!?"), (V{"(", "hello", ")", "!", "?"}));
  EXPECT_EQ(Tokens("  \n\t "), V{});
}

TEST(WordTokenizerTest, PeriodsAbbreviationsNumbers) {
  EXPECT_EQ(Tokens("U.S. Mr. Smith paid $3.50 at 5 p.m. e.g. today."),
            (V{"U.S.", "Mr.", "Smith", "paid", "$", "3.50", "at", "5", "p.m.", "e.g.", "today", "."}));
  EXPECT_EQ(Tokens("It costs 10km and 50% more."), (V{"It", "costs", "10", "km", "and", "50", "%", "more", "."}));
  EXPECT_EQ(Tokens("Ends with I."), (V{"Ends", "with", "I."}));  // one capital: no split (spaCy's rule)
  EXPECT_EQ(Tokens("NASA."), (V{"NASA", "."}));
}

TEST(WordTokenizerTest, ContractionsAndInfixes) {
  EXPECT_EQ(Tokens("don't can't I'm we've Frodo's"),
            (V{"do", "n't", "ca", "n't", "I", "'m", "we", "'ve", "Frodo", "'s"}));
  EXPECT_EQ(Tokens("I cannot, gonna"), (V{"I", "can", "not", ",", "gon", "na"}));
  EXPECT_EQ(Tokens("well-written and/or 2+3 end.Start a,b"),
            (V{"well", "-", "written", "and", "/", "or", "2", "+", "3", "end", ".", "Start", "a", ",", "b"}));
  EXPECT_EQ(Tokens("wait...what"), (V{"wait", "...", "what"}));
  EXPECT_EQ(Tokens("see https://example.com/a/b."), (V{"see", "https://example.com/a/b", "."}));
  EXPECT_EQ(Tokens("github.com/a/b and a/b"), (V{"github.com/a/b", "and", "a", "/", "b"}));  // URL_MATCH
  EXPECT_EQ(Tokens("Plan a. Then C++ :)"), (V{"Plan", "a.", "Then", "C++", ":)"}));  // special cases
}

TEST(WordTokenizerTest, SymbolJunk) {
  // datatrove's Gopher alpha case: every piece of junk is a token without a letter.
  for (const std::string_view t : SpacyLikeWords("the ./!*?<><> apple <?////> orange  ++ interconnection !<>???")) {
    if (t != "the" && t != "apple" && t != "orange" && t != "interconnection") {
      EXPECT_TRUE(IsDatatrovePunctuation(t)) << t;
    }
  }
}

TEST(WordTokenizerTest, Sentencizer) {
  EXPECT_EQ(CountSentencizerSentences(SpacyLikeWords("One. Two! Three? Four")), 4);
  EXPECT_EQ(CountSentencizerSentences(SpacyLikeWords("He said \"stop.\" Then left.")), 2);
  EXPECT_EQ(CountSentencizerSentences(SpacyLikeWords("Wait... what.")), 1);  // "..." ends no sentence
  EXPECT_EQ(CountSentencizerSentences(SpacyLikeWords("東京。大阪。")), 1);       // one token: no split
  EXPECT_EQ(CountSentencizerSentences({}), 0);
}

// The tokens, laid end to end, are the text without its white space: the
// tokenizer never drops or invents a character, whatever the input.
TEST(WordTokenizerTest, TokensCoverTheTextWithoutSpaces) {
  const std::vector<std::string> pieces = {"a", "Z", "9", ".", "..", ",", "'", "\u2019", "s", "-", "/", "(", ")",
                                           "$", "%", "km", "n't", "\u2026", "\u00E9", "\u6771", "\U0001F642", "#",
                                           " ", "\n", "\u00A0", "://", "www.", "Mr.", "+", "\u3002", "\"", "e.g."};
  uint32_t state = 12345;
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int len = 1 + round % 40;
    for (int i = 0; i < len; ++i) {
      state = state * 1103515245u + 12345u;
      text += pieces[(state >> 16) % pieces.size()];
    }
    std::string joined, expected;
    for (const std::string_view t : SpacyLikeWords(text)) {
      EXPECT_FALSE(t.empty()) << text;
      joined += t;
    }
    for (const char c : text) {
      if (c != ' ' && c != '\n') expected += c;
    }
    // U+00A0 is white space too.
    for (size_t p = expected.find("\u00A0"); p != std::string::npos; p = expected.find("\u00A0")) expected.erase(p, 2);
    EXPECT_EQ(joined, expected) << text;
  }
  std::string blob(300000, 'x');  // one long chunk: linear, no crash
  blob[1000] = '.';
  EXPECT_EQ(SpacyLikeWords(blob).size(), 1u);
}

TEST(WordTokenizerTest, PunctuationSets) {
  EXPECT_TRUE(IsDatatrovePunctuation("..."));
  EXPECT_TRUE(IsDatatrovePunctuation("\u201D\u3002"));
  EXPECT_FALSE(IsDatatrovePunctuation("\u2022"));  // the bullet is not in datatrove's set
  EXPECT_FALSE(IsDatatrovePunctuation("a."));
  EXPECT_TRUE(EndsWithTerminalPunctuation("Done."));
  EXPECT_TRUE(EndsWithTerminalPunctuation("\u5B8C\u3002"));
  EXPECT_FALSE(EndsWithTerminalPunctuation("He said \"done.\""));
  EXPECT_FALSE(EndsWithTerminalPunctuation("and so\u2026"));
  EXPECT_FALSE(EndsWithTerminalPunctuation(""));
}

}  // namespace
}  // namespace textmill
