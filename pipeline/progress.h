// Progress: a background thread that reports the pass (reading, analysing,
// writing), files, documents read and written, MB/s and ETA (from
// bytes) every few seconds, as a live line on a terminal or a log line; in
// log mode a last line at the end, so even a short run logs one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "pipeline/io/document_source.h"

namespace textmill {

// Erases the live progress line if one is on the terminal, so that a log line
// printed next starts at column 0 (the stderr log sink calls it; the line is
// redrawn at the next tick).
void ClearLiveLine();

class ProgressReporter {
 public:
  ProgressReporter(const ReadProgress& read, const std::atomic<int64_t>& docs_written,
                   int64_t total_files, uint64_t total_bytes, bool live, double seconds);
  ~ProgressReporter();  // stops the thread and ends the live line
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

 private:
  void Loop();
  void Print(bool final);

  const ReadProgress& read_;
  const std::atomic<int64_t>& docs_written_;
  int64_t total_files_;
  uint64_t total_bytes_;
  bool live_;
  double seconds_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace textmill
