// The partitioned dedup index: lookups across partitions, generations a
// manifest has not published, damaged or missing partitions, migration of
// the single-file index of earlier versions.
#include "stages/dedup/dedup_state.h"

#include <gtest/gtest.h>
#include <lmdb.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pipeline/errors.h"
#include "stages/dedup/dedup.h"
#include "stages/dedup/index_migrate.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

constexpr int kPerm = 8;
const std::string kParams = "hash=ms32 ngram=5 num_perm=8 bands=4 rows=2 seed=1";

// A document whose keys all derive from `n`: distinct n, distinct keys.
PublishedDoc Doc(uint32_t n) {
  PublishedDoc d;
  d.id = "doc-" + std::to_string(n);
  d.exact = ExactKey{0x9E3779B97F4A7C15ull * (n + 1), n};
  for (uint32_t i = 0; i < kPerm; ++i) d.signature.push_back(n * 100 + i);
  for (uint32_t b = 0; b < 4; ++b) d.band_keys.push_back(n * 7919 + b);
  return d;
}

std::vector<PublishedDoc> Docs(uint32_t first, uint32_t count) {
  std::vector<PublishedDoc> docs;
  for (uint32_t n = first; n < first + count; ++n) docs.push_back(Doc(n));
  return docs;
}

// What a reader sees of document n: its exact id, and whether band 0 of its
// keys finds it with its signature.
std::string Seen(DedupState& state, uint32_t n) {
  const PublishedDoc d = Doc(n);
  state.BeginRead();
  std::string seen = state.FindExact(d.exact).value_or("-");
  for (const uint32_t ordinal : state.FindBand(0, d.band_keys[0])) {
    std::vector<uint32_t> signature(kPerm);
    std::string id;
    if (state.Signature(ordinal, signature, id) && signature == d.signature) seen += " band:" + id;
  }
  state.EndRead();
  return seen;
}

uint32_t Lines(DedupState& state, uint64_t key) {
  state.BeginRead();
  const uint32_t count = state.LineCount(key);
  state.EndRead();
  return count;
}

TEST(PartitionedIndexTest, KeysSpreadOverPartitionsAndAreFoundAgain) {
  TempDir dir;
  {
    DedupState state(dir.path(), kParams, 3);
    state.Commit(Docs(0, 40), {{11, 2}, {12, 1}}, 7);
  }
  DedupState state(dir.path(), kParams, 5);  // an existing index keeps its partition count
  EXPECT_EQ(state.partitions(), 3);
  EXPECT_EQ(state.published(), 40u);
  EXPECT_EQ(state.last_run_id(), 7);
  for (const uint32_t n : {0u, 17u, 39u}) EXPECT_EQ(Seen(state, n), "doc-" + std::to_string(n) + " band:doc-" + std::to_string(n));
  EXPECT_EQ(Seen(state, 40), "-");
  EXPECT_EQ(Lines(state, 11), 2u);
  // Every partition got keys: none is a bystander.
  for (int p = 0; p < 3; ++p) EXPECT_GT(fs::file_size(PartitionDir(dir.path(), p) + "/data.mdb"), 8192u) << p;
  state.Commit(Docs(40, 5), {{11, 3}}, 8);
  EXPECT_EQ(Lines(state, 11), 5u);
  EXPECT_EQ(Seen(state, 42), "doc-42 band:doc-42");
}

