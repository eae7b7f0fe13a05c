#include "stages/dedup/external_components.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "stages/dedup/bucket_file.h"
#include "stages/dedup/dedup.h"
#include "stages/dedup/phase_records.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// The components by an in-memory union-find: node -> smallest node of its component.
std::map<uint64_t, uint64_t> ComponentsByUnionFind(const std::vector<NodePair>& edges, const std::vector<uint64_t>& nodes) {
  std::map<uint64_t, uint64_t> parent;
  const auto find = [&](uint64_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (uint64_t x : nodes) parent.emplace(x, x);
  for (const auto& e : edges) {
    parent.emplace(e.a, e.a);
    parent.emplace(e.b, e.b);
  }
  for (const auto& e : edges) {
    const uint64_t a = find(e.a), b = find(e.b);
    parent[std::max(a, b)] = std::min(a, b);
  }
  std::map<uint64_t, uint64_t> roots;
  for (const auto& [x, p] : parent) roots[x] = find(x);
  return roots;
}

// A chain of `length` nodes numbered at random (each round only halves it), stars,
// a random sparse graph, self-loops and repeated edges.
std::vector<NodePair> ComponentsTestGraph(int length, std::mt19937_64& rng) {
  std::vector<uint64_t> chain(static_cast<size_t>(length));
  std::iota(chain.begin(), chain.end(), uint64_t{1000});
  std::shuffle(chain.begin(), chain.end(), rng);
  std::vector<NodePair> edges;
  for (size_t i = 1; i < chain.size(); ++i) edges.push_back({chain[i - 1], chain[i]});
  for (uint64_t center : {50000u, 60000u}) {
    for (uint64_t leaf = 1; leaf < 200; ++leaf) edges.push_back({center, center - leaf * 7});
  }
  std::uniform_int_distribution<uint64_t> node(100000, 104000);
  for (int i = 0; i < 3000; ++i) edges.push_back({node(rng), node(rng)});
  edges.push_back({7, 7});
  edges.push_back({chain[0], chain[1]});
  std::shuffle(edges.begin(), edges.end(), rng);
  return edges;
}

TEST(ExternalComponentsTest, RootsAreTheSmallestNodeOfEachComponent) {
  std::mt19937_64 rng(17);
  const std::vector<NodePair> edges = ComponentsTestGraph(4000, rng);
  const std::vector<uint64_t> alone = {3, 99999, 1000};
  for (const size_t budget : {size_t{4096}, size_t{64} << 20}) {  // many spilled runs; all in memory
    ExternalComponents components(budget);
    for (const auto& e : edges) components.AddEdge(e.a, e.b);
    for (uint64_t x : alone) components.AddNode(x);
    std::vector<NodePair> got;
    components.Solve().ForEach([&](const NodePair& p) { got.push_back(p); });
    std::vector<NodePair> want;
    for (const auto& [x, root] : ComponentsByUnionFind(edges, alone)) want.push_back({x, root});
    EXPECT_EQ(got, want) << "budget " << budget;
    EXPECT_GT(components.rounds(), 2);  // the chain took several rounds
  }
}

// A phased run's work files for the merge task, written by hand: `count`
// slices whose documents' input orders interleave (files round-robin), the
// pairs of every hash range, and published copies.
struct MergeTaskInputs {
  int count = 3;
  std::vector<std::vector<MetaRecord>> meta;
  std::vector<std::vector<std::string>> ids;
  std::vector<std::vector<Edge>> edges;
  std::vector<std::string> published;
};

MergeTaskInputs MakeMergeTaskInputs(std::mt19937_64& rng) {
  MergeTaskInputs in;
  in.meta.resize(3);
  in.ids.resize(3);
  in.edges.resize(3);
  in.published.resize(3);
  std::vector<uint64_t> orders;
  for (uint64_t file = 0; file < 12; ++file) {
    const int slice = static_cast<int>(file % 3);
    for (uint64_t record = 0; record < 600; ++record) {
      const uint64_t order = (file << 32) | record;
      const uint64_t date = rng() % 4;                      // many ties: input order decides
      const uint64_t key = rng() % 3 == 0 ? 1 : rng() % 5;  // some exact copies of each other
      in.meta[static_cast<size_t>(slice)].push_back({order, date, key, key * 31, 1});
      in.ids[static_cast<size_t>(slice)].push_back("doc-" + std::to_string(file) + "-" + std::to_string(record));
      orders.push_back(order);
    }
  }
  // A long chain over documents of every slice, its pairs in every hash range.
  std::vector<uint64_t> chain(orders.begin(), orders.begin() + 3000);
  std::shuffle(chain.begin(), chain.end(), rng);
  for (size_t i = 1; i < chain.size(); ++i) in.edges[rng() % 3].push_back({chain[i - 1], chain[i]});
  // Small clusters and repeated pairs among the rest.
  std::uniform_int_distribution<size_t> pick(3000, orders.size() - 1);
  for (int i = 0; i < 2500; ++i) in.edges[rng() % 3].push_back({orders[pick(rng)], orders[pick(rng)]});
  // Published copies: some in clusters (one names the cluster), some alone, some exact.
  std::set<uint64_t> copies;  // one match a document, as the sign tasks write them
  for (int i = 0; i < 300; ++i) {
    const uint64_t order = i < 5 ? chain[static_cast<size_t>(i) * 400] : orders[pick(rng)];
    if (!copies.insert(order).second) continue;
    const uint64_t file = order >> 32;
    AppendTagged(in.published[file % 3], order, static_cast<uint8_t>(rng() % 2), "published-" + std::to_string(i));
  }
  return in;
}

void WriteMergeTaskInputs(const MergeTaskInputs& in, const std::string& dedup_dir) {
  for (int r = 0; r < in.count; ++r) {
    const auto slice = static_cast<size_t>(r);
    WriteFile(Numbered(dedup_dir + "/meta", 'r', r),
              std::string_view(reinterpret_cast<const char*>(in.meta[slice].data()),
                               in.meta[slice].size() * sizeof(MetaRecord)));
    std::string ids;
    for (const auto& id : in.ids[slice]) AppendString(ids, id);
    WriteFile(Numbered(dedup_dir + "/ids", 'r', r), ids);
    WriteFile(
        Numbered(dedup_dir + "/edges", 'b', r),
        std::string_view(reinterpret_cast<const char*>(in.edges[slice].data()), in.edges[slice].size() * sizeof(Edge)));
    WriteFile(Numbered(dedup_dir + "/published", 'r', r), in.published[slice]);
  }
}

// Runs the merge task on `work` with TEXTMILL_MERGE_MEMBER_LIMIT=`limit` (empty: the budget's);
// returns its outputs, concatenated with their names.
std::string RunMergeTask(const std::string& work, const char* limit, Json* stats) {
  if (limit) {
    ::setenv("TEXTMILL_MERGE_MEMBER_LIMIT", limit, 1);
  } else {
    ::unsetenv("TEXTMILL_MERGE_MEMBER_LIMIT");
  }
  StageContext stage_context;
  stage_context.memory_bytes = uint64_t{512} << 20;  // the default memory_mib: in memory unless `limit`
  DedupStage stage(DedupOptions{}, stage_context);
  const PhaseContext context{PhaseStep::kRange, "merge", work, 0, 3};
  for (const RangePhase& phase : stage.RangePhases()) {
    if (phase.name == "merge") *stats = phase.run(context);
  }
  ::unsetenv("TEXTMILL_MERGE_MEMBER_LIMIT");
  std::string out = "clusters\n" + ReadFile(work + "/dedup/clusters.bin");
  for (int r = 0; r < 3; ++r) {
    out += "decisions " + std::to_string(r) + "\n" + ReadFile(Numbered(work + "/dedup/decisions", 'r', r));
  }
  return out;
}

TEST(DedupMergeTest, OutOfCoreClustersAreByteIdenticalToInMemory) {
  TempDir dir;
  std::mt19937_64 rng(42);
  WriteMergeTaskInputs(MakeMergeTaskInputs(rng), dir / "work/dedup");
  Json in_memory, out_of_core;
  const std::string want = RunMergeTask(dir / "work", nullptr, &in_memory);
  const std::string got = RunMergeTask(dir / "work", "0", &out_of_core);
  EXPECT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want);
  EXPECT_GT(out_of_core["out_of_core_rounds"].get<int>(), 2);  // the chain
  out_of_core.erase("out_of_core_rounds");
  EXPECT_EQ(out_of_core.dump(), in_memory.dump());
  EXPECT_FALSE(in_memory.contains("out_of_core_rounds"));
  EXPECT_GT(in_memory["dropped_as_published"].get<int64_t>(), 0) << in_memory.dump();
  EXPECT_GE(in_memory["dropped"].get<int64_t>(), 2999) << in_memory.dump();
  // A limit between the two: the same again.
  EXPECT_TRUE(RunMergeTask(dir / "work", "1000", &out_of_core) == want);
}

