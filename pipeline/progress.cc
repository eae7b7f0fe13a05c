#include "pipeline/progress.h"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace textmill {
namespace {

std::mutex& TerminalMutex() {
  static std::mutex mutex;
  return mutex;
}
bool live_line_shown = false;  // guarded by TerminalMutex()

}  // namespace

void ClearLiveLine() {
  const std::lock_guard<std::mutex> lock(TerminalMutex());
  if (!live_line_shown) return;
  std::fputs("\r\033[K", stderr);
  live_line_shown = false;
}

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
  if (seconds_ < 1e8) Print(true);  // --progress none sets a period no run reaches
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
  const std::string pass = final ? "done" : read_.pass.load();
  std::string line = fmt::format("{}: files {}/{}  docs read {}, written {}  {:.1f} MB/s", pass,
                                 read_.files_done.load(), total_files_, read_.docs_read.load(),
                                 docs_written_.load(), mbps);
  // Bytes measure the reading pass only; later passes have no byte count to extrapolate.
  if (!final && pass == "reading" && bytes > 0 && left > 0) {
    line += fmt::format("  ETA {:.0f}s", left / (bytes / elapsed));
  }
  if (live_) {
    const std::lock_guard<std::mutex> lock(TerminalMutex());
    std::fprintf(stderr, "\r%s\033[K%s", line.c_str(), final ? "\n" : "");
    std::fflush(stderr);
    live_line_shown = !final;
  } else {
    spdlog::info("progress: {}", line);
  }
}

}  // namespace textmill
