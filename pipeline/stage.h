// Stage: one step of the pipeline.
//
// Contract: after construction a stage is immutable and shared by all threads
// (models, compiled patterns). Process() may be called concurrently from many
// threads on different batches unless IsSerial() is true, in which case the
// runner calls it from one thread at a time, in input order. Per-thread scratch
// and counters live in tbb::enumerable_thread_specific (see counters.h) and are
// merged when Stats() is called after Flush().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/batch.h"
#include "pipeline/document.h"

namespace textmill {

class Stage {
 public:
  virtual ~Stage() = default;

  virtual std::string_view Name() const = 0;

  // Loads what processing documents takes (models, lists, n-gram tables):
  // BuildStages calls it on every stage, once, before any document, so a
  // missing or corrupt file is a config error before any work. A phased
  // run's tasks that process no document (range phases, report) build their
  // stages without it and never pay for it (pipeline/phases.h). The
  // constructor only reads and checks options. Throws ConfigError.
  virtual void Load() {}

  // Serial stages see every batch in input order on one thread at a time
  // (decisions that depend on earlier documents). Parallel stages see batches
  // in any order.
  virtual bool IsSerial() const { return false; }

  // Default: ProcessDoc on every document not yet rejected.
  virtual void Process(Batch& batch) {
    for (Document& doc : batch.docs) {
      if (!doc.rejected()) ProcessDoc(doc);
    }
  }
  virtual void ProcessDoc(Document& /*doc*/) {}

  // Called once after the last batch.
  virtual void Flush() {}

  // Stage-specific counters for the run report (an object; may be empty).
  virtual Json Stats() const { return Json::object(); }
};

// Whether a stage's Load() has run: a document processed before it is a
// programming error, made loud (a stage without its model or lists would
// otherwise pass documents through as if it had none).
class LoadedFlag {
 public:
  void Set() { loaded_ = true; }
  void Check(std::string_view stage) const {
    if (!loaded_) throw std::logic_error(std::string(stage) + ": a document before Load()");
  }

 private:
  bool loaded_ = false;
};

// The document passes of a global stage's protocol, in order.
enum class DocumentPass {
  kObserve,  // Observe() every document that reaches the stage, then EndObserve()
  kAnalyze,  // Analyze() every document by its spool position, then Decide()
  kApply,    // Process() applies the decisions (serial, input order); later stages and the writer follow
};

// Phased runs (`textmill phase`, pipeline/phases.h): a run as separate
// processes over input slices and hash ranges, exchanging files under
// `work_dir`. What one process of the run is doing for the global stage:
enum class PhaseStep {
  kNone,     // not a phased run: every pass in this process, in memory
  kObserve,  // the document passes, one input slice each
  kAnalyze,
  kApply,
  kRange,    // one of the stage's range phases (RangePhase)
  kPublish,  // the run's output is complete: Commit() publishes it
};

struct PhaseContext {
  PhaseStep step = PhaseStep::kNone;
  std::string name;      // the phase's name (`textmill phase NAME`)
  std::string work_dir;  // shared by all tasks of the run
  int rank = 0;          // this task: input slice (document passes) or hash range
  int count = 1;         // tasks per array phase = input slices = hash ranges
  bool phased() const { return step != PhaseStep::kNone; }
};

// A phase of a phased run that reads no documents: it works on the files the
// document passes left in the work dir, one hash range per task, or all of
// them in one task. The scheduler places it by these properties alone, as
// DuckDB's executor schedules an operator by IsSink/Combine/Finalize.
struct RangePhase {
  std::string name;          // unique in the run; `textmill phase NAME`
  DocumentPass after;        // runs after this pass (kObserve, kAnalyze or kApply), after the range phases declared before it
  bool single_task = false;  // one task over every range (a barrier that joins them), else one task per range
  // Does the work; returns its counters for the phase's completion record.
  std::function<Json(const PhaseContext&)> run;
};

// GlobalStage: a stage whose decisions need the whole input first. The runner
// drives it through the three DocumentPass passes, each a full read of the
// documents (the later two from a spool file): the stages before it run in
// the observe pass, the stages after it in the apply pass. After the run's
// shards and report are written, Commit() persists what later runs need
// (pipeline/publish.h owns that order).
//
// A phased run makes each pass a phase of its own over input slices; the
// stage keeps what a pass learnt in files under the work dir, and joins the
// slices' files in range phases it declares (RangePhases) between the passes.
class GlobalStage : public Stage {
 public:
  bool IsSerial() const override { return true; }
  virtual void Observe(const Document& doc) = 0;
  virtual void EndObserve(uint64_t documents) = 0;
  // `doc.spool_position` is its position in the spool (0-based, input order).
  virtual void Analyze(const Document& doc) = 0;
  virtual void Decide() = 0;
  // After the run's shards are complete: persist what later runs need,
  // remembering `run_id` (0 without a state dir).
  virtual void Commit(int64_t /*run_id*/) {}
  // The run id of the last Commit() that reached disk, 0 if none.
  virtual int64_t LastCommittedRun() const { return 0; }

  // Phased runs. BeginPhase switches the stage to one step before the runner
  // drives it: in kObserve, Observe and EndObserve write what the stage saw to
  // the work dir; in kAnalyze Analyze does, and Decide closes the files; in
  // kApply it loads the decisions the range phases took for Process; in
  // kPublish Commit publishes from the files.
  virtual void BeginPhase(const PhaseContext& context) = 0;
  // The stage's range phases, in the order they run after their pass; the
  // phase plan (pipeline/phases.h) places them by `after` and `single_task`.
  virtual std::vector<RangePhase> RangePhases() = 0;
};

// The index of the first global stage in `stages`, or stages.size() if none.
inline size_t GlobalStageIndex(const std::vector<std::unique_ptr<Stage>>& stages) {
  for (size_t i = 0; i < stages.size(); ++i) {
    if (dynamic_cast<GlobalStage*>(stages[i].get())) return i;
  }
  return stages.size();
}

inline GlobalStage* FindGlobalStage(const std::vector<std::unique_ptr<Stage>>& stages) {
  const size_t i = GlobalStageIndex(stages);
  return i < stages.size() ? static_cast<GlobalStage*>(stages[i].get()) : nullptr;
}

}  // namespace textmill