TEST(DedupMergeTest, OutOfCoreNamesADocumentWithoutMetadata) {
  TempDir dir;
  std::mt19937_64 rng(7);
  MergeTaskInputs in = MakeMergeTaskInputs(rng);
  in.edges[1].push_back({(uint64_t{40} << 32) | 5, in.meta[0][0].input_order});  // file 40 is in no slice
  WriteMergeTaskInputs(in, dir / "work/dedup");
  for (const char* limit : {static_cast<const char*>(nullptr), "0"}) {
    Json stats;
    try {
      RunMergeTask(dir / "work", limit, &stats);
      FAIL() << "expected an error";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find("document " + std::to_string((uint64_t{40} << 32) | 5) + " has no metadata"),
                std::string::npos)
          << e.what();
    }
  }
}

// The lines phase of one task: line records (line key, document) of
// `documents_of_line`, `clusters` as clusters.bin, a memory budget that makes
// its sorts spill; returns the keys it found repeated (final-b0).
std::vector<uint64_t> RunLinesTask(const std::string& work,
                                   const std::map<uint64_t, std::vector<uint64_t>>& documents_of_line,
                                   const std::vector<ClusterRecord>& clusters, std::string_view clusters_bytes = {}) {
  const std::string dedup_dir = work + "/dedup";
  std::filesystem::create_directories(dedup_dir);
  BucketFileWriter lines(Numbered(dedup_dir + "/lines", 'r', 0), 1, sizeof(LineRecord), 1 << 20);
  for (const auto& [key, documents] : documents_of_line) {
    for (const uint64_t document : documents) {
      const LineRecord record{key, document};
      const uint32_t bucket = 0;
      lines.Add(&bucket, &record, 1);
    }
  }
  lines.Close();
  if (clusters_bytes.empty()) {
    WriteRecords(dedup_dir + "/clusters.bin", clusters);
  } else {
    WriteFile(dedup_dir + "/clusters.bin", clusters_bytes);
  }
  StageContext stage_context;
  stage_context.memory_bytes = uint64_t{8} << 20;   // 1 MiB a sort buffer: 65,536 records
  DedupStage stage(DedupOptions{}, stage_context);  // a line repeated in 4 documents is removed
  for (const RangePhase& phase : stage.RangePhases()) {
    if (phase.name == "lines") phase.run(PhaseContext{PhaseStep::kRange, "lines", work, 0, 1});
  }
  return ReadRecords<uint64_t>(Numbered(dedup_dir + "/final", 'b', 0));
}

