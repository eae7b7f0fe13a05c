// Input listing: turns the configured paths into a sorted, deterministic list
// of files, and the problems found on the way (missing paths, symlink loops,
// unlistable directories), which the report lists as unreadable inputs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pipeline/config.h"
#include "pipeline/document.h"

namespace textmill {

enum class InputFormat : uint8_t { kHtml, kText, kJsonl, kWarc };

struct InputFile {
  std::string path;      // as opened
  std::string relative;  // relative to its input root (the file name for a file root)
  uint64_t size = 0;     // bytes on disk
  int64_t mtime = 0;     // set by RunState (seconds), for the manifest
  Compression compression = Compression::kNone;
  InputFormat format = InputFormat::kText;
  uint32_t index = 0;    // position in the full sorted listing (kept by SelectShard)
};

struct InputProblem {
  std::string path;
  std::string reason;
};

struct InputListing {
  std::vector<InputFile> files;                // sorted by path
  std::vector<InputProblem> unreadable;        // sorted by path
  std::map<std::string, int64_t> ignored;      // file extension -> count not taken
  std::vector<InputProblem> skipped_dirs;      // output and state dirs met under the roots (never inputs)
  uint64_t total_bytes() const;
};

// Lists every root. Never throws for data problems. Directories in `exclude`
// (this run's output and state dirs) and textmill output directories (they
// hold .textmill-job.json, or report.json beside config.yaml) are skipped:
// a corpus is never read back as its own input.
InputListing ListInputs(const std::vector<std::string>& roots, const ReaderOptions& options,
                        const std::vector<std::string>& exclude = {});

// "no input files in ...: 3 missing, ignored by extension: pdf 2, ..." for a
// listing with no files (the run stops with exit 2).
std::string DescribeEmptyListing(const std::vector<std::string>& roots, const InputListing& listing);

// Keeps the files whose index in the sorted list is congruent to `rank` mod
// `count` (round robin spreads big and small directories evenly). Problems stay
// with rank 0 only, so merged reports count each once.
InputListing SelectShard(const InputListing& all, int rank, int count);

// Format from the file name ("x.jsonl.zst" -> kJsonl); unknown names -> kText,
// which ingest sniffs for HTML.
InputFormat FormatFromName(std::string_view name);

}  // namespace textmill
