// End-to-end runs of the textmill binary: exit codes, determinism, bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "unit/test_util.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;
using testing::RunTextmill;
using testing::TempDir;
using testing::WriteFile;

std::string DefaultConfig() { return testing::SourceDir() + "/configs/default.yaml"; }
std::string Examples() { return testing::SourceDir() + "/examples"; }

nlohmann::json ReadReport(const std::string& dir) {
  return nlohmann::json::parse(testing::ReadFile(dir + "/report.json"));
}

TEST(RunnerTest, ExamplesProduceShardsAndReport) {
  TempDir out;
  std::string log;
  ASSERT_EQ(RunTextmill({"run", "-c", DefaultConfig(), "-i", Examples(), "-o", out.path(), "--progress", "none"}, &log),
            0)
      << log;
  const auto lines = testing::ReadShardLines(out.path());
  ASSERT_EQ(lines.size(), 5u);  // six pages; the mirrored article is a near duplicate of the original
  for (const std::string& line : lines) {
    const auto doc = nlohmann::json::parse(line);
    EXPECT_TRUE(doc.contains("id") && doc.contains("text") && doc.contains("source") && doc.contains("metadata"));
    EXPECT_FALSE(doc["text"].get<std::string>().empty());
  }
  const auto report = ReadReport(out.path());
  EXPECT_EQ(report["output"]["documents"], 5);
  EXPECT_EQ(report["inputs"]["files"], 6);
  EXPECT_EQ(report["totals"]["rejects_by_reason"]["duplicate_near"], 1);
  EXPECT_EQ(report["stages"][0]["name"], "ingest");
  EXPECT_TRUE(fs::exists(out / "config.yaml"));
}

