#include "pipeline/publish.h"

#include "pipeline/util/fault.h"

namespace textmill {

void PublishRun(GlobalStage* global, RunState* state, const PublishedRun& run) {
  MaybeCrash("before_index_commit");
  MaybePause("pause_before_index_commit");
  if (global) global->Commit(run.run_id);
  MaybeCrash("before_manifest_commit");
  if (state) {
    state->FinishRun(run.run_id, run.processed, run.documents_by_path, run.documents_read, run.documents_written);
  }
  MaybeCrash("after_manifest_commit");
}

}  // namespace textmill
