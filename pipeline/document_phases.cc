// The document phases of a phased run (pipeline/phases.h): process spools the
// survivors of the stages before the global one (and, apart, the rejects,
// which finalize's report counts) while the global stage observes them; sign
// reads the spool for the global stage's analyze pass; finalize reads it again,
// applies the decisions, runs the later stages and writes the shards. Only
// finalize writes to the output directory. What a phase hands on to the next
// (input summary, tallies, counts) goes through WORK/spool/part-R.json.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "pipeline/io/document_source.h"
#include "pipeline/phases.h"
#include "pipeline/pipeline_run.h"
#include "pipeline/run_state.h"
#include "pipeline/spool.h"
#include "pipeline/util/atomic_file.h"

namespace fs = std::filesystem;

namespace textmill {

struct PipelineRun::PhaseFiles {
  std::string spool, rejects, carry, written;
};

RunOutcome PipelineRun::RunPhase() {
  const fs::path root = fs::path(options_.work_dir) / "spool";
  const std::string prefix = ShardPrefix(options_.shard_rank);
  const PhaseFiles files{(root / prefix).string(), (root / (prefix + ".rejects")).string(),
                         (root / (prefix + ".json")).string(), (root / (prefix + ".written.json")).string()};
  if (options_.phase == PhaseStep::kObserve) return RunProcessPhase(files);
  std::ifstream carry_in(files.carry);
  Json carry = Json::parse(carry_in, nullptr, false);
  if (!carry.is_object()) throw RuntimeError(files.carry + ": missing or damaged (did the process phase finish?)");
  if (options_.phase == PhaseStep::kAnalyze) return RunSignPhase(files, carry);
  if (options_.phase == PhaseStep::kApply) return RunFinalizePhase(files, carry);
  throw RuntimeError("not a document phase");
}

RunOutcome PipelineRun::RunProcessPhase(const PhaseFiles& files) {
  const size_t global = GlobalIndex();
  GlobalStage* stage = Global();
  listing_ = ListRunInputs();
  Json incremental;
  Json hashes = Json::object();
  if (!options_.state_dir.empty()) {  // only what earlier runs have not taken (the manifest is only read)
    RunState state(options_.state_dir, /*take_lock=*/false);
    const auto counts = state.KeepNewInputs(listing_);
    incremental = {{"inputs", Json(counts)}};
    for (const auto& [path, hash] : state.input_hashes()) hashes[path] = hash;
    spdlog::info("state {}: inputs of slice {}: {} new, {} changed, {} unchanged (skipped)", options_.state_dir,
                 options_.shard_rank, counts.at("new"), counts.at("changed"), counts.at("unchanged"));
  }
  NoteUnreadableInputs();
  std::error_code ec;
  fs::remove_all(files.spool, ec);
  fs::remove_all(files.rejects, ec);
  SpoolWriter spool(files.spool), rejects(files.rejects);
  if (stage) stage->BeginPhase(Context());
  auto source = std::make_unique<DocumentSource>(listing_, config_.reader, config_.batch_size, &read_progress_);
  {
    ProgressReporter progress(read_progress_, output_.written_counter(), static_cast<int64_t>(listing_.files.size()),
                              listing_.total_bytes(), options_.live_progress, options_.progress_seconds);
    const StagePasses::DocHook observe =
        stage ? StagePasses::DocHook([stage](Document& doc) { stage->Observe(doc); }) : StagePasses::DocHook();
    passes_.Run([&source](Batch& b) { return source->Next(b); }, 0, global, observe,
                [&](Batch& batch) {
                  for (const Document& doc : batch.docs) (doc.rejected() ? rejects : spool).Write(doc);
                },
                stage ? global : 0);
  }
  spool.Close();
  rejects.Close();
  if (stage) stage->EndObserve(spool.documents());
  Json carry = CarryOut(global);
  carry["spooled"] = spool.documents();
  carry["spooled_rejects"] = rejects.documents();
  if (!incremental.is_null()) {
    carry["incremental"] = incremental;
    carry["input_hashes"] = hashes;
    Json processed = Json::array();
    for (const InputFile& f : listing_.files)
      processed.push_back({{"path", f.path}, {"size", f.size}, {"mtime", f.mtime}});
    carry["processed_files"] = processed;
  }
  WriteFileAtomic(files.carry, carry.dump() + "\n");
  spdlog::info("process {}/{}: {} documents spooled for {}, {} rejected", options_.shard_rank, options_.shard_count,
               spool.documents(), stage ? stage->Name() : "the writer", rejects.documents());
  RunOutcome outcome;
  outcome.report = {{"documents_spooled", spool.documents()}, {"documents_rejected", rejects.documents()}};
  return outcome;
}

// Reads the spool at `dir` through `sink`, checking it holds the `expected`
// documents the process phase wrote: a spool lost on shared storage must not
// pass for an empty slice.
void PipelineRun::ReadSpool(const std::string& dir, uint64_t expected, size_t first, size_t last,
                            const StagePasses::DocHook& hook, const StagePasses::Sink& sink) {
  SpoolReader reader(dir, config_.batch_size);
  uint64_t read = 0;
  passes_.Run([&reader](Batch& b) { return reader.Next(b); }, first, last, hook,
              [&](Batch& batch) {
                read += batch.docs.size();
                sink(batch);
              },
              first < stages_.size() ? first : 0);
  if (read != expected) {
    throw RuntimeError("spool " + dir + ": " + std::to_string(read) + " documents, the process phase wrote " +
                       std::to_string(expected) + " (rerun that slice's process phase with --force)");
  }
}

RunOutcome PipelineRun::RunSignPhase(const PhaseFiles& files, Json& carry) {
  const size_t global = GlobalIndex();
  RunOutcome outcome;
  outcome.report = {{"documents_signed", carry["spooled"]}};
  if (global == stages_.size()) return outcome;  // nothing to sign
  auto& stage = static_cast<GlobalStage&>(*stages_[global]);
  stage.BeginPhase(Context());
  stage.EndObserve(carry["spooled"].get<uint64_t>());  // sizes the per-document slots Analyze fills
  ReadSpool(
      files.spool, carry["spooled"].get<uint64_t>(), global, global, [&stage](Document& doc) { stage.Analyze(doc); },
      [](Batch&) {});
  passes_.Charge(global, [&stage] { stage.Decide(); });            // writes what the sign phase hands on
  carry["sign_cpu_ns"] = passes_.tallies()[global].cpu_ns.load();  // set, not added: a rerun replaces it
  carry["sign_counters"] = stage.Stats();                          // the same
  WriteFileAtomic(files.carry, carry.dump() + "\n");
  return outcome;
}

RunOutcome PipelineRun::RunFinalizePhase(const PhaseFiles& files, const Json& carry) {
  const auto start = std::chrono::steady_clock::now();
  const size_t global = GlobalIndex();
  CarryIn(carry, global);
  if (global < stages_.size()) {  // loads the decisions of the range phases
    static_cast<GlobalStage&>(*stages_[global]).BeginPhase(Context());
  }
  output_.Open();
  const StagePasses::Sink write = [this](Batch& batch) { output_.Write(batch); };
  ReadSpool(files.rejects, carry.value("spooled_rejects", uint64_t{0}), 0, 0, nullptr, write);
  ReadSpool(files.spool, carry["spooled"].get<uint64_t>(), global, stages_.size(), nullptr, write);
  RunOutcome outcome = FinishOutput(start);
  // What the report task records in the manifest for this slice.
  const Json written = {{"documents_by_path", Json(output_.documents_by_path())},
                        {"documents_read", output_.documents_read()},
                        {"documents_written", output_.documents_written()}};
  WriteFileAtomic(files.written, written.dump() + "\n");
  spdlog::info("finalize {}/{}: {} documents read, {} written", options_.shard_rank, options_.shard_count,
               output_.documents_read(), output_.documents_written());
  return outcome;
}

Json PipelineRun::CarryOut(size_t global) const {
  Json ignored = Json::object();
  for (const auto& [ext, n] : listing_.ignored) ignored[ext] = n;
  Json tallies = Json::array();
  for (size_t i = 0; i < stages_.size(); ++i) {
    const StageTally& t = passes_.tallies()[i];
    tallies.push_back({{"docs_in", t.docs_in.load()},
                       {"docs_out", t.docs_out.load()},
                       {"bytes_in", t.bytes_in.load()},
                       {"bytes_out", t.bytes_out.load()},
                       {"cpu_ns", i <= global ? t.cpu_ns.load() : 0}});
  }
  // The counters of the stages this task ran (through the global one's
  // observe pass), for finalize's report: they count nothing there.
  Json counters = Json::array();
  for (size_t i = 0; i < stages_.size(); ++i) counters.push_back(i <= global ? stages_[i]->Stats() : Json());
  return {{"inputs",
           {{"files", listing_.files.size()}, {"bytes", listing_.total_bytes()}, {"ignored_by_extension", ignored}}},
          {"stage_counters", counters},
          {"unreadable", output_.unreadable()},
          {"jsonl_utf8_repairs", read_progress_.jsonl_utf8_repairs.load()},
          {"records", Json(read_progress_.record_counts)},
          {"tallies", tallies}};
}

void PipelineRun::CarryIn(const Json& carry, size_t global) {
  carried_inputs_ = carry["inputs"];
  if (carry.contains("incremental")) incremental_ = carry["incremental"];
  for (const Json& entry : carry["unreadable"]) output_.AddUnreadable(entry);
  read_progress_.jsonl_utf8_repairs = carry["jsonl_utf8_repairs"].get<int64_t>();
  read_progress_.record_counts = carry["records"].get<std::map<std::string, int64_t>>();
  const Json& tallies = carry["tallies"];
  if (tallies.size() != stages_.size())
    throw RuntimeError("the process phase ran another stage list (config changed?)");
  for (size_t i = 0; i <= global && i < stages_.size(); ++i) {
    StageTally& t = passes_.tallies()[i];
    if (i < global) {  // the global stage and later ones count their documents here
      t.docs_in = tallies[i]["docs_in"].get<int64_t>();
      t.docs_out = tallies[i]["docs_out"].get<int64_t>();
      t.bytes_in = tallies[i]["bytes_in"].get<int64_t>();
      t.bytes_out = tallies[i]["bytes_out"].get<int64_t>();
    }
    t.cpu_ns = tallies[i]["cpu_ns"].get<int64_t>();
  }
  if (global < stages_.size()) passes_.tallies()[global].cpu_ns += carry.value("sign_cpu_ns", int64_t{0});
  if (carry.contains("stage_counters")) {  // absent in the work dirs of earlier versions
    carried_counters_ = carry["stage_counters"];
    if (global < carried_counters_.size() && carry.contains("sign_counters")) {
      AddReportValues(carried_counters_[global], carry["sign_counters"]);
    }
  }
}

}  // namespace textmill
