#include "pipeline/phases.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "pipeline/errors.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::TempDir;

// Range phases as a global stage might declare them.
const std::vector<RangePhase>& Declared() {
  static const std::vector<RangePhase> phases = {{"lines", DocumentPass::kAnalyze, false, {}},
                                                 {"count", DocumentPass::kObserve, false, {}},
                                                 {"merge", DocumentPass::kAnalyze, true, {}}};
  return phases;
}

std::string Names(const PhasePlan& plan) { return PhaseNameList(plan); }

TEST(Phases, PlanPlacesRangePhasesByTheirPassNotTheirName) {
  EXPECT_EQ(Names(MakePhasePlan(nullptr)), "process, finalize, report");
  const PhasePlan plan = MakePhasePlan(&Declared());
  EXPECT_EQ(Names(plan), "process, count, sign, lines, merge, finalize, report");
  EXPECT_TRUE(FindPhase(plan, "merge")->single_task);
  EXPECT_EQ(FindPhase(plan, "lines")->step, PhaseStep::kRange);
  EXPECT_EQ(FindPhase(plan, "sign")->step, PhaseStep::kAnalyze);
  EXPECT_EQ(FindPhase(plan, "pairs"), nullptr);
}

TEST(Phases, CompletionRecordsGateTheNextPhase) {
  TempDir dir;
  const std::vector<RangePhase> declared = {{"count", DocumentPass::kObserve, false, {}},
                                            {"merge", DocumentPass::kAnalyze, true, {}},
                                            {"lines", DocumentPass::kAnalyze, false, {}}};
  const PhasePlan plan = MakePhasePlan(&declared);
  EXPECT_NO_THROW(RequirePreviousPhase(plan, dir.path(), "process", 3));  // the first phase needs nothing
  RecordPhaseTaskDone(dir.path(), "process", 0, Json::object());
  RecordPhaseTaskDone(dir.path(), "process", 2, Json::object());
  try {
    RequirePreviousPhase(plan, dir.path(), "count", 3);
    FAIL() << "count started with process task 1 missing";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("tasks 1)"), std::string::npos) << e.what();
  }
  RecordPhaseTaskDone(dir.path(), "process", 1, Json::object());
  EXPECT_NO_THROW(RequirePreviousPhase(plan, dir.path(), "count", 3));
  // merge is one task: lines needs only merge.0.
  RecordPhaseTaskDone(dir.path(), "merge", 0, Json::object());
  EXPECT_NO_THROW(RequirePreviousPhase(plan, dir.path(), "lines", 3));
  EXPECT_TRUE(PhaseTaskDone(dir.path(), "merge", 0));
  EXPECT_FALSE(PhaseTaskDone(dir.path(), "merge", 1));
}

TEST(Phases, PlanRefusesAnotherJob) {
  TempDir dir;
  const PhasePlan plan = MakePhasePlan(nullptr);
  CheckPlan(plan, dir.path(), "abc", 3);
  EXPECT_NO_THROW(CheckPlan(plan, dir.path(), "abc", 3));
  EXPECT_THROW(CheckPlan(plan, dir.path(), "abc", 4), ConfigError);
  EXPECT_THROW(CheckPlan(plan, dir.path(), "abd", 3), ConfigError);
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

// A stage's load record (url_filter's lists, decontaminate's n-gram table):
// every task loads the same, so a phased report shows it once; the load time
// and the documents counted in it add up, as the counters beside it do.
TEST(Phases, LoadRecordsAreKeptOnceWhileTheirTimesAndDocumentCountsAdd) {
  const auto task = [](int64_t blocked, int64_t matched, double seconds) {
    return Json{{"blocked.domain", blocked},
                {"lists", {{"block_domains", 1000}, {"memory_mb", 1.5}, {"load_seconds", seconds}}},
                {"benchmarks",
                 {{"ngrams", 300},
                  {"files", {{"qa.jsonl", {{"examples", 20}, {"documents_matched", matched}}}}},
                  {"load_seconds", seconds}}}};
  };
  Json merged = task(2, 1, 0.5);
  AddReportValues(merged, task(3, 4, 0.25));
  EXPECT_EQ(merged["blocked.domain"], 5);
  EXPECT_EQ(merged["lists"]["block_domains"], 1000);
  EXPECT_DOUBLE_EQ(merged["lists"]["memory_mb"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(merged["lists"]["load_seconds"].get<double>(), 0.75);
  EXPECT_EQ(merged["benchmarks"]["ngrams"], 300);
  EXPECT_EQ(merged["benchmarks"]["files"]["qa.jsonl"]["examples"], 20);
  EXPECT_EQ(merged["benchmarks"]["files"]["qa.jsonl"]["documents_matched"], 5);
}

}  // namespace
}  // namespace textmill
