// Helpers shared by the tests: temporary directories, files, running the binary.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

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

// Runs the textmill binary with `args` (shell-quoted here); returns the exit
// code, stderr+stdout in `output`.
int RunTextmill(const std::vector<std::string>& args, std::string* output = nullptr);

// Runs `task` in `processes` forked processes at once; returns how many of
// them threw or did not exit cleanly (races between processes on one file).
int FailuresInProcessesAtOnce(int processes, const std::function<void()>& task);

// All lines of every part-*.jsonl* shard under `dir` (sorted by name), decoded.
std::vector<std::string> ReadShardLines(const std::string& dir);

std::string SourceDir();
std::string SharedDir();

}  // namespace textmill::testing
