// Publishing a run: the one place that owns the order in which a finished run
// becomes visible, for single-machine runs and the report phase of phased
// runs alike (as LevelDB's VersionSet::LogAndApply alone writes its manifest):
//
//   1. the shards are complete (closed and renamed by the writers),
//   2. the report is written,
//   3. the global stage's index learns the run (GlobalStage::Commit(run_id)),
//   4. the manifest records it done (RunState::FinishRun).
//
// The callers do 1 and 2, then call PublishRun for 3 and 4. A crash between
// two steps leaves what a rerun completes: before 3 the run is redone; after
// 3 the index holds the run id, so RunState::BeginRun completes the manifest
// instead (run_state.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "pipeline/io/input_files.h"
#include "pipeline/run_state.h"
#include "pipeline/stage.h"

namespace textmill {

// What the manifest records about a run.
struct PublishedRun {
  int64_t run_id = 0;
  const InputListing& processed;
  const std::map<std::string, int64_t>& documents_by_path;
  int64_t documents_read = 0;
  int64_t documents_written = 0;
};

// Steps 3 and 4; `global` and `state` may be null (nothing to commit there).
// Throws what the commits throw; the run is then not published.
void PublishRun(GlobalStage* global, RunState* state, const PublishedRun& run);

}  // namespace textmill
