// Helpers shared by the tests: temporary directories, files, running the binary.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace textmill {
class BoilerplatePhrases;
}

namespace textmill::testing {

// A fresh directory under the system temp dir, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, std::string_view content);  // creates parent dirs
std::string ReadFile(const std::string& path);
std::string GzipCompress(std::string_view data);
std::string ZstdCompress(std::string_view data);
std::string ReadMaybeCompressed(const std::string& path);  // .zst/.gz decoded
// The paths of every page of both extraction benchmarks (news, WCXB), sorted.
std::vector<std::string> ExtractionBenchPages();

// Runs the textmill binary with `args` (shell-quoted here); returns the exit
// code, stderr+stdout in `output`.
int RunTextmill(const std::vector<std::string>& args, std::string* output = nullptr);

// Runs `task` in `processes` forked processes at once; returns how many of
// them threw or did not exit cleanly (races between processes on one file).
int FailuresInProcessesAtOnce(int processes, const std::function<void()>& task);

// Rounds of a race test: `rounds`, or a fifth of them in a sanitizer build,
// where each forked process costs several times more (a loaded 2-core CI
// machine runs these beside the whole-run tests).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(undefined_behavior_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif
constexpr int RaceRounds(int rounds) { return kSanitized ? (rounds + 4) / 5 : rounds; }

// All lines of every part-*.jsonl* shard under `dir` (sorted by name), decoded.
std::vector<std::string> ReadShardLines(const std::string& dir);

std::string SourceDir();
std::string SharedDir();

// configs/boilerplate_phrases.txt, loaded once for the test binary.
const BoilerplatePhrases& ShippedPhrases();

}  // namespace textmill::testing
