// A whole run on one machine (PipelineRun::Run): the listing, the state dir's
// run protocol (lock, incremental inputs, resume), the passes, publishing.
#include "pipeline/runner.h"

#include <spdlog/spdlog.h>
#include <tbb/info.h>

#include <filesystem>
#include <fstream>

#include "pipeline/errors.h"
#include "pipeline/ingest.h"
#include "pipeline/io/document_source.h"
#include "pipeline/output_dir.h"
#include "pipeline/pipeline_run.h"
#include "pipeline/publish.h"
#include "pipeline/run_state.h"
#include "pipeline/spool.h"
#include "pipeline/util/atomic_file.h"
#include "pipeline/util/fault.h"
#include "pipeline/util/hash.h"

namespace fs = std::filesystem;

namespace textmill {
namespace {

// Ingest is the core's first stage, not a registered one: every run needs it,
// and no config names it.
std::vector<std::unique_ptr<Stage>> WithIngest(const Config& config, std::vector<std::unique_ptr<Stage>> stages) {
  std::vector<std::unique_ptr<Stage>> all;
  all.push_back(std::make_unique<IngestStage>(config.reader.max_document_bytes));
  for (auto& stage : stages) all.push_back(std::move(stage));
  return all;
}

int Threads(const Config& config) { return config.threads > 0 ? config.threads : tbb::info::default_concurrency(); }

Json ReadReport(const fs::path& path) {
  std::ifstream in(path);
  return Json::parse(in, nullptr, false);
}

}  // namespace

PipelineRun::PipelineRun(const Config& config, std::vector<std::unique_ptr<Stage>> stages, const RunOptions& options)
    : config_(config),
      options_(options),
      stages_(WithIngest(config, std::move(stages))),
      passes_(stages_, Threads(config), options.cancel),
      output_(config, options.shard_rank) {}

PhaseContext PipelineRun::Context() const {
  return PhaseContext{options_.phase, "", options_.work_dir, options_.shard_rank, options_.shard_count};
}

std::string PipelineRun::ReportName() const {
  return options_.shard_count == 1 && options_.phase == PhaseStep::kNone
             ? "report.json"
             : ShardPrefix(options_.shard_rank) + ".report.json";
}

std::string PipelineRun::MetricsName() const {
  return ReportName() == "report.json" ? "metrics.prom" : ShardPrefix(options_.shard_rank) + ".metrics.prom";
}

RunFacts PipelineRun::Facts() const {
  return RunFacts{
      config_,  options_.shard_rank, options_.shard_count, stages_,         passes_.tallies(), output_,
      listing_, read_progress_,      incremental_,         carried_inputs_, started_,          carried_counters_};
}

InputListing PipelineRun::ListRunInputs() const {
  std::vector<std::string> exclude = {config_.output.dir};
  if (!options_.state_dir.empty()) exclude.push_back(options_.state_dir);
  if (!options_.work_dir.empty()) exclude.push_back(options_.work_dir);
  const InputListing all = ListInputs(config_.inputs, config_.reader, exclude);
  for (const InputProblem& skipped : all.skipped_dirs) {
    spdlog::info("not read as input: {} ({})", skipped.path, skipped.reason);
  }
  if (all.files.empty()) throw ConfigError(DescribeEmptyListing(config_.inputs, all));
  return SelectShard(all, options_.shard_rank, options_.shard_count);
}

void PipelineRun::NoteUnreadableInputs() {
  for (const InputProblem& problem : listing_.unreadable) {
    spdlog::warn("unreadable input {}: {}", problem.path, problem.reason);
    output_.AddUnreadable({{"path", problem.path}, {"reason", problem.reason}});
  }
}

RunOutcome PipelineRun::Run() {
  const auto start = std::chrono::steady_clock::now();
  listing_ = ListRunInputs();
  const size_t global = GlobalIndex();
  std::unique_ptr<RunState> state;
  int64_t run_id = 0;
  const std::string output_abs = fs::absolute(config_.output.dir).lexically_normal().string();
  const std::string job = JobIdentity(config_, options_.shard_count, options_.state_dir);
  const std::string shard = std::to_string(options_.shard_rank) + "/" + std::to_string(options_.shard_count);
  if (!options_.state_dir.empty()) {
    state = std::make_unique<RunState>(options_.state_dir);  // the lock, before any output
    MaybePause("pause_after_lock");
  }
  if (std::string message;
      GuardOutputDir(config_.output.dir, options_.shard_rank, options_.shard_count, job, options_.overwrite,
                     state.get(), listing_, &message) == OutputVerdict::kNothingToDo) {
    spdlog::info("{}", message);
    RunOutcome outcome;
    outcome.report = ReadReport(fs::path(config_.output.dir) / ReportName());
    return outcome;
  }
  if (state) {
    const int64_t index_last_run = Global() ? Global()->LastCommittedRun() : 0;
    const RunState::Begun begun =
        state->BeginRun(ConfigHash(config_), shard, output_abs, options_.restart, index_last_run);
    run_id = begun.run_id;
    if (begun.completed) {
      spdlog::info(
          "state {}: run {} had finished its output in {} before it was interrupted; manifest completed, "
          "nothing else to do",
          options_.state_dir, run_id, config_.output.dir);
      RunOutcome outcome;
      outcome.report = ReadReport(fs::path(config_.output.dir) / ReportName());
      if (outcome.report.is_object() && outcome.report.contains("exit_code")) {
        outcome.exit_code = outcome.report["exit_code"].get<int>();
      }
      if (outcome.report.is_object() && outcome.report.contains("totals")) {
        const Json& totals = outcome.report["totals"];
        state->RecordCompletedCounts(run_id, totals.value("documents_read", int64_t{0}),
                                     totals.value("documents_written", int64_t{0}));
      }
      return outcome;
    }
    const auto counts = state->KeepNewInputs(listing_);
    state->RecordPlan(run_id, listing_);
    incremental_ = {{"run_id", run_id}, {"resumed", begun.resumed}, {"inputs", Json(counts)}};
    spdlog::info("state {}: run {}{}; inputs: {} new, {} changed, {} unchanged (skipped)", options_.state_dir, run_id,
                 begun.resumed ? " (resuming an interrupted run)" : "", counts.at("new"), counts.at("changed"),
                 counts.at("unchanged"));
  }
  NoteUnreadableInputs();
  spdlog::info("shard {}/{}: {} input files, {:.1f} MB", options_.shard_rank, options_.shard_count,
               listing_.files.size(), static_cast<double>(listing_.total_bytes()) / 1e6);
  output_.Open();
  WriteJobFile(config_.output.dir, job, "textmill run, shard count " + std::to_string(options_.shard_count));

  // On the heap: it holds a simdjson parser and WARC buffers, too big for a stack frame.
  auto source = std::make_unique<DocumentSource>(listing_, config_.reader, config_.batch_size, &read_progress_);
  const auto read_inputs = [this, &source](Batch& batch) {
    const bool more = source->Next(batch);
    read_progress_.docs_read += static_cast<int64_t>(batch.docs.size());
    return more;
  };
  try {
    ProgressReporter progress(read_progress_, output_.written_counter(), static_cast<int64_t>(listing_.files.size()),
                              listing_.total_bytes(), options_.live_progress, options_.progress_seconds);
    if (global == stages_.size()) {
      passes_.Run(read_inputs, 0, stages_.size(), nullptr, [this](Batch& batch) { output_.Write(batch); });
    } else {
      RunGlobalPasses(read_inputs, global);
    }
  } catch (const Cancelled&) {
    // Nothing of this attempt stays behind to be mistaken for output: its
    // shards go (the unfinished ones' temp files with them); the job file and
    // the state dir's 'running' record stay, as after a kill, so a rerun
    // resumes the run.
    RemoveOutputFiles(config_.output.dir, options_.shard_rank, options_.shard_count);
    spdlog::info("cancelled: nothing published, this attempt's shards removed from {}", config_.output.dir);
    throw;
  }
  RunOutcome outcome = FinishOutput(start);
  try {
    PublishRun(Global(), state.get(),
               {run_id, listing_, output_.documents_by_path(), output_.documents_read(), output_.documents_written()});
  } catch (const std::exception& e) {
    RecordFailure(outcome, e.what());
    throw;
  }
  spdlog::info("done: {} documents read, {} written, {} rejected, {} unreadable inputs, {:.1f}s",
               output_.documents_read(), output_.documents_written(),
               output_.documents_read() - output_.documents_written(), output_.unreadable().size(),
               outcome.report["totals"]["wall_seconds"].get<double>());
  return outcome;
}

void PipelineRun::RunGlobalPasses(const StagePasses::Source& source, size_t global) {
  GlobalStage& stage = static_cast<GlobalStage&>(*stages_[global]);
  const std::string spool_dir =
      (fs::path(config_.output.dir) / ("." + ShardPrefix(options_.shard_rank) + ".spool")).string();
  std::error_code ec;
  fs::remove_all(spool_dir, ec);
  // The spool goes however the passes end (a full disk included).
  struct SpoolRemover {
    const std::string& dir;
    ~SpoolRemover() {
      std::error_code rec;
      fs::remove_all(dir, rec);
    }
  } remover{spool_dir};
  SpoolWriter spool(spool_dir);
  // Observe: the stages before the global one; it observes every survivor,
  // which is spooled (and counted when it comes back in the apply pass).
  passes_.Run(
      source, 0, global, [&stage](Document& doc) { stage.Observe(doc); },
      [this, &spool](Batch& batch) {
        for (Document& doc : batch.docs) {
          if (doc.rejected()) {
            output_.Write(doc);
          } else {
            spool.Write(doc);
          }
        }
      },
      global);
  spool.Close();
  stage.EndObserve(spool.documents());
  spdlog::info("{}: {} documents spooled; analysing", stage.Name(), spool.documents());
  read_progress_.pass = "analysing";  // the global stage's analyze pass
  // Analyze: by spool position, nothing written.
  {
    SpoolReader reader(spool_dir, config_.batch_size);
    passes_.Run([&reader](Batch& b) { return reader.Next(b); }, global, global,
                [&stage](Document& doc) { stage.Analyze(doc); }, [](Batch&) {}, global);
  }
  passes_.Charge(global, [&stage] { stage.Decide(); });
  // Apply: the decisions, the later stages, the writer.
  read_progress_.pass = "writing";
  SpoolReader reader(spool_dir, config_.batch_size);
  passes_.Run([&reader](Batch& b) { return reader.Next(b); }, global, stages_.size(), nullptr,
              [this](Batch& batch) { output_.Write(batch); });
  fs::remove_all(spool_dir, ec);
}

RunOutcome PipelineRun::FinishOutput(std::chrono::steady_clock::time_point start) {
  for (auto& stage : stages_) stage->Flush();
  output_.Close();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RunOutcome outcome;
  outcome.exit_code = output_.unreadable().empty() ? 0 : 3;
  outcome.report = BuildReport(Facts(), wall);
  outcome.report["exit_code"] = outcome.exit_code;
  const fs::path dir(config_.output.dir);
  YAML::Emitter emitter;
  emitter << config_.tree;
  WriteFileAtomic((dir / "config.yaml").string(), std::string(emitter.c_str()) + "\n");
  WriteFileAtomic((dir / ReportName()).string(), outcome.report.dump(2) + "\n");
  WriteMetrics(Facts(), outcome.report, outcome.exit_code, wall, MetricsName());
  return outcome;
}

// The report was written before the index and manifest commits; when one of
// them fails the report and metrics must not say the run succeeded. Best
// effort: the disk that failed may be the output's.
void PipelineRun::RecordFailure(RunOutcome& outcome, const std::string& error) {
  outcome.exit_code = 1;
  outcome.report["exit_code"] = 1;
  outcome.report["error"] = error;
  try {
    WriteFileAtomic((fs::path(config_.output.dir) / ReportName()).string(), outcome.report.dump(2) + "\n");
    WriteMetrics(Facts(), outcome.report, outcome.exit_code, outcome.report["totals"]["wall_seconds"].get<double>(),
                 MetricsName());
  } catch (const std::exception& e) {
    spdlog::error("cannot record the failure in the report: {}", e.what());
  }
}

std::string ConfigHash(const Config& config) {
  YAML::Node tree = YAML::Clone(config.tree);
  tree.remove("inputs");
  tree.remove("threads");
  tree.remove("memory_mib");  // how much is spilled to disk, never what is written
  // langid's spelling tables: which dictionaries are loaded, never an answer.
  if (tree["stages"] && tree["stages"].IsSequence()) {
    for (YAML::Node stage : tree["stages"]) {
      if (stage.IsMap() && stage["langid"] && stage["langid"].IsMap()) stage["langid"].remove("spelling_tables");
    }
  }
  if (tree["output"] && tree["output"].IsMap()) tree["output"].remove("dir");
  YAML::Emitter emitter;
  emitter << tree;
  return Hash128Hex(emitter.c_str());
}

std::string JobIdentity(const Config& config, int shard_count, const std::string& state_dir) {
  std::string job = ConfigHash(config) + "|N=" + std::to_string(shard_count);
  for (const std::string& in : config.inputs) job += "|" + fs::absolute(in).lexically_normal().string();
  if (!state_dir.empty()) job += "|state=" + fs::absolute(state_dir).lexically_normal().string();
  return Hash128Hex(job);
}

RunOutcome RunPipeline(const Config& config, std::vector<std::unique_ptr<Stage>> stages, const RunOptions& options) {
  PipelineRun run(config, std::move(stages), options);
  return options.phase == PhaseStep::kNone ? run.Run() : run.RunPhase();
}

}  // namespace textmill
