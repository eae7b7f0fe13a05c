#include "stages/quality/quality.h"

#include <gtest/gtest.h>

#include "stages/quality/quality_rules.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

// Plain, good English prose: `sentences` distinct sentences, one per line.
std::string Prose(int sentences) {
  static const char* kSentences[] = {
      "The city council voted on Tuesday to approve the budget for a new bridge.",
      "Engineers warned last spring that the steel supports were corroding quickly.",
      "Heavy trucks have been banned from the old crossing since October.",
      "Construction should begin next spring and take about three years.",
      "A temporary ferry will carry pedestrians during the busiest months.",
      "The mayor called it the most important investment in a generation.",
      "Residents of both banks have waited for a decision for almost six years.",
      "Cyclists welcomed the plan because it includes a protected lane.",
      "Landscaping of the river banks was postponed to a later phase.",
      "The state will pay for most of the cost, according to the budget office.",
      "Local shops hope the new bridge brings more visitors to the old town.",
      "Opponents argued that the money should have gone to schools instead.",
  };
  std::string out;
  for (int i = 0; i < sentences; ++i) out += std::string(kSentences[i % 12]) + "\n";
  return out;
}

// `n` distinct words, each a different made-up token plus a stop word or two.
std::string Words(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i % 4 == 0 ? "the " : "word" + std::to_string(i) + " ");
  return out;
}

QualityStage MakeStage(QualityOptions options = {}) {
  StageContext context;
  context.config_dir = testing::SourceDir() + "/configs";
  options.stop_words = "stopwords.yaml";
  return QualityStage(options, context);
}

std::string RejectOf(const std::string& text, QualityOptions options = {}, const std::string& lang = "en") {
  QualityStage stage = MakeStage(options);
  Document doc;
  doc.text = text;
  doc.lang = lang;
  stage.ProcessDoc(doc);
  return doc.reject_reason;
}

TEST(QualityRulesTest, GopherMeasures) {
  const std::string text = "The cat sat on the mat... # and then?\n- item\n- item two";
  const GopherQualityValues v = MeasureGopherQuality(text, SplitWords(text), nullptr);
  EXPECT_EQ(v.n_non_symbol_words, 11);  // punctuation tokens are not words for the length rules
  EXPECT_EQ(v.n_words, 16);             // ... but count for the ratios: "..." "#" "?" "-" "-"
  EXPECT_NEAR(v.hash_ratio, 1.0 / 16, 1e-9);
  EXPECT_NEAR(v.ellipsis_ratio, 1.0 / 16, 1e-9);
  EXPECT_NEAR(v.alpha_words_ratio, 11.0 / 16, 1e-9);
  EXPECT_NEAR(v.bullet_lines_ratio, 2.0 / 3, 1e-9);
  EXPECT_NEAR(v.end_ellipsis_ratio, 0.0, 1e-9);
  EXPECT_EQ(v.stop_words, -1);
}

TEST(QualityRulesTest, RepetitionMeasures) {
  const std::string text = "a b\nc d\na b\n\nx y\n\nx y";
  const GopherRepetitionValues v = MeasureGopherRepetition(text, SplitWords(text));
  EXPECT_NEAR(v.dup_para_frac, 1.0 / 3, 1e-9);
  EXPECT_NEAR(v.dup_line_frac, 2.0 / 5, 1e-9);  // "a b", "x y" repeat
  const std::string spam = "buy now buy now buy now buy now";
  const GopherRepetitionValues top = MeasureGopherRepetition(spam, SplitWords(spam));
  EXPECT_NEAR(top.top_ngram_char_frac.at(2), 7.0 * 4 / 31, 1e-9);  // "buy now" x4 over 31 chars
  // Duplicated n-grams are joined without spaces: "ab c d e f" == "a bc d e f".
  const std::string joined = "ab c d e f x a bc d e f";
  const GopherRepetitionValues dup = MeasureGopherRepetition(joined, SplitWords(joined));
  EXPECT_NEAR(dup.dup_ngram_char_frac.at(5), 6.0 / 23, 1e-9);
  // The top n-gram is the most frequent one, not the one with the most characters.
  const std::string most = "a b a b a b xxxxxxxx yyyyyyyy xxxxxxxx yyyyyyyy";
  EXPECT_NEAR(MeasureGopherRepetition(most, SplitWords(most)).top_ngram_char_frac.at(2), 3.0 * 3 / 47, 1e-9);
}

