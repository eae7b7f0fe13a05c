// Phased runs: one job as a chain of array jobs of the same binary (Slurm,
// Kubernetes indexed jobs, or plain processes), exchanging files in a work
// directory on shared storage. `textmill phase NAME --work DIR --shard R/N`.
//
//   process   [N tasks, input slice R] stages before the global one (dedup);
//             spools the survivors and writes what dedup observes (line keys).
//   count     [N tasks, hash range R] counts repeated lines: the first cut.
//   sign      [N tasks, input slice R] exact keys, MinHash signatures and LSH
//             band keys of the spooled documents, lines removed by the first cut.
//   dedup     [N tasks, hash range R] duplicate pairs from exact keys and bands.
//   merge     [1 task] joins the pairs into clusters; keeper per cluster.
//   lines     [N tasks, hash range R] repeated lines counted once per cluster.
//   finalize  [N tasks, input slice R] applies the decisions, runs the stages
//             after dedup, writes the final shards part-R-*.
//   report    [1 task] merges the per-task reports into report.json.
//
// Why eight and not three: signatures are computed on the text without the
// repeated lines, so the line counts of the whole corpus must exist before any
// signature, and the final line counts need the clusters. Each arrow is a
// barrier over all tasks; the rest is the single-machine algorithm split at
// those barriers, with the same keep rule, so the output equals a one-machine
// run (tests/scaleout).
//
// Every task leaves a completion record WORK/done/PHASE.RANK when it finished;
// a rerun of a finished task does nothing (unless --force), so a failed array
// is resubmitted whole and only its failed tasks work. Each phase checks the
// records of the phase before it and that the work dir belongs to this job
// (same config and task count).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/document.h"

namespace textmill {

const std::vector<std::string>& PhaseNames();
bool IsPhase(std::string_view name);
// merge and report run as one task (rank 0); the others as N.
bool IsSingleTaskPhase(std::string_view name);
// process, sign and finalize read documents; the others hash ranges only.
bool IsDocumentPhase(std::string_view name);

std::string CompletionPath(const std::string& work_dir, std::string_view phase, int rank);
bool PhaseTaskDone(const std::string& work_dir, std::string_view phase, int rank);
void RecordPhaseTaskDone(const std::string& work_dir, std::string_view phase, int rank, const Json& info);
// Throws RuntimeError naming the missing tasks of the phase before `phase`.
void RequirePreviousPhase(const std::string& work_dir, std::string_view phase, int count);
// Checks (or, for the first task to get there, writes) WORK/plan.json: the
// config hash and task count every phase of this work dir must share.
void CheckPlan(const std::string& work_dir, const std::string& job_hash, int count);

// Sums the per-task reports of a phased run into one: numbers add up (CPU,
// documents, bytes, counters), lists concatenate, the rest is taken from the
// first report; wall time and throughput are recomputed by the caller.
Json MergeReports(const std::vector<Json>& reports);

// The report phase: merges OUTPUT/part-*.report.json of `count` finalize tasks
// and the phases' completion records (CPU, peak memory, counters per phase)
// into OUTPUT/report.json; returns it.
Json MergePhasedRun(const std::string& output_dir, const std::string& work_dir, int count);

}  // namespace textmill
