#include "stages/dedup/bucket_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline/errors.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::TempDir;

struct KeyValue {
  uint64_t key, value;
};

TEST(BucketFile, EveryRecordReachesItsBucketAcrossWritersAndSpills) {
  TempDir dir;
  constexpr uint32_t kBuckets = 5;
  std::vector<std::string> paths;
  std::vector<std::vector<uint64_t>> expected(kBuckets);
  for (int writer = 0; writer < 3; ++writer) {
    paths.push_back(dir / ("w" + std::to_string(writer) + ".bin"));
    BucketFileWriter out(paths.back(), kBuckets, sizeof(KeyValue), /*memory_budget=*/256);  // many spills
    for (uint64_t i = 0; i < 1000; ++i) {
      const KeyValue p{i * 0x9E3779B97F4A7C15ull, static_cast<uint64_t>(writer) * 1000 + i};
      const uint32_t bucket = BucketOf(p.key, kBuckets);
      out.Add(&bucket, &p, 1);
      expected[bucket].push_back(p.value);
    }
    out.Close();
  }
  size_t total = 0;
  for (uint32_t b = 0; b < kBuckets; ++b) {
    std::vector<uint64_t> got;
    for (const KeyValue& p : ReadBucketRecords<KeyValue>(paths, b, kBuckets)) {
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

// Runs start at 1 MiB and double up to the budget: 3.5 MiB of records make
// runs of 1, 2 and 0.5 MiB under a 4 MiB budget, and four (1, 1, 1, 0.5) under
// a 1 MiB budget; each bucket reads back its records in the order they were
// added.
TEST(BucketFile, RunsDoubleUpToTheBudgetAndBucketsKeepTheirOrder) {
  TempDir dir;
  constexpr uint32_t kBuckets = 3;
  std::vector<std::vector<uint64_t>> expected(kBuckets);
  const auto write = [&](const std::string& path, size_t budget) {
    BucketFileWriter out(path, kBuckets, sizeof(KeyValue), budget);
    for (uint64_t i = 0; i < (7u << 20) / 2 / sizeof(KeyValue); ++i) {
      const KeyValue p{i * 0x9E3779B97F4A7C15ull, i};
      const uint32_t bucket = BucketOf(p.key, kBuckets);
      out.Add(&bucket, &p, 1);
      if (budget == (1u << 20)) expected[bucket].push_back(p.value);
    }
    out.Close();
  };
  const std::string doubling = dir / "doubling.bin", fixed = dir / "fixed.bin";
  write(doubling, 4 << 20);
  write(fixed, 1 << 20);
  EXPECT_EQ(std::filesystem::file_size(fixed + ".idx") - std::filesystem::file_size(doubling + ".idx"),
            (kBuckets + 1) * sizeof(uint64_t));  // four runs against three
  for (uint32_t b = 0; b < kBuckets; ++b) {
    for (const std::string& path : {doubling, fixed}) {
      std::vector<uint64_t> got;
      for (const KeyValue& p : ReadBucketRecords<KeyValue>({path}, b, kBuckets)) got.push_back(p.value);
      EXPECT_TRUE(got == expected[b]) << path << " bucket " << b;
    }
  }
}

TEST(BucketFile, KilledWriterLeavesNothingThatLooksComplete) {
  TempDir dir;
  {
    BucketFileWriter out(dir / "w.bin", 2, sizeof(KeyValue));
    const KeyValue p{1, 2};
    const uint32_t bucket = 0;
    out.Add(&bucket, &p, 1);
    // destroyed without Close(), as a failed task would be
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "w.bin"));
  EXPECT_THROW(ReadBucketRecords<KeyValue>({dir / "w.bin"}, 0, 2), RuntimeError);
}

TEST(BucketFile, ShapeMismatchAndTruncationAreErrors) {
  TempDir dir;
  BucketFileWriter out(dir / "w.bin", 4, sizeof(KeyValue));
  const KeyValue p{1, 2};
  const uint32_t bucket = 3;
  out.Add(&bucket, &p, 1);
  out.Close();
  EXPECT_THROW(ReadBucketRecords<KeyValue>({dir / "w.bin"}, 0, 8), RuntimeError);      // other bucket count
  EXPECT_THROW(ReadBucketRecords<uint64_t>({dir / "w.bin"}, 0, 4), RuntimeError);  // other record size
  std::filesystem::resize_file(dir / "w.bin", 8);
  EXPECT_THROW(ReadBucketRecords<KeyValue>({dir / "w.bin"}, 3, 4), RuntimeError);
}

TEST(BucketFile, BucketsSplitTheHashSpaceEvenly) {
  EXPECT_EQ(BucketOf(0, 7), 0u);
  EXPECT_EQ(BucketOf(UINT64_MAX, 7), 6u);
  EXPECT_EQ(BucketOf(uint64_t{1} << 63, 2), 1u);
  EXPECT_EQ(BucketOf((uint64_t{1} << 63) - 1, 2), 0u);
}

}  // namespace
}  // namespace textmill
