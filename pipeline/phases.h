// Phased runs: one run as a chain of array jobs of the same binary (Slurm,
// Kubernetes indexed jobs, or plain processes), exchanging files in a work
// directory on shared storage. `textmill phase NAME --work DIR --shard R/N`;
// `textmill phases -c CONFIG` prints the plan below for a config.
//
// The plan is built from the global stage's declarations, never its name:
//
//   process   [N tasks, input slice R] the stages before the global one; spools
//             the survivors; the global stage's observe pass (DocumentPass).
//   ...       the stage's range phases that follow kObserve
//   sign      [N tasks, input slice R] the analyze pass over the spool.
//   ...       the stage's range phases that follow kAnalyze
//   finalize  [N tasks, input slice R] the apply pass, the stages after the
//             global one, the final shards part-R-*.
//   ...       the stage's range phases that follow kApply (e.g. each task
//             committing its part of an index kept between runs)
//   report    [1 task] merges the per-task reports into report.json and, with
//             a state dir, publishes the run (pipeline/publish.h).
//
// Without a global stage the plan is process, finalize, report. Each step is a
// barrier over all tasks; the rest is the single-machine algorithm split at
// those barriers, so the output equals a one-machine run (tests/scaleout).
//
// Every task leaves a completion record WORK/done/PHASE.RANK when it finished;
// a rerun of a finished task does nothing (unless --force), so a failed array
// is resubmitted whole and only its failed tasks work. Each phase checks the
// records of the phase before it and that the work dir belongs to this run
// (same config and task count, WORK/plan.json, which also records the plan).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/document.h"
#include "pipeline/stage.h"

namespace textmill {

struct PlannedPhase {
  std::string name;
  PhaseStep step = PhaseStep::kObserve;  // kObserve/kAnalyze/kApply read documents; kRange, kPublish do not
  bool single_task = false;              // one task (rank 0), else one per slice or range
  std::function<Json(const PhaseContext&)> run;  // kRange: the stage's RangePhase::run
};
using PhasePlan = std::vector<PlannedPhase>;

// The phases of a run whose global stage declared `range_phases` (nullptr
// without a global stage: process, finalize, report).
PhasePlan MakePhasePlan(const std::vector<RangePhase>* range_phases);
// The plan of a run of `stages` (asks its global stage, if any).
PhasePlan PlanPhases(const std::vector<std::unique_ptr<Stage>>& stages);
// The planned phase called `name`, or nullptr.
const PlannedPhase* FindPhase(const PhasePlan& plan, std::string_view name);
std::string PhaseNameList(const PhasePlan& plan);  // "process, sign, ..."

std::string CompletionPath(const std::string& work_dir, std::string_view phase, int rank);
bool PhaseTaskDone(const std::string& work_dir, std::string_view phase, int rank);
void RecordPhaseTaskDone(const std::string& work_dir, std::string_view phase, int rank, const Json& info);
// Throws RuntimeError naming the missing tasks of the phase before `phase`.
void RequirePreviousPhase(const PhasePlan& plan, const std::string& work_dir, std::string_view phase, int count);
// Checks (or, for the first task to get there, writes) WORK/plan.json: the
// config hash and task count every phase of this work dir must share, and the
// plan's phases.
void CheckPlan(const PhasePlan& plan, const std::string& work_dir, const std::string& job_hash, int count);

// Adds the report values `from` into `into`: numbers are summed, objects
// merged key by key, arrays concatenated; anything else keeps `into`'s value,
// as do keys holding "per_" (rates) or starting "state_" (the state dir's
// size, which every task sees whole). An object with "load_seconds" records
// a load every task repeats (a stage's lists, an n-gram table): its values
// are the same in every task and keep `into`'s, except load_seconds (the
// time all tasks spent) and "documents_*" counts, which add up.
void AddReportValues(Json& into, const Json& from);

// Sums the per-task reports of a phased run into one: numbers add up (CPU,
// documents, bytes, counters), lists concatenate, the rest is taken from the
// first report; wall time and throughput are recomputed by the caller.
Json MergeReports(const std::vector<Json>& reports);

// The report phase: merges OUTPUT/part-*.report.json of `count` finalize tasks
// and the phases' completion records (CPU, peak memory, counters per phase)
// into OUTPUT/report.json; returns it.
Json MergePhasedRun(const PhasePlan& plan, const std::string& output_dir, const std::string& work_dir, int count);

}  // namespace textmill
