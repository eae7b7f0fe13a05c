#include "pipeline/phases.h"

#include <filesystem>
#include <fstream>

#include "pipeline/errors.h"
#include "pipeline/util/atomic_file.h"

namespace fs = std::filesystem;

namespace textmill {
namespace {

Json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Json();
  return Json::parse(in, nullptr, false);
}

bool IsLoadRecord(const Json& value) { return value.is_object() && value.contains("load_seconds"); }

// The values of a load record (see AddReportValues), at any depth.
void AddLoadRecord(Json& into, const Json& from) {
  for (const auto& [key, value] : from.items()) {
    if (!into.contains(key)) {
      into[key] = value;
    } else if (key == "load_seconds" || key.rfind("documents_", 0) == 0) {
      AddReportValues(into[key], value);
    } else if (into[key].is_object() && value.is_object()) {
      AddLoadRecord(into[key], value);
    }
  }
}

}  // namespace

void AddReportValues(Json& into, const Json& from) {
  if (into.is_number_integer() && from.is_number_integer()) {
    into = into.get<int64_t>() + from.get<int64_t>();
  } else if (into.is_number() && from.is_number()) {
    into = into.get<double>() + from.get<double>();
  } else if (into.is_object() && from.is_object()) {
    for (const auto& [key, value] : from.items()) {
      if (!into.contains(key)) {
        into[key] = value;
      } else if (key.find("per_") != std::string::npos || key.rfind("state_", 0) == 0) {
        // Rates and sizes per document (index_bytes_per_document), and what
        // the state dir holds (every task sees the same): not additive.
        continue;
      } else if (IsLoadRecord(into[key]) && IsLoadRecord(value)) {
        AddLoadRecord(into[key], value);
      } else {
        AddReportValues(into[key], value);
      }
    }
  } else if (into.is_array() && from.is_array()) {
    for (const Json& value : from) into.push_back(value);
  }
}

PhasePlan MakePhasePlan(const std::vector<RangePhase>* range_phases) {
  PhasePlan plan;
  const auto add_range_phases = [&](DocumentPass after) {
    if (!range_phases) return;
    for (const RangePhase& phase : *range_phases) {
      if (phase.after == after) plan.push_back({phase.name, PhaseStep::kRange, phase.single_task, phase.run});
    }
  };
  plan.push_back({"process", PhaseStep::kObserve, false, nullptr});
  add_range_phases(DocumentPass::kObserve);
  if (range_phases) plan.push_back({"sign", PhaseStep::kAnalyze, false, nullptr});
  add_range_phases(DocumentPass::kAnalyze);
  plan.push_back({"finalize", PhaseStep::kApply, false, nullptr});
  add_range_phases(DocumentPass::kApply);
  plan.push_back({"report", PhaseStep::kPublish, true, nullptr});
  return plan;
}

PhasePlan PlanPhases(const std::vector<std::unique_ptr<Stage>>& stages) {
  GlobalStage* global = FindGlobalStage(stages);
  if (!global) return MakePhasePlan(nullptr);
  const std::vector<RangePhase> range_phases = global->RangePhases();
  return MakePhasePlan(&range_phases);
}

const PlannedPhase* FindPhase(const PhasePlan& plan, std::string_view name) {
  for (const PlannedPhase& phase : plan) {
    if (phase.name == name) return &phase;
  }
  return nullptr;
}

std::string PhaseNameList(const PhasePlan& plan) {
  std::string names;
  for (const PlannedPhase& phase : plan) names += (names.empty() ? "" : ", ") + phase.name;
  return names;
}

std::string CompletionPath(const std::string& work_dir, std::string_view phase, int rank) {
  return (fs::path(work_dir) / "done" / (std::string(phase) + "." + std::to_string(rank))).string();
}

bool PhaseTaskDone(const std::string& work_dir, std::string_view phase, int rank) {
  return fs::exists(CompletionPath(work_dir, phase, rank));
}

void RecordPhaseTaskDone(const std::string& work_dir, std::string_view phase, int rank, const Json& info) {
  fs::create_directories(fs::path(work_dir) / "done");
  WriteFileAtomic(CompletionPath(work_dir, phase, rank), info.dump(2) + "\n");
}

void RequirePreviousPhase(const PhasePlan& plan, const std::string& work_dir, std::string_view phase, int count) {
  size_t i = 0;
  while (i < plan.size() && plan[i].name != phase) ++i;
  if (i == 0 || i == plan.size()) return;
  const std::string& previous = plan[i - 1].name;
  const int tasks = plan[i - 1].single_task ? 1 : count;
  std::string missing;
  int missing_count = 0;
  for (int r = 0; r < tasks; ++r) {
    if (PhaseTaskDone(work_dir, previous, r)) continue;
    if (++missing_count > 10) continue;
    if (!missing.empty()) missing += ',';
    missing += std::to_string(r);
  }
  if (missing_count > 0) {
    throw RuntimeError("phase " + std::string(phase) + " needs phase " + previous + " finished on all " +
                       std::to_string(tasks) + " tasks; " + std::to_string(missing_count) +
                       " have no completion record in " + (fs::path(work_dir) / "done").string() + " (tasks " +
                       missing + (missing_count > 10 ? ",..." : "") + ")");
  }
}