TEST(RunnerTest, OneThreadAndManyThreadsWriteIdenticalBytes) {
  TempDir in, out1, out4;
  // Enough documents for many batches; distinct words so they are not near duplicates.
  const std::vector<std::string> words = {"river", "council", "bridge", "budget", "market", "harbour", "school",
                                          "library", "festival", "train", "museum", "garden", "weather", "doctor",
                                          "bakery", "stadium", "forest", "village", "island", "concert"};
  std::mt19937 rng(42);
  for (int i = 0; i < 300; ++i) {
    std::string paragraph = "This paragraph about";
    for (int w = 0; w < 30; ++w) paragraph += " " + words[rng() % words.size()];
    WriteFile(in / ("d" + std::to_string(i / 50) + "/p" + std::to_string(i) + ".txt"),
              "Title number " + std::to_string(i) + "\n\n" + paragraph + ", written as prose for the output.\n");
  }
  for (const auto& [dir, threads] : {std::pair{&out1, "1"}, {&out4, "4"}}) {
    ASSERT_EQ(RunTextmill({"run", "-c", DefaultConfig(), "-i", in.path(), "-o", dir->path(), "-j", threads,
                           "--set", "batch_size=7", "--set", "output.shard_size_mib=1", "--set",
                           "stages.quality.mode=annotate", "--progress", "none"}),
              0);
  }
  const auto a = testing::ReadShardLines(out1.path());
  const auto b = testing::ReadShardLines(out4.path());
  ASSERT_EQ(a.size(), 300u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(testing::ReadFile(out1 / "part-00000-00000.jsonl.zst"), testing::ReadFile(out4 / "part-00000-00000.jsonl.zst"));
}

TEST(RunnerTest, BadInputsAreReportedAndTheRunGoesOn) {
  TempDir in, out;
  const std::string good = "A good page\n\nThis paragraph is long enough to be kept as the article body of a page "
                           "that arrived as text, and it stays in the corpus.\n";
  WriteFile(in / "good.txt", good);
  WriteFile(in / "empty.html", "");
  WriteFile(in / "binary.html", std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10", 20));
  // Declared UTF-8 with broken sequences: repaired with U+FFFD, not dropped.
  WriteFile(in / "invalid-utf8.html", "<html><head><meta charset='utf-8'></head><body><p>This paragraph has bad "
                                      "bytes here \xC3\x28 and \xFF there, and is long enough to be kept as the "
                                      "article body of the page.</p></body></html>");
  WriteFile(in / "corrupt.html.gz", testing::GzipCompress(good).substr(0, 30));
  WriteFile(in / "records.jsonl", "{\"id\":\"r1\",\"text\":\"" + std::string("A JSONL record with enough text to be "
            "kept as prose by the text cleaner, which wants a sentence.") + "\"}\n{broken\n");
  {
    std::ofstream big(in / "big.html", std::ios::binary);
    const std::string chunk(1 << 20, 'a');
    for (int i = 0; i < 200; ++i) big.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  }
  fs::create_directory_symlink(in.path(), in / "loop");
  std::string log;
  const int code = RunTextmill({"run", "-c", DefaultConfig(), "-i", in.path(), "-i", in / "missing-dir", "-i",
                                "/proc/self/mem", "-o", out.path(), "--set", "output.rejects=true", "--set",
                                "stages.quality.mode=annotate", "--progress", "none"},
                               &log);
  EXPECT_EQ(code, 3) << log;
  const auto report = ReadReport(out.path());
  const auto& rejects = report["totals"]["rejects_by_reason"];
  EXPECT_EQ(rejects["empty"], 1) << report.dump(2);
  EXPECT_EQ(rejects["binary"], 1);
  EXPECT_EQ(rejects["too_large"], 1);
  EXPECT_EQ(rejects["bad_json"], 1);
  EXPECT_EQ(rejects["corrupt_input"], 1);
  EXPECT_EQ(rejects["read_error"], 1);
  std::string unreadable = report["inputs"]["unreadable"].dump();
  for (const char* what : {"corrupt.html.gz", "missing-dir", "symlink loop", "/proc/self/mem"}) {
    EXPECT_NE(unreadable.find(what), std::string::npos) << what << " in " << unreadable;
  }
  const auto lines = testing::ReadShardLines(out.path());
  ASSERT_EQ(lines.size(), 3u);  // in input order: good.txt, invalid-utf8.html, records.jsonl:1
  EXPECT_NE(lines[0].find("good.txt"), std::string::npos);
  EXPECT_NE(lines[1].find("\xEF\xBF\xBD"), std::string::npos);  // repaired, not dropped
  EXPECT_NE(lines[2].find("\"r1\""), std::string::npos);
  // Every rejected document is in rejects/ with its reason.
  const auto rejected = testing::ReadShardLines(out / "rejects");
  EXPECT_EQ(rejected.size(), 6u);
}

TEST(RunnerTest, ConfigErrorExitsTwoBeforeAnyOutput) {
  TempDir dir;
  WriteFile(dir / "bad.yaml", "stages:\n  - normalize:\n      form: NFQ\n");
  std::string log;
  EXPECT_EQ(RunTextmill({"run", "-c", dir / "bad.yaml", "-i", Examples(), "-o", dir / "out"}, &log), 2);
  EXPECT_NE(log.find("stages[0].normalize.form (line 3)"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(dir / "out"));
  EXPECT_EQ(RunTextmill({"validate", "-c", dir / "bad.yaml"}), 2);
  EXPECT_EQ(RunTextmill({"validate", "-c", DefaultConfig()}), 0);
}

TEST(RunnerTest, UsageErrorsAndVersion) {
  std::string out;
  EXPECT_EQ(RunTextmill({"--version"}, &out), 0);
  EXPECT_NE(out.find("textmill 0."), std::string::npos);
  EXPECT_EQ(RunTextmill({"frobnicate"}), 2);
  EXPECT_EQ(RunTextmill({"run", "-c", DefaultConfig(), "--shard", "3/2"}), 2);
  EXPECT_EQ(RunTextmill({"run", "-c", DefaultConfig(), "--bogus"}), 2);
  EXPECT_EQ(RunTextmill({"run", "-c", DefaultConfig()}), 2);  // no inputs
  EXPECT_EQ(RunTextmill({"run", "--help"}), 0);
}

TEST(RunnerTest, ShardsSplitInputsAndNeverCollide) {
  TempDir out;
  size_t total = 0;
  for (const char* shard : {"0/2", "1/2"}) {
    ASSERT_EQ(RunTextmill({"run", "-c", DefaultConfig(), "-i", Examples(), "-o", out.path(), "--shard", shard,
                           "--progress", "none"}),
              0);
  }
  EXPECT_TRUE(fs::exists(out / "part-00000-00000.jsonl.zst"));
  EXPECT_TRUE(fs::exists(out / "part-00001-00000.jsonl.zst"));
  EXPECT_TRUE(fs::exists(out / "part-00000.report.json"));
  total = testing::ReadShardLines(out.path()).size();
  EXPECT_EQ(total, 6u);
}

}  // namespace
}  // namespace textmill
