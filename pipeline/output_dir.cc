#include "pipeline/output_dir.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "pipeline/document.h"
#include "pipeline/errors.h"
#include "pipeline/io/input_files.h"
#include "pipeline/run_state.h"
#include "pipeline/util/atomic_file.h"

namespace fs = std::filesystem;

namespace textmill {
namespace {

std::string RankPrefix(int rank) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%05d", rank);
  return buf;
}

bool IsOutputName(const std::string& name) {
  return name.starts_with("part-") || name.starts_with(".part-") || name == "report.json" ||
         name.ends_with(".report.json");
}

// Files of rank `rank`: its shards, temp files and spool, its report and metrics.
bool IsRankFile(const std::string& name, int rank, int count) {
  const std::string prefix = RankPrefix(rank);
  if (name.starts_with(prefix + "-") || name.starts_with("." + prefix)) return true;
  if (name == prefix + ".report.json" || name == prefix + ".metrics.prom") return true;
  return count == 1 && (name == "report.json" || name == "metrics.prom");
}

// The directory and the subdirectories shards go to (rejects/, route_by_lang's <lang>/).
std::vector<fs::path> OutputSubdirs(const fs::path& dir) {
  std::vector<fs::path> dirs = {dir};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::error_code sec;
    if (entry.is_directory(sec) && !entry.path().filename().string().starts_with(".")) dirs.push_back(entry.path());
  }
  return dirs;
}

}  // namespace

OutputDirInfo InspectOutputDir(const std::string& dir, int rank, int count) {
  OutputDirInfo info;
  const fs::path root(dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return info;
  for (const fs::path& sub : OutputSubdirs(root)) {
    for (const auto& entry : fs::directory_iterator(sub, ec)) {
      const std::string name = entry.path().filename().string();
      if (!IsOutputName(name)) continue;
      info.has_output = true;
      if (info.output_files.size() < 5) info.output_files.push_back(fs::relative(entry.path(), root, ec).string());
    }
  }
  const std::string report = count == 1 ? "report.json" : RankPrefix(rank) + ".report.json";
  info.own_report = fs::exists(root / report, ec);
  std::ifstream in(root / kJobFileName);
  if (in) {
    info.has_job_file = true;
    const Json job = Json::parse(in, nullptr, false);
    if (job.is_object()) info.job = job.value("job", "");
  }
  return info;
}

void RemoveOutputFiles(const std::string& dir, int rank, int count) {
  std::error_code ec;
  for (const fs::path& sub : OutputSubdirs(fs::path(dir))) {
    std::vector<fs::path> doomed;
    for (const auto& entry : fs::directory_iterator(sub, ec)) {
      const std::string name = entry.path().filename().string();
      const bool match = rank < 0 ? IsOutputName(name) || name == "metrics.prom" || name.ends_with(".metrics.prom")
                                  : IsRankFile(name, rank, count);
      if (match) doomed.push_back(entry.path());
    }
    for (const fs::path& path : doomed) fs::remove_all(path, ec);
  }
}

void WriteJobFile(const std::string& dir, const std::string& job, const std::string& description) {
  const Json content = {{"job", job}, {"what", description}};
  WriteFileAtomic((fs::path(dir) / kJobFileName).string(), content.dump(2) + "\n");
}


}  // namespace textmill

namespace textmill {

OutputVerdict CheckOutputDir(const OutputGuardFacts& facts, std::string* message) {
  if (facts.overwrite) return OutputVerdict::kProceed;
  const std::string where = "output directory " + facts.dir;
  if (facts.has_state && !facts.finished_run.empty() && !facts.resuming_here) {
    if (!facts.new_inputs) {
      *message = where + " already holds the finished output of " + facts.finished_run +
                 " and no input is new or changed: nothing to do, output left as it is";
      return OutputVerdict::kNothingToDo;
    }
    throw ConfigError(where + " holds the published output of " + facts.finished_run +
                      ", and some inputs are new: give this run a new output directory (scripts/nightly.sh makes "
                      "one per run), or pass --overwrite to replace that output (its documents stay published in "
                      "the state dir's indexes, so they would not be written again)");
  }
  if (facts.resuming_here) return OutputVerdict::kProceed;  // the interrupted run's partial output is ours
  const OutputDirInfo info = InspectOutputDir(facts.dir, facts.rank, facts.count);
  if (!info.has_output) return OutputVerdict::kProceed;
  std::string files;
  for (const std::string& f : info.output_files) files += (files.empty() ? "" : ", ") + f;
  if (info.job != facts.job) {
    throw ConfigError(where + " holds another run's output (" + files +
                      (info.has_job_file ? ")" : "; no " + std::string(kJobFileName) + ")") +
                      ": give a new output directory, or pass --overwrite to replace it");
  }
  if (!info.own_report) return OutputVerdict::kProceed;  // an unfinished attempt of this job: its files are replaced
  if (facts.has_state) {
    throw ConfigError(where + " holds this job's finished output, but the state dir has no record of it: give a new "
                      "output directory, or pass --overwrite to replace it");
  }
  *message = where + " already holds the finished output of this command (same config, inputs and shard count): "
             "nothing to do, output left as it is (pass --overwrite to redo it)";
  return OutputVerdict::kNothingToDo;
}

OutputVerdict GuardOutputDir(const std::string& dir, int rank, int count, const std::string& job, bool overwrite,
                             RunState* state, const InputListing& listing, std::string* message) {
  OutputGuardFacts facts;
  facts.dir = dir;
  facts.rank = rank;
  facts.count = count;
  facts.job = job;
  facts.overwrite = overwrite;
  facts.has_state = state != nullptr;
  if (state) {
    const std::string output_abs = fs::absolute(dir).lexically_normal().string();
    const std::string shard = std::to_string(rank) + "/" + std::to_string(count);
    facts.resuming_here = state->PendingOutputDir(shard) == output_abs;
    facts.finished_run = state->FinishedRunFor(output_abs, shard);
    if (!facts.finished_run.empty()) {
      InputListing probe = listing;
      state->KeepNewInputs(probe);
      facts.new_inputs = !probe.files.empty();
    }
  }
  const OutputVerdict verdict = CheckOutputDir(facts, message);
  if (verdict == OutputVerdict::kProceed && overwrite) {
    // Another job's files go; a sibling rank of this job keeps its own.
    const OutputDirInfo info = InspectOutputDir(dir, rank, count);
    if (info.has_output) spdlog::warn("--overwrite: replacing the output in {}", dir);
    RemoveOutputFiles(dir, info.job == job ? rank : -1, count);
  }
  return verdict;
}

}  // namespace textmill
