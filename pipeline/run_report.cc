#include "pipeline/run_report.h"

#include <time.h>

#include <ctime>
#include <filesystem>

#include "pipeline/phases.h"
#include "pipeline/util/atomic_file.h"

namespace fs = std::filesystem;

namespace textmill {

std::string UtcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A stage's counters; in a phased run's finalize task, with what the stage
// counted in this slice's process and sign tasks.
Json StageCounters(const RunFacts& facts, size_t stage) {
  const Json& carried = facts.carried_counters;
  if (!carried.is_array() || stage >= carried.size() || carried[stage].is_null()) return facts.stages[stage]->Stats();
  if (stage < GlobalStageIndex(facts.stages)) return carried[stage];
  Json counters = carried[stage];
  AddReportValues(counters, facts.stages[stage]->Stats());
  return counters;
}

Json BuildReport(const RunFacts& facts, double wall_seconds) {
  const OutputRouter& output = facts.output;
  const InputListing& listing = facts.listing;
  Json report = Json::object();
  report["report_version"] = 1;
  report["textmill_version"] = TEXTMILL_VERSION_STRING;
  report["shard"] = {{"rank", facts.shard_rank}, {"count", facts.shard_count}};
  if (!facts.incremental.empty()) report["incremental"] = facts.incremental;
  report["config"] = YamlToJson(facts.config.tree);
  Json ignored = Json::object();
  for (const auto& [ext, n] : listing.ignored) ignored[ext] = n;
  Json skipped_dirs = Json::array();
  for (const InputProblem& p : listing.skipped_dirs) skipped_dirs.push_back({{"path", p.path}, {"reason", p.reason}});
  const Json& carried = facts.carried_inputs;
  const bool is_carried = carried.is_object();
  const uint64_t input_bytes = is_carried ? carried["bytes"].get<uint64_t>() : listing.total_bytes();
  report["inputs"] = {{"files", is_carried ? carried["files"].get<uint64_t>() : listing.files.size()},
                      {"bytes", input_bytes},
                      {"unreadable", output.unreadable()},
                      {"ignored_by_extension", is_carried ? carried["ignored_by_extension"] : ignored},
                      {"skipped_dirs", skipped_dirs},
                      {"jsonl_utf8_repairs", facts.read_progress.jsonl_utf8_repairs.load()},
                      {"records", Json(facts.read_progress.record_counts)}};
  Json stages = Json::array();
  double cpu_total = 0;
  for (size_t i = 0; i < facts.stages.size(); ++i) {
    const StageTally& t = facts.tallies[i];
    const double cpu = static_cast<double>(t.cpu_ns.load()) / 1e9;
    cpu_total += cpu;
    stages.push_back({{"name", facts.stages[i]->Name()},
                      {"docs_in", t.docs_in.load()},
                      {"docs_out", t.docs_out.load()},
                      {"bytes_in", t.bytes_in.load()},
                      {"bytes_out", t.bytes_out.load()},
                      {"rejects", output.RejectsOf(std::string(facts.stages[i]->Name()))},
                      {"cpu_seconds", cpu},
                      {"counters", StageCounters(facts, i)}});
  }
  report["stages"] = stages;
  Json by_reason = Json::object();
  for (const auto& [reason, n] : output.rejects_by_reason()) by_reason[reason] = n;
  report["output"] = output.Summary();
  report["started"] = facts.started;
  report["finished"] = UtcNow();
  const int64_t read = output.documents_read(), written = output.documents_written();
  report["totals"] = {
      {"documents_read", read},
      {"documents_written", written},
      {"documents_rejected", read - written},
      {"rejects_by_reason", by_reason},
      {"input_bytes", input_bytes},
      {"wall_seconds", wall_seconds},
      {"stage_cpu_seconds", cpu_total},
      {"input_mb_per_second", wall_seconds > 0 ? static_cast<double>(input_bytes) / 1e6 / wall_seconds : 0.0}};
  return report;
}

// Prometheus text format for node_exporter's textfile collector.
void WriteMetrics(const RunFacts& facts, const Json& report, int exit_code, double wall_seconds,
                  const std::string& file_name) {
  const OutputRouter& output = facts.output;
  const std::string shard = "shard=\"" + std::to_string(facts.shard_rank) + "\"";
  std::string m;
  auto metric = [&](const std::string& name, const std::string& help, const std::string& type) {
    m += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  metric("textmill_documents_read", "Documents read in the last run.", "gauge");
  m += "textmill_documents_read{" + shard + "} " + std::to_string(output.documents_read()) + "\n";
  metric("textmill_documents_written", "Documents written in the last run.", "gauge");
  m += "textmill_documents_written{" + shard + "} " + std::to_string(output.documents_written()) + "\n";
  metric("textmill_rejects", "Documents rejected in the last run, by reason.", "gauge");
  for (const auto& [reason, n] : output.rejects_by_reason()) {
    m += "textmill_rejects{" + shard + ",reason=\"" + reason + "\"} " + std::to_string(n) + "\n";
  }
  metric("textmill_input_bytes", "Input bytes read in the last run.", "gauge");
  m += "textmill_input_bytes{" + shard + "} " + std::to_string(report["inputs"]["bytes"].get<uint64_t>()) + "\n";
  metric("textmill_output_bytes", "Uncompressed output bytes of the last run.", "gauge");
  m += "textmill_output_bytes{" + shard + "} " + std::to_string(report["output"]["bytes"].get<uint64_t>()) + "\n";
  metric("textmill_unreadable_inputs", "Inputs that could not be read in the last run.", "gauge");
  m += "textmill_unreadable_inputs{" + shard + "} " + std::to_string(output.unreadable().size()) + "\n";
  metric("textmill_duration_seconds", "Wall time of the last run.", "gauge");
  m += "textmill_duration_seconds{" + shard + "} " + std::to_string(wall_seconds) + "\n";
  metric("textmill_exit_code", "Exit code of the last run.", "gauge");
  m += "textmill_exit_code{" + shard + "} " + std::to_string(exit_code) + "\n";
  metric("textmill_last_success_timestamp_seconds", "Unix time the last run finished.", "gauge");
  m += "textmill_last_success_timestamp_seconds{" + shard + "} " + std::to_string(std::time(nullptr)) + "\n";
  WriteFileAtomic((fs::path(facts.config.output.dir) / file_name).string(), m);
}

}  // namespace textmill
