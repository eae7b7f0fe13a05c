#include "pipeline/output_dir.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline/errors.h"
#include "pipeline/io/input_files.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

OutputGuardFacts Facts(const std::string& dir, const std::string& job, int rank = 0, int count = 1) {
  OutputGuardFacts facts;
  facts.dir = dir;
  facts.job = job;
  facts.rank = rank;
  facts.count = count;
  return facts;
}

TEST(OutputDirTest, EmptyOrMissingDirProceeds) {
  TempDir dir;
  std::string message;
  EXPECT_EQ(CheckOutputDir(Facts(dir / "new", "job"), &message), OutputVerdict::kProceed);
  EXPECT_EQ(CheckOutputDir(Facts(dir.path(), "job"), &message), OutputVerdict::kProceed);
}

TEST(OutputDirTest, AnotherRunsOutputIsRefusedUnlessOverwrite) {
  TempDir dir;
  WriteFile(dir / "part-00000-00000.jsonl.zst", "x");  // no job file: an older textmill's output
  std::string message;
  EXPECT_THROW(CheckOutputDir(Facts(dir.path(), "job"), &message), ConfigError);
  WriteJobFile(dir.path(), "other", "test");
  EXPECT_THROW(CheckOutputDir(Facts(dir.path(), "job"), &message), ConfigError);
  OutputGuardFacts overwrite = Facts(dir.path(), "job");
  overwrite.overwrite = true;
  EXPECT_EQ(CheckOutputDir(overwrite, &message), OutputVerdict::kProceed);
}

TEST(OutputDirTest, FinishedSameCommandIsNothingToDo) {
  TempDir dir;
  WriteJobFile(dir.path(), "job", "test");
  WriteFile(dir / "part-00000-00000.jsonl.zst", "x");
  std::string message;
  // No report yet: an unfinished attempt of this job, whose files are replaced.
  EXPECT_EQ(CheckOutputDir(Facts(dir.path(), "job"), &message), OutputVerdict::kProceed);
  WriteFile(dir / "report.json", "{}");
  EXPECT_EQ(CheckOutputDir(Facts(dir.path(), "job"), &message), OutputVerdict::kNothingToDo);
  EXPECT_NE(message.find("nothing to do"), std::string::npos);
}

TEST(OutputDirTest, SiblingRanksShareTheDirStaleRanksDoNot) {
  TempDir dir;
  WriteJobFile(dir.path(), "job-n2", "test");
  WriteFile(dir / "part-00001-00000.jsonl.zst", "x");
  WriteFile(dir / "part-00001.report.json", "{}");
  std::string message;
  EXPECT_EQ(CheckOutputDir(Facts(dir.path(), "job-n2", 0, 2), &message), OutputVerdict::kProceed);
  EXPECT_THROW(CheckOutputDir(Facts(dir.path(), "job-n1", 0, 1), &message), ConfigError);
}

TEST(OutputDirTest, StateRecordsDecide) {
  TempDir dir;
  WriteJobFile(dir.path(), "job", "test");
  WriteFile(dir / "part-00000-00000.jsonl.zst", "x");
  WriteFile(dir / "report.json", "{}");
  OutputGuardFacts facts = Facts(dir.path(), "job");
  facts.has_state = true;
  std::string message;
  facts.finished_run = "run 1";
  EXPECT_EQ(CheckOutputDir(facts, &message), OutputVerdict::kNothingToDo);
  facts.new_inputs = true;
  EXPECT_THROW(CheckOutputDir(facts, &message), ConfigError);
  facts.finished_run.clear();  // killed before the manifest commit: redone in place
  facts.resuming_here = true;
  EXPECT_EQ(CheckOutputDir(facts, &message), OutputVerdict::kProceed);
  facts.resuming_here = false;  // a report but no record: not ours to replace
  EXPECT_THROW(CheckOutputDir(facts, &message), ConfigError);
}

TEST(OutputDirTest, RemoveOutputFilesOfOneRankOrAll) {
  TempDir dir;
  WriteFile(dir / "part-00000-00000.jsonl.zst", "x");
  WriteFile(dir / "part-00001-00000.jsonl.zst", "x");
  WriteFile(dir / "rejects/part-00000-00000.jsonl.zst", "x");
  WriteFile(dir / "part-00000.report.json", "{}");
  WriteFile(dir / "notes.txt", "mine");
  RemoveOutputFiles(dir.path(), 0, 2);
  EXPECT_FALSE(fs::exists(dir / "part-00000-00000.jsonl.zst"));
  EXPECT_FALSE(fs::exists(dir / "rejects/part-00000-00000.jsonl.zst"));
  EXPECT_FALSE(fs::exists(dir / "part-00000.report.json"));
  EXPECT_TRUE(fs::exists(dir / "part-00001-00000.jsonl.zst"));
  RemoveOutputFiles(dir.path(), -1, 2);
  EXPECT_FALSE(fs::exists(dir / "part-00001-00000.jsonl.zst"));
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));
}

TEST(OutputDirTest, OutputAndStateDirsAreNeverInputs) {
  TempDir dir;
  WriteFile(dir / "in/page.html", "<p>x</p>");
  WriteFile(dir / "in/out/part-00000-00000.jsonl", "{}");
  WriteFile(dir / "in/state/notes.txt", "x");
  WriteFile(dir / "in/old/part-00000-00000.jsonl", "{}");  // another run's output dir
  WriteJobFile(dir / "in/old", "old", "test");
  const InputListing listing = ListInputs({dir / "in"}, ReaderOptions{}, {dir / "in/out", dir / "in/state"});
  ASSERT_EQ(listing.files.size(), 1u);
  EXPECT_EQ(listing.files[0].relative, "page.html");
  EXPECT_EQ(listing.skipped_dirs.size(), 3u);
}

TEST(OutputDirTest, EmptyListingNamesExtensionCounts) {
  TempDir dir;
  WriteFile(dir / "a.pdf", "x");
  WriteFile(dir / "b.pdf", "x");
  const InputListing listing = ListInputs({dir.path()}, ReaderOptions{});
  EXPECT_TRUE(listing.files.empty());
  EXPECT_NE(DescribeEmptyListing({dir.path()}, listing).find("pdf 2"), std::string::npos);
}

TEST(OutputDirTest, DefaultExtensionsCoverEveryReader) {
  TempDir dir;
  for (const char* name : {"a.warc.gz", "b.json.gz", "c.jsonl.zst", "d.ndjson", "e.html", "f.txt"}) {
    WriteFile(dir / name, "x");
  }
  const InputListing listing = ListInputs({dir.path()}, ReaderOptions{});
  EXPECT_EQ(listing.files.size(), 6u);
  EXPECT_EQ(FormatFromName("x.json.gz"), InputFormat::kJsonl);
}

}  // namespace
}  // namespace textmill
