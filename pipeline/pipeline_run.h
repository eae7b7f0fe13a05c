// PipelineRun: one process's share of a run, behind RunPipeline (runner.h).
// Internal to the runner; its parts live in files of their own:
//
//   passes.h          the TBB passes over the stages and their tallies
//   output_routing.h  where each document leaving the stages goes, and its counts
//   run_report.h      report.json and the metrics
//   publish.h         the commit order that publishes a run
//   runner.cc         a whole run on one machine: listing, the state dir's
//                     run protocol, the passes of a global stage
//   document_phases.cc  the document phases of a phased run (process, sign,
//                     finalize) and what they hand on through the work dir
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/config.h"
#include "pipeline/io/input_files.h"
#include "pipeline/output_routing.h"
#include "pipeline/passes.h"
#include "pipeline/progress.h"
#include "pipeline/run_report.h"
#include "pipeline/runner.h"

namespace textmill {

class PipelineRun {
 public:
  // Puts the core's ingest stage before `stages`.
  PipelineRun(const Config& config, std::vector<std::unique_ptr<Stage>> stages, const RunOptions& options);

  // A whole run (or one --shard R/N slice of it) from inputs to published shards.
  RunOutcome Run();
  // One document phase of a phased run (options.phase), document_phases.cc.
  RunOutcome RunPhase();

 private:
  struct PhaseFiles;

  // This task's slice of the inputs, without the output, state and work dirs.
  // Throws ConfigError when there is no input file at all.
  InputListing ListRunInputs() const;
  // Logs the listing's unreadable inputs and lists them for the report.
  void NoteUnreadableInputs();
  // The global stage's three passes, the last one writing the output.
  void RunGlobalPasses(const StagePasses::Source& source, size_t global);
  // Flushes the stages, closes the shards, writes config.yaml, the report and
  // the metrics (steps 1 and 2 of publish.h).
  RunOutcome FinishOutput(std::chrono::steady_clock::time_point start);
  // After a failed commit: the report and metrics say so (best effort).
  void RecordFailure(RunOutcome& outcome, const std::string& error);
  std::string ReportName() const;
  std::string MetricsName() const;
  RunFacts Facts() const;
  size_t GlobalIndex() const { return GlobalStageIndex(stages_); }
  GlobalStage* Global() const { return FindGlobalStage(stages_); }
  PhaseContext Context() const;

  // Phased runs, document_phases.cc.
  RunOutcome RunProcessPhase(const PhaseFiles& files);
  RunOutcome RunSignPhase(const PhaseFiles& files, Json& carry);
  RunOutcome RunFinalizePhase(const PhaseFiles& files, const Json& carry);
  void ReadSpool(const std::string& dir, uint64_t expected, size_t first, size_t last, const StagePasses::DocHook& hook,
                 const StagePasses::Sink& sink);
  // What the process phase hands on to finalize's report, and taking it back.
  Json CarryOut(size_t global) const;
  void CarryIn(const Json& carry, size_t global);

  const Config& config_;
  RunOptions options_;
  std::vector<std::unique_ptr<Stage>> stages_;
  StagePasses passes_;
  OutputRouter output_;
  InputListing listing_;
  ReadProgress read_progress_;
  std::string started_ = UtcNow();  // for the report: when this process began the run
  Json incremental_ = Json::object();
  Json carried_inputs_;  // finalize of a phased run: the process phase's input summary
  // Finalize of a phased run: the counters of the stages up to the global one,
  // from the process and sign tasks of this slice (null entries after it).
  Json carried_counters_;
};

}  // namespace textmill