TEST(QualityRulesTest, PythonLinesAndStrip) {
  EXPECT_EQ(SplitLinesPython("a\r\nb\rc\n\nd\n"), (std::vector<std::string_view>{"a", "b", "c", "", "d"}));
  EXPECT_EQ(SplitLinesPython("a\u2028b\fc"), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(StripPython("\u00A0 \t x y \u3000\n"), "x y");
}

TEST(QualityRulesTest, C4AndFineWebMeasures) {
  const C4Values c4 = MeasureC4("Good line with words.\nno punctuation here\nTwo words.\nEnable javascript to see this.\n"
                                "Read our privacy policy now.\nAnother good line ends well!",
                                C4Settings{});
  EXPECT_EQ(c4.lines_total, 6);
  EXPECT_EQ(c4.lines_removed, 4);
  EXPECT_EQ(c4.kept_text, "Good line with words.\nAnother good line ends well!");
  EXPECT_EQ(c4.sentences, 2);
  const std::string lines = "Short.\nAnother short\nA much longer line that goes past thirty chars.";
  const FineWebValues fw = MeasureFineWeb(lines, SplitWords(lines).size(), 30);
  EXPECT_NEAR(fw.line_punct_ratio, 2.0 / 3, 1e-9);
  EXPECT_NEAR(fw.short_line_ratio, 2.0 / 3, 1e-9);
}

TEST(QualityStageTest, GoodDocumentPasses) { EXPECT_EQ(RejectOf(Prose(8)), ""); }

TEST(QualityStageTest, EachGopherQualityRuleOnBothSides) {
  QualityOptions only;
  only.repetition.enabled = only.c4.enabled = only.fineweb.enabled = false;
  EXPECT_EQ(RejectOf(Words(48) + "and with.", only), "");  // 50 words
  EXPECT_EQ(RejectOf(Words(48) + "and.", only), "gopher_short_doc");  // 49 words
  QualityOptions low_max = only;
  low_max.gopher.max_words = 60;
  EXPECT_EQ(RejectOf(Words(61), low_max), "gopher_long_doc");
  std::string shouty;
  for (int i = 0; i < 60; ++i) shouty += "extraordinarily ";
  EXPECT_EQ(RejectOf(shouty + "the and", only), "gopher_above_avg_threshold");
  std::string tiny;
  for (int i = 0; i < 60; ++i) tiny += "a b the of ";
  EXPECT_EQ(RejectOf(tiny, only), "gopher_below_avg_threshold");
  EXPECT_EQ(RejectOf(Prose(5) + std::string(10, '#'), only), "gopher_too_many_hashes");
  EXPECT_EQ(RejectOf(Prose(5) + "... ... ... ... ... ... ... ...", only), "gopher_too_many_ellipsis");
  std::string bullets;
  for (int i = 0; i < 10; ++i) bullets += "- the river council said that work on the old bridge starts\n";
  EXPECT_EQ(RejectOf(bullets, only), "gopher_too_many_bullets");
  std::string ellipsis_lines;
  for (int i = 0; i < 6; ++i) ellipsis_lines += "the river council said that the work will start soon and then\u2026\n";
  EXPECT_EQ(RejectOf(ellipsis_lines + Prose(2), only), "gopher_too_many_end_ellipsis");
  std::string numbers = Prose(6);
  for (int i = 0; i < 30; ++i) numbers += std::to_string(1000 + i) + " ";
  EXPECT_EQ(RejectOf(numbers, only), "gopher_below_alpha_threshold");
  std::string few_numbers = Prose(6);
  for (int i = 0; i < 5; ++i) few_numbers += std::to_string(1000 + i) + " ";
  EXPECT_EQ(RejectOf(few_numbers, only), "");
  std::string no_stop;
  for (int i = 0; i < 10; ++i) no_stop += "river council bridge spring season work started early ";
  EXPECT_EQ(RejectOf(no_stop, only), "gopher_enough_stop_words");
  EXPECT_EQ(RejectOf(no_stop, only, "fi"), "");  // no stop list for Finnish: rule skipped
}

TEST(QualityStageTest, ZeroSwitchesAGopherRuleOff) {
  QualityOptions only;
  only.repetition.enabled = only.c4.enabled = only.fineweb.enabled = false;
  EXPECT_EQ(RejectOf("Too short.", only), "gopher_short_doc");
  only.gopher.min_words = 0;
  EXPECT_EQ(RejectOf("Too short.", only), "gopher_below_alpha_threshold");  // "." is 1 of 3 tokens
  only.gopher.min_alpha_words_ratio = 0;
  EXPECT_EQ(RejectOf("Too short.", only), "gopher_enough_stop_words");
  only.gopher.min_stop_words = 0;
  EXPECT_EQ(RejectOf("Too short.", only), "");
}

TEST(QualityStageTest, RepetitionRules) {
  QualityOptions only;
  only.gopher.enabled = only.c4.enabled = only.fineweb.enabled = false;
  const std::string line = "The ferry will run during the busiest months of the year.\n";
  std::string repeated;
  for (int i = 0; i < 5; ++i) repeated += line;
  EXPECT_EQ(RejectOf(repeated + Prose(3), only), "gopher_dup_line_frac");
  EXPECT_EQ(RejectOf(Prose(12), only), "");
  std::string spam = Prose(6);
  for (int i = 0; i < 40; ++i) spam += "buy now ";
  EXPECT_EQ(RejectOf(spam, only), "gopher_top_2_gram");
}

TEST(QualityStageTest, C4Rules) {
  QualityOptions only;
  only.gopher.enabled = only.repetition.enabled = only.fineweb.enabled = false;
  EXPECT_EQ(RejectOf(Prose(5), only), "");
  EXPECT_EQ(RejectOf(Prose(4), only), "c4_too_few_sentences");
  EXPECT_EQ(RejectOf(Prose(6) + "Lorem ipsum dolor sit amet.", only), "c4_lorem_ipsum");
  EXPECT_EQ(RejectOf(Prose(6) + "Call function() { return 1; } now.", only), "c4_curly_bracket");
  // A line without terminal punctuation is removed before its bracket is seen.
  EXPECT_EQ(RejectOf(Prose(6) + "function() { return 1; }", only), "");
  // A word over 1000 characters removes its line, not the page (datatrove; TFDS c4_utils).
  EXPECT_EQ(RejectOf(Prose(6) + std::string(1001, 'x') + ".", only), "");
  // Drop mode removes C4's bad lines from kept documents.
  QualityStage stage = MakeStage(only);
  Document doc;
  doc.text = Prose(6) + "Menu Home\nPlease enable javascript in your browser now.";
  doc.lang = "en";
  stage.ProcessDoc(doc);
  EXPECT_FALSE(doc.rejected());
  EXPECT_EQ(doc.text.find("javascript"), std::string::npos);
  EXPECT_EQ(doc.text.find("Menu Home"), std::string::npos);
}

TEST(QualityStageTest, FineWebRules) {
  QualityOptions only;
  only.gopher.enabled = only.repetition.enabled = only.c4.enabled = false;
  EXPECT_EQ(RejectOf(Prose(8), only), "");
  std::string no_punct;
  for (int i = 0; i < 10; ++i) no_punct += "the river council said that work on the old bridge starts " + std::to_string(i) + "\n";
  EXPECT_EQ(RejectOf(no_punct, only), "fineweb_line_punct_ratio");
  std::string short_lines = Prose(2);
  for (int i = 0; i < 10; ++i) short_lines += "Short line " + std::to_string(i) + ".\n";
  EXPECT_EQ(RejectOf(short_lines, only), "fineweb_short_line_ratio");
  EXPECT_EQ(RejectOf(Prose(8) + "Engineers warned last spring that the steel supports were corroding quickly.\n", only),
            "fineweb_char_dup_ratio");
  std::string list;
  for (int i = 0; i < 20; ++i) list += "Item " + std::to_string(i) + ".\n";
  QualityOptions list_only = only;
  list_only.fineweb.max_short_line_ratio = 1.1;  // isolate the list rule
  EXPECT_EQ(RejectOf(list, list_only), "fineweb_list_ratio");
}

TEST(QualityStageTest, AnnotateModeKeepsAndRecords) {
  QualityOptions annotate;
  annotate.mode = "annotate";
  QualityStage stage = MakeStage(annotate);
  Document doc;
  doc.text = "Too short.";
  doc.lang = "en";
  stage.ProcessDoc(doc);
  EXPECT_FALSE(doc.rejected());
  EXPECT_EQ(doc.text, "Too short.");
  // Repetition is checked first (FineWeb's order): "Too short" is 9 of 10 characters.
  EXPECT_EQ(doc.metadata["quality"]["first_failed_rule"], "gopher_top_2_gram");
  EXPECT_EQ(doc.metadata["quality"]["gopher"]["n_words"], 2);
  EXPECT_EQ(doc.metadata["quality"]["gopher"]["n_tokens"], 3);
  EXPECT_TRUE(doc.metadata["quality"].contains("fineweb"));
}

TEST(QualityStageTest, ChineseSkipsSpaceAndPunctuationRules) {
  std::string zh;
  for (int i = 0; i < 30; ++i) zh += "北京是中华人民共和国的首都，也是全国的政治中心和文化中心。";
  QualityOptions options;
  options.repetition.enabled = false;  // the sample repeats one sentence on purpose
  EXPECT_EQ(RejectOf(zh, options, "zh"), "");
}

}  // namespace
}  // namespace textmill
