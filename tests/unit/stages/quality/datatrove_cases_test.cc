// datatrove's filter test cases, run through the `quality` stage with the
// same parameters, expecting the same decision and the same reason (ours is
// datatrove's, prefixed with the filter family where datatrove's has none:
// "top_3_gram" -> "gopher_top_3_gram", "lorem_ipsum" -> "c4_lorem_ipsum").
//
// The texts and parameters are ported from huggingface/datatrove
// tests/pipeline/filters/test_filters.py (commit 6345b00a, March 2026):
//   Copyright 2024 The HuggingFace Inc. team.
//   Licensed under the Apache License, Version 2.0 (the "License"); you may
//   not use this file except in compliance with the License. You may obtain
//   a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
//   Unless required by applicable law or agreed to in writing, software
//   distributed under the License is distributed on an "AS IS" BASIS,
//   WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
//   See the License for the specific language governing permissions and
//   limitations under the License.
// Cases marked "ours" are not in datatrove's file; their expected results
// follow datatrove's code (stages/quality/quality_rules.h has the rules).
#include <gtest/gtest.h>

#include "stages/quality/quality.h"
#include "stages/quality/quality_rules.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

const std::string kTextLf1 =
    "I wish it need not have happened in my time,' said Frodo. 'So do I,' said Gandalf, 'and so do all who live to "
    "see such times. But that is not for them to decide. All we have to decide is what to do with the time that is "
    "given us.'";

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Options with every filter off; each test switches on the one it ports.
// C4 lines end in ASCII quotes only, as in datatrove (textmill's default also
// takes curly ones).
QualityOptions None() {
  QualityOptions o;
  o.gopher.enabled = o.repetition.enabled = o.c4.enabled = o.fineweb.enabled = false;
  o.c4.typographic_end_quotes = false;
  return o;
}

struct Outcome {
  std::string reason;  // "" when kept
  std::string text;    // the text after the stage (C4 removes lines)
};

Outcome RunStage(const std::string& text, QualityOptions options) {
  StageContext context;
  context.config_dir = testing::SourceDir() + "/configs";
  options.stop_words = "stopwords.yaml";
  QualityStage stage(options, context);
  Document doc;
  doc.text = text;
  doc.lang = "en";
  stage.ProcessDoc(doc);
  return {doc.reject_reason, doc.text};
}

std::string Reason(const std::string& text, const QualityOptions& options) { return RunStage(text, options).reason; }

// test_filters.py: test_gopher_repetition (GopherRepetitionFilter()).
TEST(DatatroveCasesTest, GopherRepetition) {
  QualityOptions o = None();
  o.repetition.enabled = true;
  EXPECT_EQ(Reason(Repeat("I am your father.\n", 4), o), "gopher_dup_line_frac");
  EXPECT_EQ(Reason(Repeat("I am your father.\n\n", 4), o), "gopher_dup_para_frac");
  EXPECT_EQ(Reason("I am groot.\n\nYou are a wizard.\n\nI am your father.\n\n" +
                       Repeat(std::string(30, 'x') + ".\n\n", 2),
                   o),
            "gopher_dup_para_char_frac");
  EXPECT_EQ(Reason("I am groot.\nYou are a wizard.\nI am your father.\n" + Repeat(std::string(40, 'x') + ".\n", 2), o),
            "gopher_dup_line_char_frac");
  EXPECT_EQ(Reason("I am Frank, I am Frank, I am Frank", o), "gopher_top_2_gram");
  // "I am" and "am Frank" both occur 3 times; the first seen is the top
  // 2-gram (12/61 chars, passes), then "I am Frank" fails the 3-gram rule.
  EXPECT_EQ(Reason("I am Frank, you are Jhon. I am Frank. I am Frank you are Jhon", o), "gopher_top_3_gram");
  EXPECT_EQ(Reason(Repeat("I am a solo traveller ", 4) + kTextLf1, o), "gopher_duplicated_5_n_grams");
}

