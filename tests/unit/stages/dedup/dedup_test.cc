#include "stages/dedup/dedup.h"

#include <gtest/gtest.h>
#include <lmdb.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "pipeline/errors.h"
#include "stages/dedup/dedup_state.h"
#include "stages/dedup/minhash.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::RunTextmill;
using testing::TempDir;
using testing::WriteFile;

const std::string kArticle =
    "The city council voted on Tuesday evening to approve a budget of 48 million dollars for a new bridge "
    "across the river, ending a debate that has lasted for almost six years. The current bridge, built in "
    "1962, carries about 21,000 vehicles a day, and engineers warned last spring that its steel supports are "
    "corroding faster than expected. Construction will begin next spring and should take three years.";

TEST(MinHashTest, NormalizationAndExactKeys) {
  EXPECT_EQ(DedupNormalize("  Caf\u00E9\u00A0\u00A0OK\n\nﬁne "), "café ok fine");
  EXPECT_EQ(ExactKeyOf(DedupNormalize("Hello  World")), ExactKeyOf(DedupNormalize("hello world")));
  EXPECT_FALSE(ExactKeyOf(DedupNormalize("hello world")) == ExactKeyOf(DedupNormalize("hello worlds")));
}

// ASCII text skips ICU (lower-casing and ASCII white space by hand): the
// result must be what ICU's NFKC_Casefold and White_Space give. A non-ASCII
// letter appended sends the same text down ICU's path.
TEST(MinHashTest, AsciiFastPathMatchesIcu) {
  for (const std::string ascii : {"Hello\tWORLD  x", "  Leave a Reply\r\n", "A\x0B\x0C" "B\x1C" "C\x7F",
                                  "MiXeD 123 !@# ZZ", "", "   "}) {
    const std::string via_icu = DedupNormalize(ascii + " \xC3\xA9");  // " é"
    const std::string expected = via_icu.substr(0, via_icu.size() - std::string(" \xC3\xA9").size());
    EXPECT_EQ(DedupNormalize(ascii), ascii.find_first_not_of(" \t\r\n\v\f") == std::string::npos
                                         ? ""
                                         : expected) << ascii;
  }
}

TEST(MinHashTest, SignaturesEstimateJaccard) {
  const MinHasher hasher(256, 7);
  const auto a = hasher.Signature(Shingles(DedupNormalize(kArticle), 5));
  const auto same = hasher.Signature(Shingles(DedupNormalize(kArticle), 5));
  std::string edited = kArticle;
  edited.replace(edited.find("three years"), 11, "four years and a half");
  const auto b = hasher.Signature(Shingles(DedupNormalize(edited), 5));
  const auto other = hasher.Signature(Shingles(DedupNormalize("A completely different text about the weather in "
                                                                "the mountains, with snow expected on Sunday."), 5));
  EXPECT_EQ(EstimatedJaccard(a.data(), same.data(), 256), 1.0);
  EXPECT_GT(EstimatedJaccard(a.data(), b.data(), 256), 0.75);
  EXPECT_LT(EstimatedJaccard(a.data(), other.data(), 256), 0.1);
}

TEST(MinHashTest, ShortAndEmptyTexts) {
  EXPECT_TRUE(Shingles("", 5).empty());
  EXPECT_EQ(Shingles("one", 5).size(), 1u);        // shorter than n: one shingle of all words
  EXPECT_EQ(Shingles("a b c d e f", 5).size(), 2u);
  const MinHasher hasher(16, 1);
  const auto empty = hasher.Signature({});
  EXPECT_EQ(empty[0], 0xFFFFFFFFu);
}

TEST(DedupStateTest, WrongVersionParamsAndCorruptionAreConfigErrors) {
  TempDir dir;
  { DedupState state(dir.path(), "ngram=5"); }
  EXPECT_THROW(DedupState(dir.path(), "ngram=4"), ConfigError);  // other parameters
  TempDir corrupt;
  WriteFile(corrupt / "dedup.lmdb/data.mdb", std::string(8192, 'x'));
  EXPECT_THROW(DedupState(corrupt.path(), "ngram=5"), ConfigError);
}

