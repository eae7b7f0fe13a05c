// Runner: runs one job (or one --shard R/N slice of it) from inputs to shards.
//
// The pipeline is a tbb::parallel_pipeline inside a task_arena of `threads`:
// a serial-in-order reader, consecutive parallel stages fused into one parallel
// filter, one serial-in-order filter per serial stage (decisions that must see
// documents in input order), and a serial-in-order writer. Output order is input
// order, so 1 thread and N threads write identical bytes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pipeline/config.h"
#include "pipeline/document.h"
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
  // Phased runs (pipeline/phases.h): "process", "sign" or "finalize" runs that
  // document phase of task shard_rank over the work dir; empty: a whole run.
  std::string phase;
  std::string work_dir;
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

// The phases of a phased run that read no documents (count, dedup, merge,
// lines): runs the global stage's part for hash range `context.rank`.
Json RunRangePhase(std::vector<std::unique_ptr<Stage>>& stages, const PhaseContext& context);

// The report phase: merges the task reports into OUTPUT/report.json and, with
// a state dir, publishes the run to it (dedup index, then manifest) and
// releases the phased run's lease. Returns the merged report.
Json RunReportPhase(const Config& config, std::vector<std::unique_ptr<Stage>>& stages, const RunOptions& options);

// "part-RRRRR": the prefix of every shard a rank writes.
std::string ShardPrefix(int rank);

}  // namespace textmill