// test_filters.py: test_gopher_quality (GopherQualityFilter(min_doc_words=10, max_doc_words=1000)).
TEST(DatatroveCasesTest, GopherQuality) {
  QualityOptions o = None();
  o.gopher.enabled = true;
  o.gopher.min_words = 10;
  o.gopher.max_words = 1000;
  EXPECT_EQ(Reason("I am too small...", o), "gopher_short_doc");
  EXPECT_EQ(Reason(Repeat("I am ", 20), o), "gopher_below_avg_threshold");
  EXPECT_EQ(Reason(Repeat("interconnection ", 20), o), "gopher_above_avg_threshold");
  EXPECT_EQ(Reason(Repeat("# comment ", 20), o), "gopher_too_many_hashes");
  EXPECT_EQ(Reason(Repeat("... comment ", 20), o), "gopher_too_many_ellipsis");
  EXPECT_EQ(Reason(Repeat("the ./!*?<><> apple <?////> orange  ++ interconnection !<>??? have", 20), o),
            "gopher_below_alpha_threshold");
  EXPECT_EQ(Reason(kTextLf1, o), "");
}

// Ours: the bullet and end-ellipsis line rules, and stop words counted once each.
TEST(DatatroveCasesTest, GopherQualityLineRulesAndStopWords) {
  QualityOptions o = None();
  o.gopher.enabled = true;
  o.gopher.min_words = 10;
  const std::string line = "the river and the bridge that have to be built with care";
  EXPECT_EQ(Reason(Repeat("- " + line + "\n", 10), o), "gopher_too_many_bullets");
  EXPECT_EQ(Reason(Repeat("  \u2022 " + line + "\n", 9) + line + "\n", o), "");  // 9/10 = 0.9: not above
  EXPECT_EQ(Reason(Repeat(line + " ...  \n", 4) + Repeat(line + ".\n", 6), o), "gopher_too_many_end_ellipsis");
  EXPECT_EQ(Reason(Repeat(line + "\u2026\n", 3) + Repeat(line + ".\n", 7), o), "");  // 0.3: not above
  // "the" 30 times is one distinct stop word: datatrove intersects sets.
  EXPECT_EQ(Reason(Repeat("the river bridge ", 30), o), "gopher_enough_stop_words");
  EXPECT_EQ(Reason(Repeat("the river bridge ", 29) + "with", o), "");
  EXPECT_EQ(Reason(Repeat("The river bridge ", 29) + "with", o), "gopher_enough_stop_words");  // case-sensitive
}

// test_filters.py: TestC4QualityFilter (C4QualityFilter()).
TEST(DatatroveCasesTest, C4Quality) {
  QualityOptions o = None();
  o.c4.enabled = true;
  const std::string good =
      "This is a well-written paragraph with several sentences.\n"
      "The content continues with more good information here.\n"
      "Another important point is being made in this line.\n"
      "We can see that this document has quality content.\n"
      "Finally, the conclusion wraps everything up nicely.\n"
      "An additional sentence to ensure we pass the threshold.";
  EXPECT_EQ(RunStage(good, o).reason, "");
  EXPECT_EQ(RunStage(good, o).text, good);
  EXPECT_EQ(Reason("This is a sentence with lorem ipsum dolor sit amet.\n"
                   "Another sentence with proper punctuation.\n"
                   "More content to fill out the document.\n"
                   "Even more content is needed to pass the check.\n"
                   "The final sentence of the document.",
                   o),
            "c4_lorem_ipsum");
  EXPECT_EQ(Reason("This is some code with a { bracket.\n"
                   "Another sentence follows this one.\n"
                   "More content to fill out the document.\n"
                   "Even more content is needed to pass.\n"
                   "The final sentence of the document.",
                   o),
            "c4_curly_bracket");
  EXPECT_EQ(Reason("Just one sentence.", o), "c4_too_few_sentences");
  // test_removes_policy_lines_from_text: C4QualityFilter(min_num_sentences=-1, min_words_per_line=-1).
  QualityOptions policy = o;
  policy.c4.min_sentences = -1;
  policy.c4.min_words_per_line = -1;
  const Outcome out = RunStage("This site uses cookies for tracking.\nAnother valid line here today.", policy);
  EXPECT_EQ(out.reason, "");
  EXPECT_EQ(out.text.find("cookies"), std::string::npos) << out.text;
  EXPECT_EQ(out.text, "Another valid line here today.");
}