void CheckPlan(const PhasePlan& phases, const std::string& work_dir, const std::string& config_hash, int count) {
  const std::string path = (fs::path(work_dir) / "plan.json").string();
  Json plan = {{"config_hash", config_hash}, {"tasks", count}};
  Json existing = ReadJson(path);
  if (existing.is_null()) {
    fs::create_directories(work_dir);
    Json listed = Json::array();
    for (const PlannedPhase& phase : phases) listed.push_back({{"name", phase.name}, {"tasks", phase.single_task ? 1 : count}});
    plan["phases"] = listed;
    WriteFileAtomic(path, plan.dump(2) + "\n");  // identical from every task: a race is harmless
    return;
  }
  if (!existing.is_object() || existing.value("config_hash", "") != config_hash ||
      existing.value("tasks", -1) != count) {
    throw ConfigError("work dir " + work_dir + " belongs to another job (plan.json: " + existing.dump() +
                      "; this one: " + plan.dump() + "); use a fresh --work dir");
  }
}

Json MergeReports(const std::vector<Json>& reports) {
  if (reports.empty()) return Json::object();
  Json merged = reports[0];
  for (size_t i = 1; i < reports.size(); ++i) {
    Json rest = reports[i];
    // Per-stage entries are matched by position, not concatenated.
    if (rest.contains("stages") && merged.contains("stages") && rest["stages"].size() == merged["stages"].size()) {
      for (size_t s = 0; s < rest["stages"].size(); ++s) {
        Json stage = rest["stages"][s];
        stage.erase("name");
        AddReportValues(merged["stages"][s], stage);
      }
      rest.erase("stages");
    }
    rest.erase("config");
    rest.erase("report_version");
    rest.erase("textmill_version");
    rest.erase("shard");
    rest.erase("exit_code");
    AddReportValues(merged, rest);
    merged["exit_code"] = std::max(merged.value("exit_code", 0), reports[i].value("exit_code", 0));
  }
  merged["shard"] = {{"rank", 0}, {"count", reports.size()}, {"merged_from", reports.size()}};
  return merged;
}

Json MergePhasedRun(const PhasePlan& plan, const std::string& output_dir, const std::string& work_dir, int count) {
  std::vector<Json> reports;
  for (int r = 0; r < count; ++r) {
    char name[48];
    std::snprintf(name, sizeof name, "part-%05d.report.json", r);
    const std::string path = (fs::path(output_dir) / name).string();
    Json report = ReadJson(path);
    if (!report.is_object()) throw RuntimeError(path + ": missing or damaged (did finalize " + std::to_string(r) + " finish?)");
    reports.push_back(std::move(report));
  }
  Json merged = MergeReports(reports);
  // What each phase cost, from the completion records.
  Json phases = Json::object();
  double task_seconds = 0;
  for (const PlannedPhase& planned : plan) {
    if (planned.step == PhaseStep::kPublish) continue;  // this phase: still running
    const std::string& phase = planned.name;
    const int tasks = planned.single_task ? 1 : count;
    Json summary = {{"tasks", tasks}, {"cpu_seconds", 0.0}, {"wall_seconds", 0.0}, {"max_task_rss_mib", 0.0}};
    Json stats = Json::object();
    for (int r = 0; r < tasks; ++r) {
      const Json record = ReadJson(CompletionPath(work_dir, phase, r));
      if (!record.is_object()) continue;
      summary["cpu_seconds"] = summary["cpu_seconds"].get<double>() + record.value("cpu_seconds", 0.0);
      summary["wall_seconds"] = summary["wall_seconds"].get<double>() + record.value("wall_seconds", 0.0);
      summary["max_task_rss_mib"] = std::max(summary["max_task_rss_mib"].get<double>(), record.value("max_rss_mib", 0.0));
      if (record.contains("stats")) AddReportValues(stats, record["stats"]);
    }
    task_seconds += summary["wall_seconds"].get<double>();
    if (!stats.empty()) summary["stats"] = stats;
    phases[phase] = summary;
  }
  merged["phases"] = phases;
  Json& totals = merged["totals"];
  totals["wall_seconds"] = task_seconds;  // summed over tasks: the run's cost, not its duration
  totals["task_seconds"] = task_seconds;
  totals["input_mb_per_second"] =
      task_seconds > 0 ? static_cast<double>(totals.value("input_bytes", uint64_t{0})) / 1e6 / task_seconds : 0.0;
  WriteFileAtomic((fs::path(output_dir) / "report.json").string(), merged.dump(2) + "\n");
  return merged;
}

}  // namespace textmill