// Partitions that committed a generation the manifest has not published (a
// run killed before its manifest write, a phased job before its report) are
// read as of the published one; the next commit undoes them first, so other
// documents can take the same ordinals.
TEST(PartitionedIndexTest, UnpublishedGenerationIsIgnoredThenUndone) {
  TempDir dir;
  {
    DedupState state(dir.path(), kParams, 4);
    state.Commit(Docs(0, 10), {{21, 1}, {22, 4}}, 1);
    const std::vector<PublishedDoc> abandoned = Docs(100, 10);
    state.CommitPartitions([](int p) { return p != 2; }, abandoned.size(),
                           [&](uint64_t i, PublishedDoc& out) { out = abandoned[i]; },
                           [](const DedupState::CountFn& fn) { fn(21, 5); fn(23, 9); }, "abandoned job", 1 << 20);
    EXPECT_THROW(state.Publish(2, "abandoned job"), RuntimeError);  // partition 2 lacks it
  }
  DedupState state(dir.path(), kParams);
  EXPECT_EQ(state.published(), 10u);
  for (uint32_t n = 100; n < 110; ++n) EXPECT_EQ(Seen(state, n), "-") << n;
  EXPECT_EQ(Seen(state, 3), "doc-3 band:doc-3");
  EXPECT_EQ(Lines(state, 21), 1u);
  EXPECT_EQ(Lines(state, 23), 0u);
  // The next night publishes other documents under the ordinals 10..
  state.Commit(Docs(200, 10), {{21, 2}}, 3);
  EXPECT_EQ(state.published(), 20u);
  for (uint32_t n = 100; n < 110; ++n) EXPECT_EQ(Seen(state, n), "-") << n;
  EXPECT_EQ(Seen(state, 204), "doc-204 band:doc-204");
  EXPECT_EQ(Lines(state, 21), 3u);
  EXPECT_EQ(Lines(state, 22), 4u);
  EXPECT_EQ(Lines(state, 23), 0u);
  DedupState reopened(dir.path(), kParams);
  EXPECT_EQ(Seen(reopened, 204), "doc-204 band:doc-204");
  EXPECT_EQ(Lines(reopened, 21), 3u);
}

TEST(PartitionedIndexTest, DamagedOrMissingPartitionIsAConfigErrorNamingIt) {
  TempDir dir;
  { DedupState(dir.path(), kParams, 3).Commit(Docs(0, 5), {}, 1); }
  const std::string data = PartitionDir(dir.path(), 1) + "/data.mdb";
  const auto expect_refused = [&](const std::string& what) {
    try {
      DedupState state(dir.path(), kParams);
      FAIL() << what << ": opened";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(data), std::string::npos) << what << ": " << e.what();
    }
  };
  fs::copy_file(data, dir / "saved.mdb");
  fs::resize_file(data, fs::file_size(data) / 2);
  expect_refused("truncated");
  fs::remove(data);
  expect_refused("missing");
  fs::copy_file(dir / "saved.mdb", data);
  EXPECT_NO_THROW(DedupState(dir.path(), kParams));
  testing::WriteFile(IndexManifestPath(dir.path()), "{\"format_version\": 2");
  try {
    DedupState state(dir.path(), kParams);
    FAIL() << "a damaged manifest opened";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(IndexManifestPath(dir.path())), std::string::npos) << e.what();
  }
}

// Writes an index in the single-file layout (format 1) of earlier versions.
void WriteLegacyIndex(const fs::path& dir, const std::vector<PublishedDoc>& docs, uint64_t line_key, uint32_t count,
                      const std::string& params = kParams) {
  fs::create_directories(dir / "dedup.lmdb");
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 8);
  ASSERT_EQ(mdb_env_open(env, (dir / "dedup.lmdb").c_str(), 0, 0644), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi meta, exact, bands, sigs, lines;
  ASSERT_EQ(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "exact", MDB_CREATE, &exact), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "bands", MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED, &bands), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "sigs", MDB_CREATE, &sigs), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "lines", MDB_CREATE, &lines), 0);
  const auto put = [&](MDB_dbi dbi, std::string key, std::string value) {
    MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
    ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  };
  const auto bytes = [](const void* p, size_t n) { return std::string(static_cast<const char*>(p), n); };
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"format_version", "1"}, {"params", params}, {"published", std::to_string(docs.size())},
           {"runs", "2"}, {"last_run_id", "5"}}) {
    put(meta, key, value);
  }
  for (uint32_t ordinal = 0; ordinal < docs.size(); ++ordinal) {
    const PublishedDoc& d = docs[ordinal];
    const std::string ok = {static_cast<char>(ordinal >> 24), static_cast<char>(ordinal >> 16),
                            static_cast<char>(ordinal >> 8), static_cast<char>(ordinal)};
    put(sigs, ok, bytes(d.signature.data(), d.signature.size() * 4) + d.id);
    put(exact, bytes(&d.exact, sizeof d.exact), d.id);
    for (size_t b = 0; b < d.band_keys.size(); ++b) put(bands, std::string(1, static_cast<char>(b)) + bytes(&d.band_keys[b], 4), ok);
  }
  put(lines, bytes(&line_key, 8), bytes(&count, 4));
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