// The tasks of a phased run open the index at the same moment, the first
// night on a state dir that has none yet: whichever begins its transaction
// first writes the format version, and none may take the new file for a
// foreign index.
TEST(DedupStateTest, ManyProcessesOpenANewIndexAtOnce) {
  for (int round = 0; round < testing::RaceRounds(300); ++round) {
    TempDir dir;
    ASSERT_EQ(testing::FailuresInProcessesAtOnce(6, [&] { DedupState state(dir.path(), "ngram=5"); }), 0)
        << "round " << round;
  }
  TempDir foreign;  // an LMDB file with committed data but no textmill version is still refused
  {
    std::filesystem::create_directories(foreign / "dedup.lmdb");
    MDB_env* env = nullptr;
    ASSERT_EQ(mdb_env_create(&env), MDB_SUCCESS);
    ASSERT_EQ(mdb_env_open(env, (foreign / "dedup.lmdb").c_str(), 0, 0644), MDB_SUCCESS);
    MDB_txn* txn = nullptr;
    MDB_dbi dbi;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), MDB_SUCCESS);
    ASSERT_EQ(mdb_dbi_open(txn, nullptr, 0, &dbi), MDB_SUCCESS);
    std::string key = "k", value = "v";
    MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
    ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), MDB_SUCCESS);
    ASSERT_EQ(mdb_txn_commit(txn), MDB_SUCCESS);
    mdb_env_close(env);
  }
  EXPECT_THROW(DedupState(foreign.path(), "ngram=5"), ConfigError);
}

TEST(DedupStateTest, IndexFromANewerTextmillIsRefused) {
  TempDir dir;
  {
    DedupState state(dir.path(), "ngram=5");
    state.Commit({}, {});  // the first commit creates the partitions
  }
  // Rewrite a partition's format version as a future textmill would.
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 8);
  ASSERT_EQ(mdb_env_open(env, PartitionDir(dir.path(), 0).c_str(), 0, 0644), 0);
  MDB_txn* txn = nullptr;
  MDB_dbi meta = 0;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "meta", 0, &meta), 0);
  std::string key = "format_version", value = "99";
  MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
  ASSERT_EQ(mdb_put(txn, meta, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  try {
    DedupState state(dir.path(), "ngram=5");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("newer textmill"), std::string::npos) << e.what();
  }
}

// Writes one JSONL night of documents; `docs` are (id, text, date).
void WriteNight(const std::string& path, const std::vector<std::tuple<std::string, std::string, std::string>>& docs) {
  std::string out;
  for (const auto& [id, text, date] : docs) {
    out += nlohmann::json{{"id", id}, {"text", text}, {"date", date}}.dump() + "\n";
  }
  WriteFile(path, out);
}

std::vector<std::string> Ids(const std::vector<std::string>& lines) {
  std::vector<std::string> ids;
  for (const std::string& line : lines) ids.push_back(nlohmann::json::parse(line)["id"]);
  return ids;
}

std::string DedupConfig(const TempDir& dir) {
  WriteFile(dir / "c.yaml",
            "output: {compression: none, rejects: true}\nstages:\n  - normalize: {}\n  - dedup: {line_min_docs: 3}\n");
  return dir / "c.yaml";
}