// Ours: C4's line rules one by one, in datatrove's order.
TEST(DatatroveCasesTest, C4LineRules) {
  QualityOptions o = None();
  o.c4.enabled = true;
  o.c4.min_sentences = -1;
  const Outcome out = RunStage(
      "Kept line number one.\n"
      "A line with no terminal punctuation\n"
      "An ellipsis line ends like this...\n"
      "Two words.\n"
      "Please enable JavaScript to see comments.\n"
      "Read our Privacy Policy for details.\n"
      "Cited fact here.[1] Also [edit] this.[citation needed]\n"
      "A word of " + std::string(1001, 'x') + " letters, { and lorem ipsum.\n"
      "A quote at the end is fine.\"\n"
      "Kept line number two!",
      o);
  EXPECT_EQ(out.reason, "");  // the long-word line is removed before its "{" or "lorem ipsum" are seen
  EXPECT_EQ(out.text,
            "Kept line number one.\nCited fact here. Also  this.\nA quote at the end is fine.\"\n"
            "Kept line number two!");
  // Curly quotes end no line in datatrove; textmill's default takes them.
  const std::string quoted = "He said \u201Cthe bridge will open soon.\u201D";
  EXPECT_EQ(RunStage(quoted + "\nKept line number one.", o).text, "Kept line number one.");
  QualityOptions curly = o;
  curly.c4.typographic_end_quotes = true;
  EXPECT_EQ(RunStage(quoted + "\nKept line number one.", curly).text, quoted + "\nKept line number one.");
  // A "{" or "lorem ipsum" on a line removed earlier (no punctuation) does not drop the page.
  EXPECT_EQ(Reason("function() { return 1 }\nSome lorem ipsum text", o), "");
  // Sentences are counted per kept line by spaCy's Sentencizer rules.
  QualityOptions five = None();
  five.c4.enabled = true;
  EXPECT_EQ(Reason("One. Two. Three. Four.", five), "c4_too_few_sentences");
  EXPECT_EQ(Reason("Line one is here. Two is here. Three is here. Four is here. Five is here.", five), "");
  EXPECT_EQ(Reason("Mr. Smith met Dr. Jones at 3.5 p.m. today. Then they left. It rained. Fine.", five),
            "c4_too_few_sentences");  // abbreviations and decimals end no sentence: 4
}

// test_filters.py: TestC4ParagraphFilter (C4ParagraphFilter()).
TEST(DatatroveCasesTest, C4Paragraph) {
  QualityOptions o = None();
  o.c4_paragraph.enabled = true;
  const std::string para(250, 'x');
  EXPECT_EQ(Reason(para + "\n" + para + "\n" + para, o), "");
  EXPECT_NE(Reason("short\nshort\nshort", o).find("paragraphs"), std::string::npos);
  EXPECT_EQ(Reason(para + "\n" + para + "\n" + std::string(199, 'x'), o), "c4_too_few_paragraphs");  // ours
  EXPECT_EQ(Reason(para + "\n" + para, o), "c4_too_few_paragraphs");                                  // ours
}

