#include "pipeline/phases.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline/errors.h"
#include "pipeline/io/bucket_file.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::TempDir;

struct Pair {
  uint64_t key, value;
};

TEST(BucketFile, EveryRecordReachesItsBucketAcrossWritersAndSpills) {
  TempDir dir;
  constexpr uint32_t kBuckets = 5;
  std::vector<std::string> paths;
  std::vector<std::vector<uint64_t>> expected(kBuckets);
  for (int writer = 0; writer < 3; ++writer) {
    paths.push_back(dir / ("w" + std::to_string(writer) + ".bin"));
    BucketFileWriter out(paths.back(), kBuckets, sizeof(Pair), /*memory_budget=*/256);  // many spills
    for (uint64_t i = 0; i < 1000; ++i) {
      const Pair p{i * 0x9E3779B97F4A7C15ull, static_cast<uint64_t>(writer) * 1000 + i};
      const uint32_t bucket = BucketOf(p.key, kBuckets);
      out.Add(&bucket, &p, 1);
      expected[bucket].push_back(p.value);
    }
    out.Close();
  }
  size_t total = 0;
  for (uint32_t b = 0; b < kBuckets; ++b) {
    std::vector<uint64_t> got;
    for (const Pair& p : ReadBucketRecords<Pair>(paths, b, kBuckets)) {
      EXPECT_EQ(BucketOf(p.key, kBuckets), b);
      got.push_back(p.value);
    }
    std::sort(got.begin(), got.end());
    std::sort(expected[b].begin(), expected[b].end());
    EXPECT_EQ(got, expected[b]);
    total += got.size();
  }
  EXPECT_EQ(total, 3000u);
}

TEST(BucketFile, KilledWriterLeavesNothingThatLooksComplete) {
  TempDir dir;
  {
    BucketFileWriter out(dir / "w.bin", 2, sizeof(Pair));
    const Pair p{1, 2};
    const uint32_t bucket = 0;
    out.Add(&bucket, &p, 1);
    // destroyed without Close(), as a failed task would be
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "w.bin"));
  EXPECT_THROW(ReadBucketRecords<Pair>({dir / "w.bin"}, 0, 2), RuntimeError);
}

TEST(BucketFile, ShapeMismatchAndTruncationAreErrors) {
  TempDir dir;
  BucketFileWriter out(dir / "w.bin", 4, sizeof(Pair));
  const Pair p{1, 2};
  const uint32_t bucket = 3;
  out.Add(&bucket, &p, 1);
  out.Close();
  EXPECT_THROW(ReadBucketRecords<Pair>({dir / "w.bin"}, 0, 8), RuntimeError);      // other bucket count
  EXPECT_THROW(ReadBucketRecords<uint64_t>({dir / "w.bin"}, 0, 4), RuntimeError);  // other record size
  std::filesystem::resize_file(dir / "w.bin", 8);
  EXPECT_THROW(ReadBucketRecords<Pair>({dir / "w.bin"}, 3, 4), RuntimeError);
}

TEST(BucketFile, BucketsSplitTheHashSpaceEvenly) {
  EXPECT_EQ(BucketOf(0, 7), 0u);
  EXPECT_EQ(BucketOf(UINT64_MAX, 7), 6u);
  EXPECT_EQ(BucketOf(uint64_t{1} << 63, 2), 1u);
  EXPECT_EQ(BucketOf((uint64_t{1} << 63) - 1, 2), 0u);
}

TEST(Phases, CompletionRecordsGateTheNextPhase) {
  TempDir dir;
  EXPECT_NO_THROW(RequirePreviousPhase(dir.path(), "process", 3));  // the first phase needs nothing
  RecordPhaseTaskDone(dir.path(), "process", 0, Json::object());
  RecordPhaseTaskDone(dir.path(), "process", 2, Json::object());
  try {
    RequirePreviousPhase(dir.path(), "count", 3);
    FAIL() << "count started with process task 1 missing";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("tasks 1)"), std::string::npos) << e.what();
  }
  RecordPhaseTaskDone(dir.path(), "process", 1, Json::object());
  EXPECT_NO_THROW(RequirePreviousPhase(dir.path(), "count", 3));
  // merge is one task: lines needs only merge.0.
  RecordPhaseTaskDone(dir.path(), "merge", 0, Json::object());
  EXPECT_NO_THROW(RequirePreviousPhase(dir.path(), "lines", 3));
  EXPECT_TRUE(PhaseTaskDone(dir.path(), "merge", 0));
  EXPECT_FALSE(PhaseTaskDone(dir.path(), "merge", 1));
}

TEST(Phases, PlanRefusesAnotherJob) {
  TempDir dir;
  CheckPlan(dir.path(), "abc", 3);
  EXPECT_NO_THROW(CheckPlan(dir.path(), "abc", 3));
  EXPECT_THROW(CheckPlan(dir.path(), "abc", 4), ConfigError);
  EXPECT_THROW(CheckPlan(dir.path(), "abd", 3), ConfigError);
}

TEST(Phases, ReportsMergeByAddingCountsAndKeepingRates) {
  const Json a = {{"totals", {{"documents_read", 3}, {"rejects_by_reason", {{"x", 1}}}}},
                  {"stages", Json::array({{{"name", "dedup"}, {"docs_in", 2}, {"cpu_seconds", 0.5},
                                           {"counters", {{"index_bytes_per_document", {{"signature", 512}}}}}}})},
                  {"inputs", {{"unreadable", Json::array({"a"})}}},
                  {"exit_code", 0}};
  const Json b = {{"totals", {{"documents_read", 4}, {"rejects_by_reason", {{"x", 2}, {"y", 1}}}}},
                  {"stages", Json::array({{{"name", "dedup"}, {"docs_in", 5}, {"cpu_seconds", 0.25},
                                           {"counters", {{"index_bytes_per_document", {{"signature", 512}}}}}}})},
                  {"inputs", {{"unreadable", Json::array({"b"})}}},
                  {"exit_code", 3}};
  const Json m = MergeReports({a, b});
  EXPECT_EQ(m["totals"]["documents_read"], 7);
  EXPECT_EQ(m["totals"]["rejects_by_reason"]["x"], 3);
  EXPECT_EQ(m["totals"]["rejects_by_reason"]["y"], 1);
  EXPECT_EQ(m["stages"][0]["name"], "dedup");
  EXPECT_EQ(m["stages"][0]["docs_in"], 7);
  EXPECT_DOUBLE_EQ(m["stages"][0]["cpu_seconds"].get<double>(), 0.75);
  EXPECT_EQ(m["stages"][0]["counters"]["index_bytes_per_document"]["signature"], 512);
  EXPECT_EQ(m["inputs"]["unreadable"].size(), 2u);
  EXPECT_EQ(m["exit_code"], 3);
}

}  // namespace
}  // namespace textmill
