// Token counts from spaCy's own tokenizer tests: every case of the form
// `tokens = en_tokenizer(text); assert len(tokens) == N` (and six of the
// multi-language `tokenizer`, marked "base rules": prefix, suffix and emoji
// rules English shares) whose text
// has no white space other than single spaces (datatrove drops white-space
// tokens), from spacy/tests/lang/en/ and spacy/tests/tokenizer/ (commit
// f69c32f7a, August 2026). spaCy:
//   The MIT License (MIT)
//   Copyright (C) 2016-2024 ExplosionAI GmbH, 2016 spaCy GmbH, 2015 Matthew Honnibal
//   Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
//   associated documentation files (the "Software"), to deal in the Software without restriction, including
//   without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
//   copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
//   following conditions: The above copyright notice and this permission notice shall be included in all
//   copies or substantial portions of the Software.
//   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
//   LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
//   EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
//   IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
//   USE OR OTHER DEALINGS IN THE SOFTWARE.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "stages/quality/word_tokenizer.h"

namespace textmill {
namespace {

TEST(SpacyCasesTest, TokenCounts) {
  const std::vector<std::pair<std::string, size_t>> cases = {
      {"108)", 2},  // test_exceptions (base rules)
      {"XDN", 1},  // test_exceptions (base rules)
      {"can you still dunk?\U0001F355\U0001F354\U0001F635LOL", 8},  // test_exceptions (base rules)
      {"i\U0001F499you", 3},  // test_exceptions (base rules)
      {"\U0001F918\U0001F918yay!", 4},  // test_exceptions (base rules)
      {"(can)", 3},  // test_prefix_suffix_infix
      {"can't", 2},  // test_prefix_suffix_infix
      {"(can't", 3},  // test_prefix_suffix_infix
      {"can't)", 3},  // test_prefix_suffix_infix
      {"(can't)", 4},  // test_prefix_suffix_infix
      {"(can't?)", 5},  // test_prefix_suffix_infix
      {"U.S.", 1},  // test_prefix_suffix_infix
      {"us.", 2},  // test_prefix_suffix_infix
      {"(U.S.", 2},  // test_prefix_suffix_infix
      {"U.S.)", 2},  // test_prefix_suffix_infix
      {"(U.S.)", 3},  // test_prefix_suffix_infix
      {"(U.S.?)", 4},  // test_prefix_suffix_infix
      {"best-known", 3},  // test_prefix_suffix_infix
      {"0.1-13.5", 3},  // test_prefix_suffix_infix
      {"0.0-0.1", 3},  // test_prefix_suffix_infix
      {"103.27-300", 3},  // test_prefix_suffix_infix
      {"best.Known", 3},  // test_prefix_suffix_infix
      {"Hello.World", 3},  // test_prefix_suffix_infix
      {"Hello,world", 3},  // test_prefix_suffix_infix
      {"one,two", 3},  // test_prefix_suffix_infix
      {"best...Known", 3},  // test_prefix_suffix_infix
      {"best...known", 3},  // test_prefix_suffix_infix
      {"_MATH_", 3},  // test_prefix_suffix_infix
      {"_MATH_.", 4},  // test_prefix_suffix_infix
      {"'The", 2},  // test_punct
      {"Hello''", 2},  // test_punct
      {"The U.S. Army likes Shock and Awe.", 8},  // test_text
      {"U.N. regulations are not a part of their concern.", 10},  // test_text
      {"\u201CIsn't it?\u201D", 6},  // test_text
      {"They ran about 10km.", 6},  // test_text
      {"But then the 6,000-year ice age came...", 10},  // test_text
      {"10", 1},  // test_text
      {"1", 1},  // test_text
      {"10,000", 1},  // test_text
      {"10,00", 1},  // test_text
      {"999.0", 1},  // test_text
      {"one", 1},  // test_text
      {"two", 1},  // test_text
      {"billion", 1},  // test_text
      {"dog", 1},  // test_text
      {",", 1},  // test_text
      {"1/2", 1},  // test_text
      {"7am", 2},  // test_tokenizer
      {"11p.m.", 2},  // test_tokenizer
      {"3/4/2012", 1},  // test_tokenizer
      {"01/12/1900", 1},  // test_tokenizer
      {"We were scared", 3},  // test_tokenizer
      {"We Were Scared", 3},  // test_tokenizer
      {"Shell", 1},  // test_tokenizer
      {"shell", 1},  // test_tokenizer
      {"Shed", 1},  // test_tokenizer
      {"shed", 1},  // test_tokenizer
      {"want/need", 3},  // test_tokenizer
      {"theses", 1},  // test_tokenizer
      {"thisre", 1},  // test_tokenizer
      {"lorem ipsum", 2},  // test_whitespace (base rules)
  };
  for (const auto& [text, expected] : cases) {
    std::string tokens;
    for (const std::string_view t : SpacyLikeWords(text)) tokens += "[" + std::string(t) + "]";
    EXPECT_EQ(SpacyLikeWords(text).size(), expected) << text << " -> " << tokens;
  }
}

}  // namespace
}  // namespace textmill