TEST(DedupLinesTest, CopiesOfOneDocumentCountOnceWhateverTheSpills) {
  TempDir dir;
  std::map<uint64_t, std::vector<uint64_t>> lines;
  lines[7] = {10, 11, 12, 13};       // four documents, but 10, 11 and 12 are one cluster: 2 owners
  lines[9] = {20, 21, 22, 23};       // four documents in no cluster: repeated
  lines[11] = {30, 31, 32, 33, 34};  // 30 and 31 have a published copy (not counted): 3 owners
  lines[13] = {10, 40, 41, 42};      // a cluster's keeper and three others: 4 owners
  // 300,000 more records, so both sorts spill many runs: lines 1000.. in 3 documents each.
  for (uint64_t key = 1000; key < 101000; ++key) lines[key] = {key, key + 1, key + 2};
  const std::vector<ClusterRecord> clusters = {{10, 10}, {11, 10}, {12, 10}, {30, kNotCounted}, {31, kNotCounted}};
  EXPECT_EQ(RunLinesTask(dir / "work", lines, clusters), (std::vector<uint64_t>{9, 13}));
}

// The message of the error `run` throws ("" if none).
template <typename Fn>
std::string ErrorOf(Fn run) {
  try {
    run();
  } catch (const RuntimeError& e) {
    return e.what();
  }
  return "";
}

TEST(DedupLinesTest, ADamagedClustersFileIsAnError) {
  const std::map<uint64_t, std::vector<uint64_t>> lines = {{7, {10, 11, 12, 13}}};
  TempDir out_of_order, truncated;
  EXPECT_NE(ErrorOf([&] {
              RunLinesTask(out_of_order / "work", lines, {{12, 10}, {11, 10}});
            }).find("not in input order"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf([&] { RunLinesTask(truncated / "work", lines, {}, std::string(20, 'x')); }).find("truncated record file"),
      std::string::npos);
}

}  // namespace
}  // namespace textmill
