// Batch: a few hundred documents travelling together through the pipeline, so
// the per-token cost of TBB is spread over many documents.
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/document.h"

namespace textmill {

struct Batch {
  std::vector<Document> docs;
  // Input files that ended inside this batch; the writer counts them as done.
  int files_completed = 0;
  uint64_t input_bytes = 0;  // bytes read from disk for this batch
};

}  // namespace textmill