TEST(PartitionedIndexTest, SingleFileIndexIsRefusedUntilMigrated) {
  TempDir dir;
  WriteLegacyIndex(dir.path(), Docs(0, 12), 31, 6);
  try {
    DedupState state(dir.path(), kParams);
    FAIL() << "a single-file index was opened";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("textmill state migrate " + dir.path()), std::string::npos) << e.what();
  }
  std::ostringstream out;
  EXPECT_TRUE(MigrateSingleFileIndex(dir.path(), 3, out));
  EXPECT_TRUE(fs::exists(dir / "dedup.lmdb.migrated/data.mdb"));
  EXPECT_FALSE(MigrateSingleFileIndex(dir.path(), 3, out)) << out.str();  // once
  DedupState state(dir.path(), kParams);
  EXPECT_EQ(state.partitions(), 3);
  EXPECT_EQ(state.published(), 12u);
  EXPECT_EQ(state.runs(), 2u);
  EXPECT_EQ(state.last_run_id(), 5);
  for (uint32_t n = 0; n < 12; ++n) EXPECT_EQ(Seen(state, n), "doc-" + std::to_string(n) + " band:doc-" + std::to_string(n));
  EXPECT_EQ(Lines(state, 31), 6u);
  // And it takes new nights on top.
  state.Commit(Docs(12, 3), {{31, 1}}, 6);
  EXPECT_EQ(Seen(state, 13), "doc-13 band:doc-13");
  EXPECT_EQ(Seen(state, 2), "doc-2 band:doc-2");
  EXPECT_EQ(Lines(state, 31), 7u);
}

// From the command line: a run on a single-file index stops before any work,
// saying what to run; after `textmill state migrate`, a copy of a document the
// old index published is dropped as published.
TEST(PartitionedIndexTest, StateMigrateFromTheCommandLine) {
  TempDir dir;
  const std::string text = "The river ferry will run every twenty minutes from March, the council said, after "
                           "a year in which commuters waited up to an hour on the eastern bank in winter.";
  PublishedDoc published;
  published.id = "published-earlier";
  published.exact = ExactKeyOf(DedupNormalize(text));
  published.signature.assign(128, 7);
  published.band_keys.assign(20, 3);
  const std::string params = DedupOptions{}.ParamsString();
  WriteLegacyIndex(dir.path(), {published}, 1, 1, params);
  testing::WriteFile(dir / "in/a.jsonl", nlohmann::json{{"id", "copy"}, {"text", text}}.dump() + "\n");
  testing::WriteFile(dir / "c.yaml", "output: {compression: none, rejects: true}\nstages:\n  - dedup: {}\n");
  const std::vector<std::string> run = {"run", "-c", dir / "c.yaml", "-i", dir / "in", "-o", dir / "out",
                                        "--state", dir / "state", "--progress", "none"};
  fs::rename(dir / "dedup.lmdb", dir / "state-dedup.lmdb");
  fs::create_directories(dir / "state");
  fs::rename(dir / "state-dedup.lmdb", dir / "state/dedup.lmdb");
  std::string log;
  EXPECT_EQ(testing::RunTextmill(run, &log), 2);
  EXPECT_NE(log.find("textmill state migrate " + (dir / "state")), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(dir / "out"));
  EXPECT_EQ(testing::RunTextmill({"state", "migrate", dir / "state", "--partitions", "2"}), 0);
  ASSERT_EQ(testing::RunTextmill(run), 0);
  const auto rejects = testing::ReadShardLines(dir / "out/rejects");
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(rejects[0])["metadata"]["dup_of"], "published-earlier");
  EXPECT_EQ(DedupState((dir / "state"), params).partitions(), 2);
}

}  // namespace
}  // namespace textmill
