// StagePasses: one pass of documents through a range of stages, as a
// tbb::parallel_pipeline inside a task_arena of `threads`: a serial-in-order
// source, consecutive parallel stages fused into one parallel filter, one
// serial-in-order filter per serial stage, an optional parallel hook on every
// live document, and a serial-in-order sink. Output order is input order, so 1
// thread and N threads give identical bytes.
//
// Every pass charges its stages' documents, bytes and CPU time to their
// tallies, which the report reads. Not thread-safe: one pass at a time.
#pragma once

#include <tbb/task_arena.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/batch.h"
#include "pipeline/stage.h"

namespace textmill {

// Per-stage counts. Atomics because parallel stages update them from many
// threads; the reject tallies are written by the serial writer only.
struct StageTally {
  std::atomic<int64_t> docs_in{0}, docs_out{0}, bytes_in{0}, bytes_out{0}, cpu_ns{0};
};

// CPU time of the calling thread.
int64_t ThreadCpuNanos();

class StagePasses {
 public:
  using Source = std::function<bool(Batch&)>;      // fills the batch; false at the end
  using DocHook = std::function<void(Document&)>;  // on every live document, in parallel
  using Sink = std::function<void(Batch&)>;        // serial, input order

  // `stages` must outlive this object; `threads` > 0. Once `*cancel` (if
  // given; it must outlive this object) is true, a pass reads no further batch
  // and runs no further stage on the batches in flight: Run() throws Cancelled.
  StagePasses(std::vector<std::unique_ptr<Stage>>& stages, int threads,
              const std::atomic<bool>* cancel = nullptr);

  // One pass: `source`, stages [first, last), then `hook` (CPU time charged to
  // stage `hook_stage`), then `sink`.
  void Run(const Source& source, size_t first, size_t last, const DocHook& hook, const Sink& sink,
           size_t hook_stage = 0);
  // Runs `step` on this thread, charging its CPU time to stage `index`.
  void Charge(size_t index, const std::function<void()>& step);

  std::vector<StageTally>& tallies() { return tallies_; }
  const std::vector<StageTally>& tallies() const { return tallies_; }

 private:
  void RunStage(size_t index, Batch& batch);
  void CheckCancel() const;

  std::vector<std::unique_ptr<Stage>>& stages_;
  std::vector<StageTally> tallies_;
  int threads_;
  const std::atomic<bool>* cancel_;
  tbb::task_arena arena_;
};

}  // namespace textmill
