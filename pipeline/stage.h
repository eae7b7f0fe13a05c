// Stage: one step of the pipeline.
//
// Contract: after construction a stage is immutable and shared by all threads
// (models, compiled patterns). Process() may be called concurrently from many
// threads on different batches unless IsSerial() is true, in which case the
// runner calls it from one thread at a time, in input order. Per-thread scratch
// and counters live in tbb::enumerable_thread_specific (see counters.h) and are
// merged when Stats() is called after Flush().
#pragma once

#include <string>
#include <string_view>

#include "pipeline/batch.h"
#include "pipeline/document.h"

namespace textmill {

class Stage {
 public:
  virtual ~Stage() = default;

  virtual std::string_view Name() const = 0;

  // Serial stages see every batch in input order on one thread at a time
  // (deduplication decisions). Parallel stages see batches in any order.
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

// Phased runs (`textmill phase`, pipeline/phases.h): the passes of a run as
// separate processes over slices of the input and hash ranges, exchanging
// files under `work_dir`.
struct PhaseContext {
  std::string phase;     // see pipeline/phases.h
  std::string work_dir;  // shared by all tasks of the job
  int rank = 0;          // this task: input slice (document phases) or hash range
  int count = 1;         // tasks per array phase = input slices = hash ranges
};

// GlobalStage: a stage whose decisions need the whole input first
// (deduplication). The runner then makes three passes: (1) the stages before
// it run and every surviving document is Observe()d (in parallel) and spooled
// to a temporary file; (2) after EndObserve(), the spool is read and every
// document Analyze()d (in parallel, by ordinal); (3) after Decide(), the
// spool is read again and Process() (serial, input order) applies the
// decisions, then the later stages and the writer run. Commit() is called
// after the output shards are complete.
class GlobalStage : public Stage {
 public:
  bool IsSerial() const override { return true; }
  virtual void Observe(const Document& doc) = 0;
  virtual void EndObserve(uint64_t documents) = 0;
  // `doc.ordinal` is its position in the spool (0-based, input order).
  virtual void Analyze(const Document& doc) = 0;
  virtual void Decide() = 0;
  // After the run's shards are complete: persist what later runs need,
  // remembering `run_id` (0 without a state dir).
  virtual void Commit(int64_t /*run_id*/) {}
  // The run id of the last Commit() that reached disk, 0 if none.
  virtual int64_t LastCommittedRun() const { return 0; }

  // Phased runs. BeginPhase switches the stage to one phase before the runner
  // drives it: in "process" Observe writes what it saw to files in the work
  // dir and EndObserve closes them; in "sign" Analyze does and Decide closes
  // them; in "finalize" Decide loads the decisions the range phases took and
  // Process applies them. RunRangePhase runs the phases that work on one hash
  // range of the files and read no documents; it returns their counters.
  virtual void BeginPhase(const PhaseContext& context) = 0;
  virtual Json RunRangePhase(const PhaseContext& context) = 0;
};

}  // namespace textmill