TEST(DedupStageTest, KeepRuleDatesThenInputOrderAndDupOf) {
  TempDir dir;
  std::string edited = kArticle;
  edited.replace(edited.find("three years"), 11, "about three years");
  WriteNight(dir / "in/a.jsonl", {{"late", kArticle, "2024-03-20"},
                                  {"early", edited, "2024-03-14"},
                                  {"exact", kArticle, "2024-03-21"},
                                  {"other", "Something else entirely: the harbour festival drew record crowds this "
                                            "weekend, and the food stalls ran out of sardines before dark.", ""},
                                  {"empty-ish", "ok", ""}});
  ASSERT_EQ(RunTextmill({"run", "-c", DedupConfig(dir), "-i", dir / "in", "-o", dir / "out", "--progress", "none"}), 0);
  EXPECT_EQ(Ids(testing::ReadShardLines(dir / "out")), (std::vector<std::string>{"early", "other", "empty-ish"}));
  const auto rejects = testing::ReadShardLines(dir / "out/rejects");
  ASSERT_EQ(rejects.size(), 2u);
  const auto late = nlohmann::json::parse(rejects[0]);
  EXPECT_EQ(late["id"], "late");
  EXPECT_EQ(late["reject_reason"], "duplicate_near");
  EXPECT_EQ(late["metadata"]["dup_of"], "early");
  const auto exact = nlohmann::json::parse(rejects[1]);
  EXPECT_EQ(exact["metadata"]["dup_of"], "early");
}

TEST(DedupStageTest, LaterNightsDropCopiesOfPublishedDocuments) {
  TempDir dir;
  WriteNight(dir / "n1/a.jsonl", {{"first", kArticle, "2024-03-20"}});
  WriteNight(dir / "n2/a.jsonl", {{"copy", kArticle + " Updated on Friday.", "2024-01-01"},
                                  {"new", "A new story about a library that stays open until ten in the evening "
                                          "from next month, after a survey of two thousand residents.", ""}});
  const std::string config = DedupConfig(dir);
  ASSERT_EQ(RunTextmill({"run", "-c", config, "-i", dir / "n1", "-o", dir / "o1", "--state", dir / "state",
                         "--progress", "none"}), 0);
  ASSERT_EQ(RunTextmill({"run", "-c", config, "-i", dir / "n2", "-o", dir / "o2", "--state", dir / "state",
                         "--progress", "none"}), 0);
  // Published copies win even over an earlier date.
  EXPECT_EQ(Ids(testing::ReadShardLines(dir / "o2")), (std::vector<std::string>{"new"}));
  const auto rejected = nlohmann::json::parse(testing::ReadShardLines(dir / "o2/rejects").at(0));
  EXPECT_EQ(rejected["metadata"]["dup_of"], "first");
  EXPECT_EQ(rejected["metadata"]["dup_of_published"], true);
}

TEST(DedupStageTest, RepeatedLinesAreRemovedButSyndicatedTextIsNot) {
  TempDir dir;
  std::vector<std::tuple<std::string, std::string, std::string>> docs;
  for (int i = 0; i < 5; ++i) {
    docs.emplace_back("p" + std::to_string(i),
                      "Gazette Home | News | Sport\nStory number " + std::to_string(i) + " is about topic " +
                          std::to_string(i * 7) + " and has its own words " + std::string(i + 1, 'x') +
                          " that no other page shares.\nShare this article: Facebook, X, Email",
                      "");
  }
  // The same article on four sites: its lines must survive in the kept copy.
  for (int i = 0; i < 4; ++i) docs.emplace_back("syn" + std::to_string(i), "Site " + std::to_string(i) + "\n" + kArticle, "");
  WriteNight(dir / "in/a.jsonl", docs);
  ASSERT_EQ(RunTextmill({"run", "-c", DedupConfig(dir), "-i", dir / "in", "-o", dir / "out", "--progress", "none"}), 0);
  const auto lines = testing::ReadShardLines(dir / "out");
  ASSERT_EQ(lines.size(), 6u);  // 5 pages + one copy of the article
  for (const std::string& line : lines) {
    const std::string text = nlohmann::json::parse(line)["text"];
    EXPECT_EQ(text.find("Share this article"), std::string::npos) << text;
    EXPECT_EQ(text.find("Home | News"), std::string::npos) << text;
  }
  EXPECT_NE(lines.back().find("corroding faster"), std::string::npos);
}

