#include "pipeline/passes.h"

#include <tbb/parallel_pipeline.h>
#include <time.h>

#include <mutex>
#include <unordered_map>

#include "pipeline/errors.h"

namespace textmill {
namespace {

// oneTBB drops the items in flight without destroying them when a pipeline
// is cancelled (an exception in a filter), so batches are owned here, not by
// the tokens: the tokens carry raw pointers and every batch not yet sunk is
// freed when the pass ends, however it ends.
class BatchesInFlight {
 public:
  Batch* Add() {
    std::lock_guard lock(mutex_);
    auto batch = std::make_unique<Batch>();
    Batch* raw = batch.get();
    owned_.emplace(raw, std::move(batch));
    return raw;
  }
  void Release(Batch* batch) {
    std::lock_guard lock(mutex_);
    owned_.erase(batch);
  }

 private:
  std::mutex mutex_;
  std::unordered_map<Batch*, std::unique_ptr<Batch>> owned_;
};

using BatchPtr = Batch*;

uint64_t LiveBytes(const Document& doc) { return doc.text.size() + doc.raw.size(); }

}  // namespace

int64_t ThreadCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

StagePasses::StagePasses(std::vector<std::unique_ptr<Stage>>& stages, int threads,
                         const std::atomic<bool>* cancel)
    : stages_(stages), tallies_(stages.size()), threads_(threads), cancel_(cancel), arena_(threads) {}

void StagePasses::CheckCancel() const {
  // An exception in a filter cancels the parallel_pipeline and is rethrown by Run().
  if (cancel_ && cancel_->load(std::memory_order_relaxed)) throw Cancelled("run cancelled");
}

void StagePasses::Charge(size_t index, const std::function<void()>& step) {
  const int64_t cpu_start = ThreadCpuNanos();
  step();
  tallies_[index].cpu_ns += ThreadCpuNanos() - cpu_start;
}

void StagePasses::RunStage(size_t index, Batch& batch) {
  Stage& stage = *stages_[index];
  StageTally& tally = tallies_[index];
  std::vector<uint8_t> was_live(batch.docs.size());
  int64_t docs_in = 0, bytes_in = 0;
  for (size_t i = 0; i < batch.docs.size(); ++i) {
    if (batch.docs[i].rejected()) continue;
    was_live[i] = 1;
    ++docs_in;
    bytes_in += static_cast<int64_t>(LiveBytes(batch.docs[i]));
  }
  const int64_t cpu_start = ThreadCpuNanos();
  stage.Process(batch);
  tally.cpu_ns += ThreadCpuNanos() - cpu_start;
  int64_t docs_out = 0, bytes_out = 0;
  for (size_t i = 0; i < batch.docs.size(); ++i) {
    Document& doc = batch.docs[i];
    if (!was_live[i]) continue;
    if (doc.rejected()) {
      doc.rejected_by = stage.Name();
    } else {
      ++docs_out;
      bytes_out += static_cast<int64_t>(LiveBytes(doc));
    }
  }
  tally.docs_in += docs_in;
  tally.bytes_in += bytes_in;
  tally.docs_out += docs_out;
  tally.bytes_out += bytes_out;
}

void StagePasses::Run(const Source& source, size_t first, size_t last, const DocHook& hook, const Sink& sink,
                      size_t hook_stage) {
  BatchesInFlight in_flight;
  arena_.execute([&] {
    auto chain =
        tbb::make_filter<void, BatchPtr>(tbb::filter_mode::serial_in_order, [&](tbb::flow_control& fc) -> BatchPtr {
          CheckCancel();
          Batch* batch = in_flight.Add();
          if (!source(*batch)) {
            in_flight.Release(batch);
            fc.stop();
            return nullptr;
          }
          return batch;
        });
    // Fuse runs of parallel stages into one filter; each serial stage gets its own.
    size_t i = first;
    while (i < last) {
      size_t end = i + 1;
      if (!stages_[i]->IsSerial()) {
        while (end < last && !stages_[end]->IsSerial()) ++end;
      }
      const auto mode = stages_[i]->IsSerial() ? tbb::filter_mode::serial_in_order : tbb::filter_mode::parallel;
      chain = chain & tbb::make_filter<BatchPtr, BatchPtr>(mode, [this, i, end](BatchPtr batch) {
                for (size_t s = i; s < end; ++s) {
                  CheckCancel();
                  RunStage(s, *batch);
                }
                return batch;
              });
      i = end;
    }
    if (hook) {
      chain = chain & tbb::make_filter<BatchPtr, BatchPtr>(tbb::filter_mode::parallel, [&](BatchPtr batch) {
                const int64_t cpu_start = ThreadCpuNanos();
                for (Document& doc : batch->docs) {
                  if (!doc.rejected()) hook(doc);
                }
                tallies_[hook_stage].cpu_ns += ThreadCpuNanos() - cpu_start;
                return batch;
              });
    }
    auto pipeline = chain & tbb::make_filter<BatchPtr, void>(tbb::filter_mode::serial_in_order, [&](BatchPtr batch) {
                      sink(*batch);
                      in_flight.Release(batch);
                    });
    tbb::parallel_pipeline(static_cast<size_t>(threads_) * 4, pipeline);
  });
}

}  // namespace textmill
