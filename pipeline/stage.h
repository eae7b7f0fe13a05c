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

}  // namespace textmill