// test_filters.py: TestFineWebQualityFilter.
TEST(DatatroveCasesTest, FineWebQuality) {
  QualityOptions o = None();
  o.fineweb.enabled = true;
  EXPECT_EQ(Reason("", o), "fineweb_empty");
  QualityOptions punct = o;  // FineWebQualityFilter(line_punct_thr=0.5)
  punct.fineweb.min_line_punct_ratio = 0.5;
  EXPECT_EQ(Reason("No punctuation here\nAnother line without any\nStill nothing", punct), "fineweb_line_punct_ratio");
  QualityOptions short_lines = o;  // FineWebQualityFilter(short_line_thr=0.5, short_line_length=30, line_punct_thr=0.0)
  short_lines.fineweb.max_short_line_ratio = 0.5;
  short_lines.fineweb.short_line_length = 30;
  short_lines.fineweb.min_line_punct_ratio = 0.0;
  EXPECT_EQ(Reason("hi.\nbye.\nok.\nno.\nyes.", short_lines), "fineweb_short_line_ratio");
  EXPECT_EQ(Reason("This is a well-written paragraph that ends with proper punctuation.\n"
                   "The content here is substantial and has meaningful information.\n"
                   "Quality filtering ensures that only the best documents pass through.\n"
                   "Each line here is long enough and ends with a terminal punctuation mark.\n"
                   "This document should pass all the quality checks applied by the filter.",
                   o),
            "");
  // test_rejects_list_heavy_doc: FineWebQualityFilter(new_line_ratio=0.1) on
  // 50 lines "a". datatrove's test only asserts a rejection; its code rejects
  // it for the punctuation ratio, checked first.
  QualityOptions list = o;
  list.fineweb.max_list_ratio = 0.1;
  std::string as = "a";
  for (int i = 1; i < 50; ++i) as += "\na";
  EXPECT_EQ(Reason(as, list), "fineweb_line_punct_ratio");
  // Ours: the list rule itself, with the rules before it opened up.
  list.fineweb.min_line_punct_ratio = 0;
  list.fineweb.max_short_line_ratio = 1;
  list.fineweb.max_char_dup_ratio = 1;
  EXPECT_EQ(Reason(as, list), "fineweb_list_ratio");
}

// Ours: FineWeb's thresholds at their edges, and what counts as terminal punctuation.
TEST(DatatroveCasesTest, FineWebEdges) {
  QualityOptions o = None();
  o.fineweb.enabled = true;
  const std::string long_line = "A line that is long enough to not be short at all";
  // Quotes and "…" are not terminal punctuation in datatrove's set.
  EXPECT_EQ(Reason(Repeat(long_line + " \u201Cquoted\u201D\n", 4) + long_line + " \u2026", o),
            "fineweb_line_punct_ratio");
  EXPECT_EQ(Reason(Repeat(long_line + "\u3002\n", 2), o), "fineweb_char_dup_ratio");  // 。 is terminal
  // Short lines: 2 of 3 (0.667) is not above 0.67; 3 of 4 is.
  EXPECT_EQ(Reason("Short one.\nShort two.\n" + long_line + ".", o), "");
  EXPECT_EQ(Reason("Short one.\nShort two.\nShort three.\n" + long_line + ".", o), "fineweb_short_line_ratio");
  // Duplicated characters: one repeated line of 10 chars over ~640 chars.
  std::string text;
  for (int i = 0; i < 10; ++i) text += long_line + " number " + std::to_string(100 + i) + ".\n";
  const std::string dup = "Repeat me.";
  EXPECT_EQ(Reason(text + dup + "\n" + dup, o), "fineweb_char_dup_ratio");
  EXPECT_EQ(Reason(Repeat(text, 1) + Repeat(long_line + " more.\n", 1), o), "");
  // Datatrove's lines are not stripped: a trailing space hides the period.
  QualityOptions half = o;
  half.fineweb.min_line_punct_ratio = 0.5;
  EXPECT_EQ(Reason(Repeat(long_line + ". \n", 3) + long_line + ".", half), "fineweb_line_punct_ratio");
}

}  // namespace
}  // namespace textmill
