// The report phase of a phased run (see pipeline/phases.h): merges the task
// reports (steps 1 and 2 of publish.h: the finalize tasks wrote the shards)
// and, with a state dir, publishes the run to it.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "pipeline/output_routing.h"
#include "pipeline/phases.h"
#include "pipeline/publish.h"
#include "pipeline/run_state.h"
#include "pipeline/runner.h"
#include "pipeline/util/atomic_file.h"

namespace fs = std::filesystem;

namespace textmill {

Json RunReportPhase(const PhasePlan& plan, const Config& config, std::vector<std::unique_ptr<Stage>>& stages,
                    const RunOptions& options) {
  Json merged = MergePhasedRun(plan, config.output.dir, options.work_dir, options.shard_count);
  if (options.state_dir.empty()) return merged;
  GlobalStage* global = FindGlobalStage(stages);
  InputListing processed;
  std::map<std::string, std::string> hashes;
  std::map<std::string, int64_t> docs_by_path;
  int64_t documents_read = 0, documents_written = 0;
  const fs::path spool_root = fs::path(options.work_dir) / "spool";
  for (int r = 0; r < options.shard_count; ++r) {
    std::ifstream carry_in(spool_root / (ShardPrefix(r) + ".json"));
    std::ifstream written_in(spool_root / (ShardPrefix(r) + ".written.json"));
    const Json carry = Json::parse(carry_in, nullptr, false);
    const Json written = Json::parse(written_in, nullptr, false);
    if (!carry.is_object() || !written.is_object() || !carry.contains("processed_files")) {
      throw RuntimeError("report: the process or finalize files of slice " + std::to_string(r) + " are missing in " +
                         spool_root.string() + " (were they run with --state?)");
    }
    for (const Json& f : carry["processed_files"]) {
      InputFile file;
      file.path = f["path"].get<std::string>();
      file.size = f["size"].get<uint64_t>();
      file.mtime = f["mtime"].get<int64_t>();
      processed.files.push_back(std::move(file));
    }
    for (const auto& [path, hash] : carry["input_hashes"].items()) hashes[path] = hash.get<std::string>();
    for (const auto& [path, n] : written["documents_by_path"].items()) docs_by_path[path] += n.get<int64_t>();
    documents_read += written["documents_read"].get<int64_t>();
    documents_written += written["documents_written"].get<int64_t>();
  }
  RunState state(options.state_dir, /*take_lock=*/false);  // the lease holds it
  const std::string shard = "phased/" + std::to_string(options.shard_count);
  const RunState::Begun begun =
      state.BeginRun(ConfigHash(config), shard, fs::absolute(config.output.dir).lexically_normal().string(), false,
                     global ? global->LastCommittedRun() : 0);
  if (!begun.completed) {
    state.AddInputHashes(hashes);
    state.RecordPlan(begun.run_id, processed);
    if (global) global->BeginPhase(PhaseContext{PhaseStep::kPublish, "report", options.work_dir, 0, options.shard_count});
    PublishRun(global, &state, {begun.run_id, processed, docs_by_path, documents_read, documents_written});
  } else {
    state.RecordCompletedCounts(begun.run_id, documents_read, documents_written);
  }
  ReleasePhasedLease(options.state_dir);
  merged["incremental"]["run_id"] = begun.run_id;
  WriteFileAtomic((fs::path(config.output.dir) / "report.json").string(), merged.dump(2) + "\n");
  spdlog::info("state {}: run {} recorded; {} documents of {} input files", options.state_dir, begun.run_id,
               documents_written, processed.files.size());
  return merged;
}

}  // namespace textmill
