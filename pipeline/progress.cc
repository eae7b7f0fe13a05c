#include "pipeline/progress.h"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace textmill {

ProgressReporter::ProgressReporter(const ReadProgress& read, const std::atomic<int64_t>& docs_written,
                                   int64_t total_files, uint64_t total_bytes, bool live,
                                   double seconds)
    : read_(read),
      docs_written_(docs_written),
      total_files_(total_files),
      total_bytes_(total_bytes),
      live_(live),
      seconds_(seconds),
      start_(std::chrono::steady_clock::now()),
      thread_([this] { Loop(); }) {}

ProgressReporter::~ProgressReporter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (live_) Print(true);
}

void ProgressReporter::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto period = std::chrono::duration<double>(live_ ? 0.5 : seconds_);
  while (!wake_.wait_for(lock, period, [this] { return stop_; })) Print(false);
}

void ProgressReporter::Print(bool final) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double bytes = static_cast<double>(read_.bytes_read.load());
  const double mbps = elapsed > 0 ? bytes / 1e6 / elapsed : 0;
  const double left = static_cast<double>(total_bytes_) - bytes;
  const double eta = (bytes > 0 && left > 0) ? left / (bytes / elapsed) : 0;
  const std::string line = fmt::format("files {}/{}  docs {}  {:.1f} MB/s  ETA {:.0f}s",
                                       read_.files_done.load(), total_files_, docs_written_.load(),
                                       mbps, eta);
  if (live_) {
    std::fprintf(stderr, "\r%s\033[K%s", line.c_str(), final ? "\n" : "");
    std::fflush(stderr);
  } else {
    spdlog::info("progress: {}", line);
  }
}

}  // namespace textmill