// Teaser boxes: the box's frame repeats on every page of the site, its
// teasers on only a few. A block of such lines between removed lines goes;
// the same lines as a page's largest block (the teased article itself) stay.
TEST(DedupStageTest, TeaserBlocksBetweenTemplateLinesGoButMainBlocksStay) {
  TempDir dir;
  const std::vector<std::string> teasers = {
      "Council approves the new bridge after six years of debate about its cost and route",
      "Harbour festival draws record crowds as food stalls run out of sardines before dark",
      "Library to stay open until ten in the evening from next month after a residents survey",
      "Tram line extension opens to passengers three months ahead of the planned schedule"};
  std::vector<std::tuple<std::string, std::string, std::string>> docs;
  for (int i = 0; i < 4; ++i) {
    // Pages 0-1 tease stories 0 and 1, pages 2-3 stories 2 and 3: each teaser is on two pages.
    const std::string& a = teasers[static_cast<size_t>(i < 2 ? 0 : 2)];
    const std::string& b = teasers[static_cast<size_t>(i < 2 ? 1 : 3)];
    // Each page's own story: long and unlike the others, so the pages are not near copies.
    std::string story = "Story number " + std::to_string(i) + ":";
    for (int w = 0; w < 60; ++w) story += " w" + std::to_string(i * 1000 + w * 37);
    docs.emplace_back("p" + std::to_string(i),
                      "Gazette Home | News | Sport\n" + story + "\nMost read\n" + a + "\n" + b +
                          "\nShare this article: Facebook, X, Email",
                      "");
  }
  // The teased story's own page: its one paragraph is a teaser elsewhere.
  docs.emplace_back("story", "Gazette Home | News | Sport\n" + teasers[1] + "\nShare this article: Facebook, X, Email", "");
  WriteNight(dir / "in/a.jsonl", docs);
  WriteFile(dir / "c.yaml",
            "output: {compression: none, rejects: true}\nstages:\n  - dedup: {line_min_docs: 4, line_block_min_docs: 2}\n");
  ASSERT_EQ(RunTextmill({"run", "-c", dir / "c.yaml", "-i", dir / "in", "-o", dir / "out", "--progress", "none"}), 0);
  const auto lines = testing::ReadShardLines(dir / "out");
  ASSERT_EQ(lines.size(), 5u);
  for (size_t i = 0; i < 4; ++i) {
    const std::string text = nlohmann::json::parse(lines[i])["text"];
    EXPECT_NE(text.find("Story number"), std::string::npos) << text;
    for (const std::string& teaser : teasers) EXPECT_EQ(text.find(teaser), std::string::npos) << text;
  }
  EXPECT_EQ(nlohmann::json::parse(lines[4])["text"], teasers[1]);
  // Off: the teasers stay.
  WriteFile(dir / "off.yaml",
            "output: {compression: none}\nstages:\n  - dedup: {line_min_docs: 4, line_block_min_docs: 0}\n");
  ASSERT_EQ(RunTextmill({"run", "-c", dir / "off.yaml", "-i", dir / "in", "-o", dir / "off", "--progress", "none"}), 0);
  EXPECT_NE(testing::ReadShardLines(dir / "off")[0].find(teasers[0]), std::string::npos);
}

TEST(DedupStageTest, BadStateDirStopsBeforeAnyWork) {
  TempDir dir;
  WriteNight(dir / "in/a.jsonl", {{"a", kArticle, ""}});
  WriteFile(dir / "state/dedup.lmdb/data.mdb", "garbage that is not an LMDB file");
  std::string log;
  EXPECT_EQ(RunTextmill({"run", "-c", DedupConfig(dir), "-i", dir / "in", "-o", dir / "out", "--state",
                         dir / "state", "--progress", "none"}, &log), 2);
  EXPECT_NE(log.find("--state"), std::string::npos) << log;
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
  EXPECT_EQ(testing::ReadFile(dir / "state/dedup.lmdb/data.mdb"), "garbage that is not an LMDB file");
}

}  // namespace
}  // namespace textmill
