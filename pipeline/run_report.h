// What a run (or one rank or phase task of it) says about itself: report.json
// and the Prometheus metrics file, both written to the output dir after the
// shards are complete (pipeline/publish.h has the order).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pipeline/config.h"
#include "pipeline/io/input_files.h"
#include "pipeline/output_routing.h"
#include "pipeline/passes.h"
#include "pipeline/progress.h"
#include "pipeline/stage.h"

namespace textmill {

// Wall-clock time for report.json (never in the shards, which stay byte-identical).
std::string UtcNow();

// What the report is built from; everything is only read.
struct RunFacts {
  const Config& config;
  int shard_rank = 0;
  int shard_count = 1;
  const std::vector<std::unique_ptr<Stage>>& stages;
  const std::vector<StageTally>& tallies;
  const OutputRouter& output;
  const InputListing& listing;
  const ReadProgress& read_progress;
  const Json& incremental;     // the state dir's view of this run (empty object without one)
  const Json& carried_inputs;  // finalize of a phased run: the process phase's input summary, else null
  const std::string& started;  // UtcNow() when the process began the run
  // Finalize of a phased run: per stage, counters the process and sign tasks
  // kept, added to the stage's own (null entries: the stage's own alone); the
  // stages before the global one ran in the process tasks alone and report
  // the carried ones alone. Null outside finalize.
  const Json& carried_counters;
};

// report.json: shard, config, inputs, per-stage counts and CPU, output, totals.
Json BuildReport(const RunFacts& facts, double wall_seconds);

// The metrics file (node_exporter's textfile collector) `file_name` in the output dir.
void WriteMetrics(const RunFacts& facts, const Json& report, int exit_code, double wall_seconds,
                  const std::string& file_name);

}  // namespace textmill
