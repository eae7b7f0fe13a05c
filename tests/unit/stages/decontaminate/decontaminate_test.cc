#include "stages/decontaminate/decontaminate.h"

#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "stages/decontaminate/ngram_words.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::vector<uint64_t> Hashes(std::string_view text) {
  std::vector<WordSpan> words;
  SplitNormalizedWords(text, words);
  std::vector<uint64_t> out;
  for (const WordSpan& w : words) out.push_back(w.hash);
  return out;
}

TEST(NgramWords, CaseAndPunctuationDoNotMatter) {
  EXPECT_EQ(Hashes("The QUICK, brown fox!"), Hashes("the quick brown -- fox"));
  EXPECT_EQ(Hashes("ÉCOLE Ärger"), Hashes("école ärger"));
  EXPECT_NE(Hashes("a b c"), Hashes("a b d"));
  std::vector<WordSpan> words;
  SplitNormalizedWords("  Hello, wörld  ", words);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].begin, 2u);
  EXPECT_EQ(words[0].end, 7u);
  EXPECT_EQ(words[1].begin, 9u);
  EXPECT_EQ(words[1].end, 15u);  // "wörld" is 6 bytes
  SplitNormalizedWords("", words);
  EXPECT_TRUE(words.empty());
}

DecontaminateStage MakeDecontaminateStage(const TempDir& dir, const std::string& mode, int margin = 0, int min_piece = 0,
                             int max_pieces = 10) {
  WriteFile(dir / "bench/qa.jsonl",
            "{\"question\": {\"text\": \"alpha beta gamma delta\"}}\n"
            "not json\n"
            "{\"other\": 1}\n"
            "{\"question\": {\"text\": \"too short\"}}\n");
  WriteFile(dir / "bench/sub/passages.txt", "one two three four five\n\n");
  DecontaminateOptions options;
  options.benchmarks = {"bench"};
  options.field = "question.text";
  options.ngram = 3;
  options.mode = mode;
  options.margin_chars = margin;
  options.min_piece_chars = min_piece;
  options.max_pieces = max_pieces;
  StageContext context;
  context.config_dir = dir.path();
  DecontaminateStage stage(options, context);
  stage.Load();
  return stage;
}

TEST(Decontaminate, LoadsJsonlFieldsAndTextLinesCountingBadOnes) {
  TempDir dir;
  const DecontaminateStage stage = MakeDecontaminateStage(dir, "drop");
  const Json stats = stage.Stats();
  const Json& files = stats["benchmarks"]["files"];
  EXPECT_EQ(files["bench/qa.jsonl"]["examples"], 2);
  EXPECT_EQ(files["bench/qa.jsonl"]["ngrams"], 2);  // alpha beta gamma, beta gamma delta
  EXPECT_EQ(files["bench/qa.jsonl"]["short_examples"], 1);
  EXPECT_EQ(files["bench/qa.jsonl"]["bad_lines"], 2);
  EXPECT_EQ(files["bench/sub/passages.txt"]["ngrams"], 3);
  EXPECT_EQ(stats["benchmarks"]["ngrams"], 5);
  EXPECT_GT(stats["benchmarks"]["table_bytes"].get<int64_t>(), 0);
}

TEST(Decontaminate, DropRejectsAndCountsPerBenchmark) {
  TempDir dir;
  DecontaminateStage stage = MakeDecontaminateStage(dir, "drop");
  Document hit, near_miss, clean;
  hit.text = "Intro text. ALPHA, beta; Gamma! more";
  near_miss.text = "alpha beta delta gamma";
  clean.text = "nothing here at all";
  for (Document* doc : {&hit, &near_miss, &clean}) stage.ProcessDoc(*doc);
  EXPECT_EQ(hit.reject_reason, "benchmark_overlap");
  EXPECT_FALSE(near_miss.rejected());
  EXPECT_FALSE(clean.rejected());
  const Json stats = stage.Stats();
  EXPECT_EQ(stats["docs_contaminated"], 1);
  EXPECT_EQ(stats["benchmark.bench/qa.jsonl"], 1);
  EXPECT_EQ(stats["benchmarks"]["files"]["bench/qa.jsonl"]["documents_matched"], 1);
}

