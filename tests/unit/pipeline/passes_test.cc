// StagePasses (pipeline/passes.h): a pass stops at the cancel flag.
#include "pipeline/passes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/batch.h"
#include "pipeline/errors.h"
#include "pipeline/stage.h"

namespace textmill {
namespace {

class CountingStage : public Stage {
 public:
  CountingStage(std::atomic<int>& docs, std::chrono::milliseconds per_doc) : docs_(docs), per_doc_(per_doc) {}
  std::string_view Name() const override { return "counting"; }
  void ProcessDoc(Document& doc) override {
    if (doc.id == "batch 1") std::this_thread::sleep_for(per_doc_);
    ++docs_;
  }

 private:
  std::atomic<int>& docs_;
  std::chrono::milliseconds per_doc_;
};

struct Counts {
  int batches_read = 0, batches_sunk = 0;
  std::atomic<int> docs{0};
};

// A pass of 3-document batches from a source of `total` batches; the flag is
// raised while batch `cancel_at` is read (0: never). `first_batch_per_doc`
// slows the stage on the first batch only, so the batches after it finish
// first and wait for it in the in-order sink's buffer.
void RunPass(Counts& counts, int total, int cancel_at,
             std::chrono::milliseconds first_batch_per_doc = std::chrono::milliseconds(0)) {
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<CountingStage>(counts.docs, first_batch_per_doc));
  std::atomic<bool> cancel{false};
  StagePasses passes(stages, 2, &cancel);
  const auto source = [&](Batch& batch) {
    if (counts.batches_read == total) return false;
    if (++counts.batches_read == cancel_at) cancel = true;  // e.g. Ctrl-C while this batch is read
    batch.docs.resize(3);
    for (Document& doc : batch.docs) doc.id = "batch " + std::to_string(counts.batches_read);
    return true;
  };
  passes.Run(source, 0, stages.size(), nullptr, [&](Batch& /*batch*/) { ++counts.batches_sunk; });
}

TEST(StagePassesTest, WithoutCancelEveryBatchPasses) {
  Counts counts;
  RunPass(counts, 10, 0);
  EXPECT_EQ(counts.batches_read, 10);
  EXPECT_EQ(counts.batches_sunk, 10);
  EXPECT_EQ(counts.docs.load(), 30);
}

TEST(StagePassesTest, ACancelledPassReadsNoFurtherBatchStagesNoneAfterAndThrows) {
  Counts counts;
  EXPECT_THROW(RunPass(counts, 1000, 5), Cancelled);
  EXPECT_EQ(counts.batches_read, 5);  // the next read sees the flag
  EXPECT_LE(counts.batches_sunk, 4);  // the fifth batch meets it before its stage
  EXPECT_LE(counts.docs.load(), 4 * 3);
}

// The batches in flight when the pass is cancelled, here the ones waiting in
// the sink's buffer for the slow first batch, are freed: oneTBB does not free
// the items a cancelled pipeline holds, and the sanitizer build's leak check
// fails this test if the pass leaves them to it.
TEST(StagePassesTest, ACancelledPassFreesTheBatchesInFlight) {
  Counts counts;
  EXPECT_THROW(RunPass(counts, 1000, 5, std::chrono::milliseconds(100)), Cancelled);
  EXPECT_EQ(counts.batches_read, 5);
  EXPECT_EQ(counts.batches_sunk, 0);  // all wait for the first, which meets the flag
}

}  // namespace
}  // namespace textmill
