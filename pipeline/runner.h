// Runner: runs one run (or one --shard R/N slice of it, or one document phase
// of a phased run) from inputs to shards; pipeline_run.h lists its parts.
//
// The stages run in passes (passes.h): a tbb::parallel_pipeline of a
// serial-in-order reader, the parallel stages fused into one parallel filter,
// one serial-in-order filter per serial stage, and a serial-in-order writer.
// Output order is input order, so 1 thread and N threads write identical bytes.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/config.h"
#include "pipeline/document.h"
#include "pipeline/phases.h"
#include "pipeline/stage.h"

namespace textmill {

struct RunOptions {
  int shard_rank = 0;
  int shard_count = 1;
  bool live_progress = false;  // a \r-updated line on a terminal; else log lines
  double progress_seconds = 10;
  std::string state_dir;        // run --state: manifest, lock, incremental inputs
  bool restart = false;         // abandon an interrupted run instead of resuming it
  bool overwrite = false;       // replace another run's output in the output dir (run --overwrite)
  // Phased runs (pipeline/phases.h): kObserve, kAnalyze or kApply runs that
  // document phase of task shard_rank over the work dir; kNone: a whole run.
  PhaseStep phase = PhaseStep::kNone;
  std::string work_dir;
  // Set from another thread to stop the run (the Python binding's Ctrl-C):
  // no further batch is read or staged, RunPipeline throws Cancelled, and
  // nothing is published (no report, index or manifest commit; a whole run
  // removes the shards this attempt wrote). A rerun then does what it does
  // after a kill. Set after the output is finished, it changes nothing: the
  // run publishes. Null: never. Must outlive the run.
  const std::atomic<bool>* cancel = nullptr;
};

struct RunOutcome {
  int exit_code = 0;  // 0 done, 3 done but some inputs were unreadable
  Json report;
};

// Hash of what decides the output: the config without inputs, output dir and
// threads. A run interrupted under one config is not resumed under another.
std::string ConfigHash(const Config& config);

// Identity of a job: config hash, shard count, absolute inputs and state dir.
// The ranks of one `--shard R/N` job share it (pipeline/output_dir.h).
std::string JobIdentity(const Config& config, int shard_count, const std::string& state_dir);

// Runs `stages` (already built, so config errors surfaced earlier). Throws
// RuntimeError when the output cannot be written.
RunOutcome RunPipeline(const Config& config, std::vector<std::unique_ptr<Stage>> stages,
                       const RunOptions& options);

// The report phase: merges the task reports into OUTPUT/report.json and, with
// a state dir, publishes the run to it and releases the phased run's lease.
// Returns the merged report.
Json RunReportPhase(const PhasePlan& plan, const Config& config, std::vector<std::unique_ptr<Stage>>& stages,
                    const RunOptions& options);

}  // namespace textmill