TEST(Decontaminate, CutRemovesTheSpanWithItsMargin) {
  TempDir dir;
  DecontaminateStage stage = MakeDecontaminateStage(dir, "cut", /*margin=*/3);
  Document doc;
  doc.text = "keep this part. xx alpha beta gamma yy and keep this too";
  stage.ProcessDoc(doc);
  ASSERT_FALSE(doc.rejected());
  // "alpha beta gamma" plus 3 characters each side ("xx " and " yy"), the
  // pieces trimmed and joined by a blank line.
  EXPECT_EQ(doc.text, "keep this part.\n\nand keep this too");
  EXPECT_EQ(doc.metadata["decontaminate"]["ngrams"], 1);
  EXPECT_EQ(stage.Stats()["docs_cut"], 1);
}

TEST(Decontaminate, AnnotateKeepsTheText) {
  TempDir dir;
  DecontaminateStage stage = MakeDecontaminateStage(dir, "annotate");
  Document doc;
  doc.text = "x alpha beta gamma y";
  stage.ProcessDoc(doc);
  EXPECT_FALSE(doc.rejected());
  EXPECT_EQ(doc.text, "x alpha beta gamma y");
  EXPECT_EQ(doc.metadata["decontaminate"]["benchmarks"][0], "bench/qa.jsonl");
}

TEST(Decontaminate, CutDropsShortPiecesAndRejectsTooManyPieces) {
  TempDir dir;
  DecontaminateStage short_pieces = MakeDecontaminateStage(dir, "cut", 0, /*min_piece=*/10);
  Document doc;
  doc.text = "tiny alpha beta gamma this piece is long enough";
  short_pieces.ProcessDoc(doc);
  EXPECT_EQ(doc.text, "this piece is long enough");
  Document only;
  only.text = "alpha beta gamma delta";
  short_pieces.ProcessDoc(only);
  EXPECT_EQ(only.reject_reason, "benchmark_overlap");  // nothing left

  DecontaminateStage few = MakeDecontaminateStage(dir, "cut", 0, 0, /*max_pieces=*/2);
  Document many;
  many.text = "a one two three b one two three c one two three d";
  few.ProcessDoc(many);
  EXPECT_EQ(many.reject_reason, "benchmark_overlap");
  EXPECT_EQ(few.Stats()["docs_too_many_pieces"], 1);
}

TEST(Decontaminate, CutNeverSplitsACharacter) {
  TempDir dir;
  DecontaminateStage stage = MakeDecontaminateStage(dir, "cut", /*margin=*/2);
  Document doc;
  doc.text = "ééé alpha beta gamma ééé";
  stage.ProcessDoc(doc);
  EXPECT_EQ(doc.text, "éé\n\néé");  // 2 characters (" é"), not 2 bytes
}

TEST(Decontaminate, MissingBenchmarkIsAConfigErrorNamingIt) {
  TempDir dir;
  DecontaminateOptions options;
  options.benchmarks = {dir / "nope.jsonl"};
  try {
    DecontaminateStage stage(options, StageContext{});
    stage.Load();
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("nope.jsonl"), std::string::npos) << e.what();
  }
}

TEST(Decontaminate, WithoutBenchmarksItIsOff) {
  DecontaminateStage stage(DecontaminateOptions{}, StageContext{});
  stage.Load();
  Document doc;
  doc.text = "anything at all here";
  stage.ProcessDoc(doc);
  EXPECT_FALSE(doc.rejected());
  EXPECT_TRUE(stage.Stats().empty());
}

}  // namespace
}  // namespace textmill
