// StagePasses (pipeline/passes.h): a pass stops at the cancel flag.
#include "pipeline/passes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include "pipeline/batch.h"
#include "pipeline/errors.h"
#include "pipeline/stage.h"

namespace textmill {
namespace {

class CountingStage : public Stage {
 public:
  explicit CountingStage(std::atomic<int>& docs) : docs_(docs) {}
  std::string_view Name() const override { return "counting"; }
  void ProcessDoc(Document& /*doc*/) override { ++docs_; }

 private:
  std::atomic<int>& docs_;
};

struct Counts {
  int batches_read = 0, batches_sunk = 0;
  std::atomic<int> docs{0};
};

// A pass of 3-document batches from a source of `total` batches; the flag is
// raised while batch `cancel_at` is read (0: never).
void RunPass(Counts& counts, int total, int cancel_at) {
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<CountingStage>(counts.docs));
  std::atomic<bool> cancel{false};
  StagePasses passes(stages, 2, &cancel);
  const auto source = [&](Batch& batch) {
    if (counts.batches_read == total) return false;
    if (++counts.batches_read == cancel_at) cancel = true;  // e.g. Ctrl-C while this batch is read
    batch.docs.resize(3);
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

}  // namespace
}  // namespace textmill
