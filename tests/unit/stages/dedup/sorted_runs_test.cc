#include "stages/dedup/sorted_runs.h"

#include <gtest/gtest.h>

#include <random>

#include "stages/dedup/doc_table.h"

namespace textmill {
namespace {

struct Pair {
  uint64_t key;
  uint32_t value;
  auto operator<=>(const Pair&) const = default;
};

std::vector<Pair> RandomPairs(size_t n) {
  std::mt19937_64 rng(17);
  std::vector<Pair> pairs(n);
  for (auto& p : pairs) p = {rng() % 5000, static_cast<uint32_t>(rng() % 7)};
  return pairs;
}

// A budget of a few records spills many runs; the merged sequence is the
// sorted input whatever the budget or the split across writers.
TEST(SortedRunsTest, MergedOrderIsSortedWhateverTheBudgetAndWriters) {
  const std::vector<Pair> input = RandomPairs(20000);
  std::vector<Pair> expected = input;
  std::sort(expected.begin(), expected.end());
  for (const size_t budget : {size_t{1} << 20, 1000 * sizeof(Pair), sizeof(Pair)}) {
    SortedRuns<Pair> a(budget), b(budget);
    for (size_t i = 0; i < input.size(); ++i) (i % 3 ? a : b).Add(input[i]);
    std::vector<Pair> merged;
    SortedRuns<Pair>::MergeAll({&a, &b}, [&merged](const Pair& p) { merged.push_back(p); });
    EXPECT_EQ(merged, expected) << "budget " << budget;
    EXPECT_EQ(a.records(), 0u);  // merging empties them
  }
}

// Runs that start small and double up to the budget: the same sequence, in
// the number of runs the doubling gives (10, 20, ... 640 records, then 1000s).
TEST(SortedRunsTest, RunsGrowFromTheFirstRunSizeToTheBudget) {
  const std::vector<Pair> input = RandomPairs(20000);
  std::vector<Pair> expected = input;
  std::sort(expected.begin(), expected.end());
  SortedRuns<Pair> growing(1000 * sizeof(Pair), "", 10 * sizeof(Pair));
  SortedRuns<Pair> fixed(1000 * sizeof(Pair));
  for (const Pair& p : input) {
    growing.Add(p);
    fixed.Add(p);
  }
  EXPECT_EQ(growing.runs(), 7u + 18u);  // 1270 records in 7 runs, then 18 of 1000; 730 left in memory
  EXPECT_EQ(fixed.runs(), 19u);
  std::vector<Pair> merged;
  growing.Merge([&merged](const Pair& p) { merged.push_back(p); });
  EXPECT_EQ(merged, expected);
}

TEST(SortedRunsTest, EmptyMergesToNothing) {
  SortedRuns<Pair> runs(64);
  size_t calls = 0;
  runs.Merge([&calls](const Pair&) { ++calls; });
  EXPECT_EQ(calls, 0u);
}

TEST(RecordLogTest, ReadsBackInOrderAcrossSpills) {
  RecordLog<uint32_t> log;
  const uint32_t n = 3 * (RecordLog<uint32_t>::kBufferBytes / 4) + 5;
  for (uint32_t i = 0; i < n; ++i) log.Add(i * 7);
  EXPECT_EQ(log.records(), n);
  uint32_t expected = 0;
  bool in_order = true;
  log.ForEach([&](uint32_t v) {
    in_order = in_order && v == expected * 7;
    ++expected;
  });
  EXPECT_TRUE(in_order);
  EXPECT_EQ(expected, n);
}

TEST(DocTableTest, RecordsComeBackByPosition) {
  DocTable table(3, 4);
  for (uint64_t pos : {5u, 0u, 2u}) {
    DocKeys keys;
    keys.exact = {pos, pos + 1};
    keys.date = 20240101000000 + pos;
    keys.input_order = pos * 10;
    keys.has_shingles = pos != 2;
    keys.id = "doc-" + std::to_string(pos);
    keys.band_keys = {1, 2, static_cast<uint32_t>(pos)};
    keys.signature = {9, 8, 7, static_cast<uint32_t>(pos)};
    table.Put(pos, keys);
  }
  DocKeys got;
  table.Get(5, got);
  EXPECT_EQ(got.id, "doc-5");
  EXPECT_EQ(got.exact, (ExactKey{5, 6}));
  EXPECT_EQ(got.input_order, 50u);
  EXPECT_TRUE(got.has_shingles);
  EXPECT_EQ(got.band_keys, (std::vector<uint32_t>{1, 2, 5}));
  table.Get(2, got, false);
  EXPECT_EQ(got.id, "");
  EXPECT_FALSE(got.has_shingles);
  uint32_t sig[4];
  table.GetSignature(0, sig);
  EXPECT_EQ(sig[3], 0u);
  EXPECT_EQ(sig[0], 9u);
  EXPECT_THROW(table.Get(9, got), std::exception);
}

}  // namespace
}  // namespace textmill
