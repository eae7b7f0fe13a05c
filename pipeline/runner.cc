#include "pipeline/runner.h"

#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <cstdlib>
#include <ctime>

#include "pipeline/document_json.h"
#include "pipeline/ingest.h"
#include "pipeline/io/document_source.h"
#include "pipeline/io/input_files.h"
#include "pipeline/io/shard_writer.h"
#include "pipeline/phases.h"
#include "pipeline/output_dir.h"
#include "pipeline/progress.h"
#include "pipeline/run_state.h"
#include "pipeline/util/hash.h"
#include "pipeline/spool.h"
#include "pipeline/util/atomic_file.h"
#include "pipeline/util/fault.h"
#include "pipeline/util/utf8.h"

namespace fs = std::filesystem;

namespace textmill {
namespace {

// Wall-clock time for report.json (never in the shards, which stay byte-identical).
std::string UtcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Text length buckets, powers of two of characters: 0 = under 128, 1 = 128-255, ...
int LengthBucket(const std::string& text) {
  const auto chars = static_cast<int64_t>(CountCodePoints(text));
  int bucket = 0;
  for (int64_t limit = 128; chars >= limit && bucket < 12; limit *= 2) ++bucket;
  return bucket;
}

std::string BucketLabel(int bucket) {
  if (bucket == 0) return "<128";
  const int64_t low = int64_t{64} << bucket;
  return bucket == 12 ? ">=" + std::to_string(low) : std::to_string(low) + "-" + std::to_string(low * 2 - 1);
}

int64_t ThreadCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

uint64_t LiveBytes(const Document& doc) { return doc.text.size() + doc.raw.size(); }

// Per-stage counts. Atomics because parallel stages update them from many
// threads; the reject tallies are written by the serial writer only.
struct StageTally {
  std::atomic<int64_t> docs_in{0}, docs_out{0}, bytes_in{0}, bytes_out{0}, cpu_ns{0};
  std::map<std::string, int64_t> rejects;
};

using BatchPtr = std::unique_ptr<Batch>;

class Job {
 public:
  Job(const Config& config, std::vector<std::unique_ptr<Stage>> stages, const RunOptions& options)
      : config_(config), options_(options) {
    stages_.push_back(std::make_unique<IngestStage>(config.reader.max_document_bytes));
    for (auto& stage : stages) stages_.push_back(std::move(stage));
    tallies_ = std::vector<StageTally>(stages_.size());
  }

  RunOutcome Run();
  // One document phase of a phased run (options.phase).
  RunOutcome RunPhase();

 private:
  using Source = std::function<bool(Batch&)>;
  using DocHook = std::function<void(Document&)>;
  using Sink = std::function<void(Batch&)>;
  // One tbb::parallel_pipeline: `source`, stages [first, last), then `hook` on
  // every live document (parallel; CPU time charged to stage `hook_stage`),
  // then `sink` (serial, input order).
  void RunPass(tbb::task_arena& arena, int threads, const Source& source, size_t first, size_t last,
               const DocHook& hook, const Sink& sink, size_t hook_stage = 0);
  void RunGlobalPasses(tbb::task_arena& arena, int threads, const Source& source, size_t global);
  void RunStage(size_t index, Batch& batch);
  void WriteBatch(Batch& batch, SpoolWriter* spool);
  void PrepareOutputDir();
  // This task's slice of the inputs, without the output, state and work dirs.
  // Throws ConfigError when there is no input file at all.
  InputListing ListRunInputs() const;
  void OpenWriters();
  // Flushes the stages, closes the shards, writes config.yaml, the report and
  // the metrics.
  RunOutcome FinishOutput(std::chrono::steady_clock::time_point start);
  void RecordFailure(RunOutcome& outcome, const std::string& error);
  std::string ReportName() const;
  size_t GlobalStageIndex() const;
  // Phased runs: what the process phase hands on to finalize's report.
  Json CarryOut(size_t global) const;
  struct PhaseFiles;
  PhaseContext Context() const {
    return PhaseContext{options_.phase, options_.work_dir, options_.shard_rank, options_.shard_count};
  }
  RunOutcome RunProcessPhase(tbb::task_arena& arena, int threads, const PhaseFiles& files);
  RunOutcome RunSignPhase(tbb::task_arena& arena, int threads, const PhaseFiles& files, Json& carry);
  RunOutcome RunFinalizePhase(tbb::task_arena& arena, int threads, const PhaseFiles& files, const Json& carry);
  void ReadSpool(tbb::task_arena& arena, int threads, const std::string& dir, uint64_t expected, size_t first,
                 size_t last, const DocHook& hook, const Sink& sink);
  void CarryIn(const Json& carry, size_t global);
  Json BuildReport(double wall_seconds) const;
  void WriteMetrics(const RunOutcome& outcome, double wall_seconds) const;

  const Config& config_;
  RunOptions options_;
  std::vector<std::unique_ptr<Stage>> stages_;
  std::vector<StageTally> tallies_;
  InputListing listing_;
  ReadProgress read_progress_;
  std::atomic<int64_t> docs_written_{0};
  ShardWriter& WriterFor(const Document& doc);

  std::unique_ptr<ShardWriter> writer_;
  std::map<std::string, std::unique_ptr<ShardWriter>> lang_writers_;  // route_by_lang
  std::unique_ptr<ShardWriter> rejects_writer_;
  // Filled by the serial writer.
  int64_t docs_read_ = 0;
  std::map<std::string, int64_t> rejects_by_reason_;
  std::map<std::string, std::map<std::string, int64_t>> rejects_by_stage_;
  std::vector<Json> unreadable_;
  std::map<std::string, int64_t> docs_by_path_;  // documents written per input file
  std::map<int, int64_t> length_histogram_;      // written documents by LengthBucket
  std::map<std::string, int64_t> written_by_lang_;  // written documents by language
  std::string started_ = UtcNow();                  // for the report: when this process began the run
  Json incremental_ = Json::object();
  Json carried_inputs_;  // finalize of a phased run: the process phase's input summary
};

void Job::RunStage(size_t index, Batch& batch) {
  Stage& stage = *stages_[index];
  StageTally& tally = tallies_[index];
  std::vector<uint8_t> was_live(batch.docs.size());
  int64_t docs_in = 0, bytes_in = 0;
  for (size_t i = 0; i < batch.docs.size(); ++i) {
    if (batch.docs[i].rejected()) continue;
    was_live[i] = 1;
    ++docs_in;
    bytes_in += static_cast<int64_t>(LiveBytes(batch.docs[i]));
  }
  const int64_t cpu_start = ThreadCpuNanos();
  stage.Process(batch);
  tally.cpu_ns += ThreadCpuNanos() - cpu_start;
  int64_t docs_out = 0, bytes_out = 0;
  for (size_t i = 0; i < batch.docs.size(); ++i) {
    Document& doc = batch.docs[i];
    if (!was_live[i]) continue;
    if (doc.rejected()) {
      doc.rejected_by = stage.Name();
    } else {
      ++docs_out;
      bytes_out += static_cast<int64_t>(LiveBytes(doc));
    }
  }
  tally.docs_in += docs_in;
  tally.bytes_in += bytes_in;
  tally.docs_out += docs_out;
  tally.bytes_out += bytes_out;
}

void Job::RunPass(tbb::task_arena& arena, int threads, const Source& source, size_t first, size_t last,
                  const DocHook& hook, const Sink& sink, size_t hook_stage) {
  arena.execute([&] {
    auto chain = tbb::make_filter<void, BatchPtr>(tbb::filter_mode::serial_in_order,
                                                  [&](tbb::flow_control& fc) -> BatchPtr {
                                                    auto batch = std::make_unique<Batch>();
                                                    if (!source(*batch)) {
                                                      fc.stop();
                                                      return nullptr;
                                                    }
                                                    return batch;
                                                  });
    // Fuse runs of parallel stages into one filter; each serial stage gets its own.
    size_t i = first;
    while (i < last) {
      size_t end = i + 1;
      if (!stages_[i]->IsSerial()) {
        while (end < last && !stages_[end]->IsSerial()) ++end;
      }
      const auto mode = stages_[i]->IsSerial() ? tbb::filter_mode::serial_in_order : tbb::filter_mode::parallel;
      chain = chain & tbb::make_filter<BatchPtr, BatchPtr>(mode, [this, i, end](BatchPtr batch) {
                for (size_t s = i; s < end; ++s) RunStage(s, *batch);
                return batch;
              });
      i = end;
    }
    if (hook) {
      chain = chain & tbb::make_filter<BatchPtr, BatchPtr>(tbb::filter_mode::parallel, [&](BatchPtr batch) {
                const int64_t cpu_start = ThreadCpuNanos();
                for (Document& doc : batch->docs) {
                  if (!doc.rejected()) hook(doc);
                }
                tallies_[hook_stage].cpu_ns += ThreadCpuNanos() - cpu_start;
                return batch;
              });
    }
    auto pipeline = chain & tbb::make_filter<BatchPtr, void>(tbb::filter_mode::serial_in_order,
                                                               [&](BatchPtr batch) { sink(*batch); });
    tbb::parallel_pipeline(static_cast<size_t>(threads) * 4, pipeline);
  });
}

void Job::RunGlobalPasses(tbb::task_arena& arena, int threads, const Source& source, size_t global) {
  GlobalStage& stage = static_cast<GlobalStage&>(*stages_[global]);
  const std::string spool_dir = (fs::path(config_.output.dir) / ("." + ShardPrefix(options_.shard_rank) + ".spool")).string();
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
  // Pass 1: the stages before the global one; it observes every survivor.
  RunPass(arena, threads, source, 0, global, [&stage](Document& doc) { stage.Observe(doc); },
          [this, &spool](Batch& batch) { WriteBatch(batch, &spool); }, global);
  spool.Close();
  stage.EndObserve(spool.documents());
  spdlog::info("{}: {} documents spooled; analysing", stage.Name(), spool.documents());
  read_progress_.pass = "deciding duplicates";
  // Pass 2: analysis by ordinal, nothing written.
  {
    SpoolReader reader(spool_dir, config_.batch_size);
    RunPass(arena, threads, [&reader](Batch& b) { return reader.Next(b); }, global, global,
            [&stage](Document& doc) { stage.Analyze(doc); }, [](Batch&) {}, global);
  }
  const int64_t cpu_start = ThreadCpuNanos();
  stage.Decide();
  tallies_[global].cpu_ns += ThreadCpuNanos() - cpu_start;
  // Pass 3: decisions applied, later stages, the writer.
  read_progress_.pass = "writing";
  SpoolReader reader(spool_dir, config_.batch_size);
  RunPass(arena, threads, [&reader](Batch& b) { return reader.Next(b); }, global, stages_.size(), nullptr,
          [this](Batch& batch) { WriteBatch(batch, nullptr); });
  fs::remove_all(spool_dir, ec);
}

void Job::WriteBatch(Batch& batch, SpoolWriter* spool) {
  for (Document& doc : batch.docs) {
    if (spool && !doc.rejected()) {
      spool->Write(doc);  // counted when it comes back in the last pass
      continue;
    }
    ++docs_read_;
    if (!doc.rejected() && doc.text.empty()) {
      doc.Reject("empty_text");
      doc.rejected_by = "output";
    }
    if (doc.rejected()) {
      if (doc.rejected_by.empty()) doc.rejected_by = "reader";
      ++rejects_by_reason_[doc.reject_reason];
      ++rejects_by_stage_[doc.rejected_by][doc.reject_reason];
      if (doc.input_unreadable) {
        Json entry = {{"path", doc.input_path.empty() ? doc.source : doc.input_path},
                      {"source", doc.source},
                      {"reason", doc.reject_reason}};
        if (doc.metadata.contains("error")) entry["error"] = doc.metadata["error"];
        unreadable_.push_back(std::move(entry));
        spdlog::warn("unreadable input {}: {}", doc.source,
                     doc.metadata.value("error", doc.reject_reason));
      }
      if (rejects_writer_) rejects_writer_->Write(RejectToJsonLine(doc, config_.output.rejects_text));
      continue;
    }
    WriterFor(doc).Write(DocumentToJsonLine(doc, config_.output));
    ++docs_written_;
    ++length_histogram_[LengthBucket(doc.text)];
    ++written_by_lang_[doc.lang.empty() ? "und" : doc.lang];
    if (!doc.input_path.empty()) ++docs_by_path_[doc.input_path];
    if (writer_->shards().size() == 1) MaybeCrash("after_first_shard");
  }
}

ShardWriter& Job::WriterFor(const Document& doc) {
  if (!config_.output.route_by_lang) return *writer_;
  const std::string lang = doc.lang.empty() ? "und" : doc.lang;
  auto& writer = lang_writers_[lang];
  if (!writer) {
    writer = std::make_unique<ShardWriter>((fs::path(config_.output.dir) / lang).string(),
                                           ShardPrefix(options_.shard_rank), config_.output);
  }
  return *writer;
}

void Job::PrepareOutputDir() {
  const fs::path dir(config_.output.dir);
  std::error_code ec;
  fs::create_directories(dir / "rejects", ec);
  if (ec) throw RuntimeError("cannot create output directory " + dir.string() + ": " + ec.message());
  // A rerun replaces this rank's shards: stale ones would mix two runs.
  const std::string prefix = ShardPrefix(options_.shard_rank) + "-";
  std::vector<fs::path> subdirs = {dir, dir / "rejects"};
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory() && entry.path().filename() != "rejects") subdirs.push_back(entry.path());
  }
  for (const fs::path& sub : subdirs) {
    for (const auto& entry : fs::directory_iterator(sub, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(prefix) || name.starts_with("." + prefix)) fs::remove(entry.path(), ec);
    }
  }
}

InputListing Job::ListRunInputs() const {
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

size_t Job::GlobalStageIndex() const {
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (dynamic_cast<GlobalStage*>(stages_[i].get())) return i;
  }
  return stages_.size();
}

std::string Job::ReportName() const {
  return options_.shard_count == 1 && options_.phase.empty() ? "report.json"
                                                             : ShardPrefix(options_.shard_rank) + ".report.json";
}

void Job::OpenWriters() {
  PrepareOutputDir();
  const std::string prefix = ShardPrefix(options_.shard_rank);
  writer_ = std::make_unique<ShardWriter>(config_.output.dir, prefix, config_.output);
  if (config_.output.rejects) {
    rejects_writer_ = std::make_unique<ShardWriter>(
        (fs::path(config_.output.dir) / "rejects").string(), prefix, config_.output);
  }
}

RunOutcome Job::Run() {
  const auto start = std::chrono::steady_clock::now();
  listing_ = ListRunInputs();
  const size_t global = GlobalStageIndex();
  std::unique_ptr<RunState> state;
  int64_t run_id = 0;
  const std::string output_abs = fs::absolute(config_.output.dir).lexically_normal().string();
  const std::string job = JobIdentity(config_, options_.shard_count, options_.state_dir);
  const std::string shard = std::to_string(options_.shard_rank) + "/" + std::to_string(options_.shard_count);
  if (!options_.state_dir.empty()) {
    state = std::make_unique<RunState>(options_.state_dir);  // the lock, before any output
    MaybePause("pause_after_lock");
  }
  if (std::string message; GuardOutputDir(config_.output.dir, options_.shard_rank, options_.shard_count, job,
                                          options_.overwrite, state.get(), listing_, &message) ==
                           OutputVerdict::kNothingToDo) {
    spdlog::info("{}", message);
    RunOutcome outcome;
    std::ifstream in(fs::path(config_.output.dir) / ReportName());
    outcome.report = Json::parse(in, nullptr, false);
    return outcome;
  }
  if (state) {
    const int64_t index_last_run =
        global < stages_.size() ? static_cast<GlobalStage&>(*stages_[global]).LastCommittedRun() : 0;
    const RunState::Begun begun = state->BeginRun(ConfigHash(config_), shard, output_abs, options_.restart,
                                                  index_last_run);
    run_id = begun.run_id;
    if (begun.completed) {
      spdlog::info("state {}: run {} had finished its output in {} before it was interrupted; manifest completed, "
                   "nothing else to do",
                   options_.state_dir, run_id, config_.output.dir);
      RunOutcome outcome;
      const fs::path report = fs::path(config_.output.dir) /
                              (options_.shard_count == 1 ? "report.json" : ShardPrefix(options_.shard_rank) + ".report.json");
      std::ifstream in(report);
      outcome.report = Json::parse(in, nullptr, false);
      if (outcome.report.is_object() && outcome.report.contains("exit_code")) {
        outcome.exit_code = outcome.report["exit_code"].get<int>();
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
  for (const InputProblem& problem : listing_.unreadable) {
    spdlog::warn("unreadable input {}: {}", problem.path, problem.reason);
    unreadable_.push_back({{"path", problem.path}, {"reason", problem.reason}});
  }
  spdlog::info("shard {}/{}: {} input files, {:.1f} MB", options_.shard_rank, options_.shard_count,
               listing_.files.size(), static_cast<double>(listing_.total_bytes()) / 1e6);
  OpenWriters();
  WriteJobFile(config_.output.dir, job, "textmill run, shard count " + std::to_string(options_.shard_count));

  const int threads = config_.threads > 0 ? config_.threads : tbb::info::default_concurrency();
  // On the heap: it holds a simdjson parser and WARC buffers, too big for a stack frame.
  auto source = std::make_unique<DocumentSource>(listing_, config_.reader, config_.batch_size, &read_progress_);
  const auto read_inputs = [this, &source](Batch& batch) {
    const bool more = source->Next(batch);
    read_progress_.docs_read += static_cast<int64_t>(batch.docs.size());
    return more;
  };
  {
    ProgressReporter progress(read_progress_, docs_written_,
                              static_cast<int64_t>(listing_.files.size()), listing_.total_bytes(),
                              options_.live_progress, options_.progress_seconds);
    tbb::task_arena arena(threads);
    if (global == stages_.size()) {
      RunPass(arena, threads, read_inputs, 0, stages_.size(), nullptr,
              [this](Batch& batch) { WriteBatch(batch, nullptr); });
    } else {
      RunGlobalPasses(arena, threads, read_inputs, global);
    }
  }
  RunOutcome outcome = FinishOutput(start);
  // Indexes learn of this run only once its shards are complete, and the
  // manifest only once the index has it.
  try {
    MaybeCrash("before_index_commit");
    MaybePause("pause_before_index_commit");
    if (global < stages_.size()) static_cast<GlobalStage&>(*stages_[global]).Commit(run_id);
    MaybeCrash("before_manifest_commit");
    if (state) state->FinishRun(run_id, listing_, docs_by_path_, docs_read_, docs_written_.load());
  } catch (const std::exception& e) {
    RecordFailure(outcome, e.what());
    throw;
  }
  MaybeCrash("after_manifest_commit");

  spdlog::info("done: {} documents read, {} written, {} rejected, {} unreadable inputs, {:.1f}s",
               docs_read_, docs_written_.load(), docs_read_ - docs_written_.load(), unreadable_.size(),
               outcome.report["totals"]["wall_seconds"].get<double>());
  return outcome;
}

RunOutcome Job::FinishOutput(std::chrono::steady_clock::time_point start) {
  for (auto& stage : stages_) stage->Flush();
  writer_->Close();
  for (auto& [lang, writer] : lang_writers_) writer->Close();
  if (rejects_writer_) rejects_writer_->Close();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RunOutcome outcome;
  outcome.exit_code = unreadable_.empty() ? 0 : 3;
  outcome.report = BuildReport(wall);
  outcome.report["exit_code"] = outcome.exit_code;
  const fs::path dir(config_.output.dir);
  YAML::Emitter emitter;
  emitter << config_.tree;
  WriteFileAtomic((dir / "config.yaml").string(), std::string(emitter.c_str()) + "\n");
  WriteFileAtomic((dir / ReportName()).string(), outcome.report.dump(2) + "\n");
  WriteMetrics(outcome, wall);
  return outcome;
}

// The report was written before the index and manifest commits; when one of
// them fails the report and metrics must not say the run succeeded. Best
// effort: the disk that failed may be the output's.
void Job::RecordFailure(RunOutcome& outcome, const std::string& error) {
  outcome.exit_code = 1;
  outcome.report["exit_code"] = 1;
  outcome.report["error"] = error;
  try {
    WriteFileAtomic((fs::path(config_.output.dir) / ReportName()).string(), outcome.report.dump(2) + "\n");
    WriteMetrics(outcome, outcome.report["totals"]["wall_seconds"].get<double>());
  } catch (const std::exception& e) {
    spdlog::error("cannot record the failure in the report: {}", e.what());
  }
}

// Phased runs. The process phase spools the survivors of the stages before
// the global one (and, apart, the rejects, which the report of finalize
// counts); sign reads the spool for the global stage's Analyze; finalize reads
// it again, applies the decisions and writes the shards. Only `finalize`
// writes to the output directory.
struct Job::PhaseFiles {
  std::string spool, rejects, carry, written;
};

RunOutcome Job::RunPhase() {
  const fs::path root = fs::path(options_.work_dir) / "spool";
  const std::string prefix = ShardPrefix(options_.shard_rank);
  const PhaseFiles files{(root / prefix).string(), (root / (prefix + ".rejects")).string(),
                         (root / (prefix + ".json")).string(), (root / (prefix + ".written.json")).string()};
  const int threads = config_.threads > 0 ? config_.threads : tbb::info::default_concurrency();
  tbb::task_arena arena(threads);
  if (options_.phase == "process") return RunProcessPhase(arena, threads, files);
  std::ifstream carry_in(files.carry);
  Json carry = Json::parse(carry_in, nullptr, false);
  if (!carry.is_object()) throw RuntimeError(files.carry + ": missing or damaged (did the process phase finish?)");
  if (options_.phase == "sign") return RunSignPhase(arena, threads, files, carry);
  if (options_.phase == "finalize") return RunFinalizePhase(arena, threads, files, carry);
  throw RuntimeError("no document phase " + options_.phase);
}

RunOutcome Job::RunProcessPhase(tbb::task_arena& arena, int threads, const PhaseFiles& files) {
  const size_t global = GlobalStageIndex();
  GlobalStage* stage = global < stages_.size() ? static_cast<GlobalStage*>(stages_[global].get()) : nullptr;
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
  for (const InputProblem& problem : listing_.unreadable) {
    spdlog::warn("unreadable input {}: {}", problem.path, problem.reason);
    unreadable_.push_back({{"path", problem.path}, {"reason", problem.reason}});
  }
  std::error_code ec;
  fs::remove_all(files.spool, ec);
  fs::remove_all(files.rejects, ec);
  SpoolWriter spool(files.spool), rejects(files.rejects);
  if (stage) stage->BeginPhase(Context());
  auto source = std::make_unique<DocumentSource>(listing_, config_.reader, config_.batch_size, &read_progress_);
  {
    ProgressReporter progress(read_progress_, docs_written_, static_cast<int64_t>(listing_.files.size()),
                              listing_.total_bytes(), options_.live_progress, options_.progress_seconds);
    const DocHook observe = stage ? DocHook([stage](Document& doc) { stage->Observe(doc); }) : DocHook();
    RunPass(arena, threads, [&source](Batch& b) { return source->Next(b); }, 0, global, observe,
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
    for (const InputFile& f : listing_.files) processed.push_back({{"path", f.path}, {"size", f.size}, {"mtime", f.mtime}});
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
void Job::ReadSpool(tbb::task_arena& arena, int threads, const std::string& dir, uint64_t expected, size_t first,
                    size_t last, const DocHook& hook, const Sink& sink) {
  SpoolReader reader(dir, config_.batch_size);
  uint64_t read = 0;
  RunPass(arena, threads, [&reader](Batch& b) { return reader.Next(b); }, first, last, hook,
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

RunOutcome Job::RunSignPhase(tbb::task_arena& arena, int threads, const PhaseFiles& files, Json& carry) {
  const size_t global = GlobalStageIndex();
  RunOutcome outcome;
  outcome.report = {{"documents_signed", carry["spooled"]}};
  if (global == stages_.size()) return outcome;  // nothing to sign
  auto& stage = static_cast<GlobalStage&>(*stages_[global]);
  stage.BeginPhase(Context());
  stage.EndObserve(carry["spooled"].get<uint64_t>());  // sizes the per-document slots Analyze fills
  ReadSpool(arena, threads, files.spool, carry["spooled"].get<uint64_t>(), global, global,
            [&stage](Document& doc) { stage.Analyze(doc); }, [](Batch&) {});
  const int64_t cpu_start = ThreadCpuNanos();
  stage.Decide();  // writes what the sign phase hands on
  tallies_[global].cpu_ns += ThreadCpuNanos() - cpu_start;
  carry["sign_cpu_ns"] = tallies_[global].cpu_ns.load();  // set, not added: a rerun replaces it
  WriteFileAtomic(files.carry, carry.dump() + "\n");
  return outcome;
}

RunOutcome Job::RunFinalizePhase(tbb::task_arena& arena, int threads, const PhaseFiles& files, const Json& carry) {
  const auto start = std::chrono::steady_clock::now();
  const size_t global = GlobalStageIndex();
  CarryIn(carry, global);
  if (global < stages_.size()) {  // loads the decisions of the range phases
    static_cast<GlobalStage&>(*stages_[global]).BeginPhase(Context());
  }
  OpenWriters();
  const Sink write = [this](Batch& batch) { WriteBatch(batch, nullptr); };
  ReadSpool(arena, threads, files.rejects, carry.value("spooled_rejects", uint64_t{0}), 0, 0, nullptr, write);
  ReadSpool(arena, threads, files.spool, carry["spooled"].get<uint64_t>(), global, stages_.size(), nullptr, write);
  RunOutcome outcome = FinishOutput(start);
  // What the report task records in the manifest for this slice.
  const Json written = {{"documents_by_path", Json(docs_by_path_)},
                        {"documents_read", docs_read_},
                        {"documents_written", docs_written_.load()}};
  WriteFileAtomic(files.written, written.dump() + "\n");
  spdlog::info("finalize {}/{}: {} documents read, {} written", options_.shard_rank, options_.shard_count, docs_read_,
               docs_written_.load());
  return outcome;
}

Json Job::CarryOut(size_t global) const {
  Json ignored = Json::object();
  for (const auto& [ext, n] : listing_.ignored) ignored[ext] = n;
  Json tallies = Json::array();
  for (size_t i = 0; i < stages_.size(); ++i) {
    const StageTally& t = tallies_[i];
    tallies.push_back({{"docs_in", t.docs_in.load()},
                       {"docs_out", t.docs_out.load()},
                       {"bytes_in", t.bytes_in.load()},
                       {"bytes_out", t.bytes_out.load()},
                       {"cpu_ns", i <= global ? t.cpu_ns.load() : 0}});
  }
  return {{"inputs",
           {{"files", listing_.files.size()}, {"bytes", listing_.total_bytes()}, {"ignored_by_extension", ignored}}},
          {"unreadable", unreadable_},
          {"jsonl_utf8_repairs", read_progress_.jsonl_utf8_repairs.load()},
          {"records", Json(read_progress_.record_counts)},
          {"tallies", tallies}};
}

void Job::CarryIn(const Json& carry, size_t global) {
  carried_inputs_ = carry["inputs"];
  if (carry.contains("incremental")) incremental_ = carry["incremental"];
  for (const Json& entry : carry["unreadable"]) unreadable_.push_back(entry);
  read_progress_.jsonl_utf8_repairs = carry["jsonl_utf8_repairs"].get<int64_t>();
  read_progress_.record_counts = carry["records"].get<std::map<std::string, int64_t>>();
  const Json& tallies = carry["tallies"];
  if (tallies.size() != stages_.size()) throw RuntimeError("the process phase ran another stage list (config changed?)");
  for (size_t i = 0; i <= global && i < stages_.size(); ++i) {
    StageTally& t = tallies_[i];
    if (i < global) {  // the global stage and later ones count their documents here
      t.docs_in = tallies[i]["docs_in"].get<int64_t>();
      t.docs_out = tallies[i]["docs_out"].get<int64_t>();
      t.bytes_in = tallies[i]["bytes_in"].get<int64_t>();
      t.bytes_out = tallies[i]["bytes_out"].get<int64_t>();
    }
    t.cpu_ns = tallies[i]["cpu_ns"].get<int64_t>();
  }
  if (global < stages_.size()) tallies_[global].cpu_ns += carry.value("sign_cpu_ns", int64_t{0});
}

Json Job::BuildReport(double wall_seconds) const {
  Json report = Json::object();
  report["report_version"] = 1;
  report["textmill_version"] = TEXTMILL_VERSION_STRING;
  report["shard"] = {{"rank", options_.shard_rank}, {"count", options_.shard_count}};
  if (!incremental_.empty()) report["incremental"] = incremental_;
  report["config"] = YamlToJson(config_.tree);
  Json ignored = Json::object();
  for (const auto& [ext, n] : listing_.ignored) ignored[ext] = n;
  const bool carried = carried_inputs_.is_object();
  const uint64_t input_bytes = carried ? carried_inputs_["bytes"].get<uint64_t>() : listing_.total_bytes();
  report["inputs"] = {{"files", carried ? carried_inputs_["files"].get<uint64_t>() : listing_.files.size()},
                      {"bytes", input_bytes},
                      {"unreadable", unreadable_},
                      {"ignored_by_extension", carried ? carried_inputs_["ignored_by_extension"] : ignored},
                      {"skipped_dirs", [this] {
                         Json dirs = Json::array();
                         for (const InputProblem& p : listing_.skipped_dirs) {
                           dirs.push_back({{"path", p.path}, {"reason", p.reason}});
                         }
                         return dirs;
                       }()},
                      {"jsonl_utf8_repairs", read_progress_.jsonl_utf8_repairs.load()},
                      {"records", Json(read_progress_.record_counts)}};
  Json stages = Json::array();
  double cpu_total = 0;
  for (size_t i = 0; i < stages_.size(); ++i) {
    const StageTally& t = tallies_[i];
    const double cpu = static_cast<double>(t.cpu_ns.load()) / 1e9;
    cpu_total += cpu;
    Json rejects = Json::object();
    const auto it = rejects_by_stage_.find(std::string(stages_[i]->Name()));
    if (it != rejects_by_stage_.end()) {
      for (const auto& [reason, n] : it->second) rejects[reason] = n;
    }
    stages.push_back({{"name", stages_[i]->Name()},
                      {"docs_in", t.docs_in.load()},
                      {"docs_out", t.docs_out.load()},
                      {"bytes_in", t.bytes_in.load()},
                      {"bytes_out", t.bytes_out.load()},
                      {"rejects", rejects},
                      {"cpu_seconds", cpu},
                      {"counters", stages_[i]->Stats()}});
  }
  report["stages"] = stages;
  Json shards = Json::array();
  uint64_t output_bytes = writer_->bytes();
  for (const std::string& path : writer_->shards()) shards.push_back(fs::path(path).filename().string());
  for (const auto& [lang, writer] : lang_writers_) {
    output_bytes += writer->bytes();
    for (const std::string& path : writer->shards()) shards.push_back(lang + "/" + fs::path(path).filename().string());
  }
  Json by_reason = Json::object();
  for (const auto& [reason, n] : rejects_by_reason_) by_reason[reason] = n;
  report["output"] = {{"documents", docs_written_.load()},
                      {"bytes", output_bytes},
                      {"shards", shards},
                      {"text_length_histogram", [this] {
                         Json h = Json::object();
                         for (const auto& [bucket, n] : length_histogram_) h[BucketLabel(bucket)] = n;
                         return h;
                       }()},
                      {"rejects_file_documents", rejects_writer_ ? rejects_writer_->lines() : 0},
                      {"languages", Json(written_by_lang_)}};
  report["started"] = started_;
  report["finished"] = UtcNow();
  report["totals"] = {{"documents_read", docs_read_},
                      {"documents_written", docs_written_.load()},
                      {"documents_rejected", docs_read_ - docs_written_.load()},
                      {"rejects_by_reason", by_reason},
                      {"input_bytes", input_bytes},
                      {"wall_seconds", wall_seconds},
                      {"stage_cpu_seconds", cpu_total},
                      {"input_mb_per_second",
                       wall_seconds > 0 ? static_cast<double>(input_bytes) / 1e6 / wall_seconds : 0.0}};
  return report;
}

// Prometheus text format for node_exporter's textfile collector.
void Job::WriteMetrics(const RunOutcome& outcome, double wall_seconds) const {
  const std::string shard = "shard=\"" + std::to_string(options_.shard_rank) + "\"";
  std::string m;
  auto metric = [&](const std::string& name, const std::string& help, const std::string& type) {
    m += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  metric("textmill_documents_read", "Documents read in the last run.", "gauge");
  m += "textmill_documents_read{" + shard + "} " + std::to_string(docs_read_) + "\n";
  metric("textmill_documents_written", "Documents written in the last run.", "gauge");
  m += "textmill_documents_written{" + shard + "} " + std::to_string(docs_written_.load()) + "\n";
  metric("textmill_rejects", "Documents rejected in the last run, by reason.", "gauge");
  for (const auto& [reason, n] : rejects_by_reason_) {
    m += "textmill_rejects{" + shard + ",reason=\"" + reason + "\"} " + std::to_string(n) + "\n";
  }
  metric("textmill_input_bytes", "Input bytes read in the last run.", "gauge");
  m += "textmill_input_bytes{" + shard + "} " + std::to_string(outcome.report["inputs"]["bytes"].get<uint64_t>()) + "\n";
  metric("textmill_output_bytes", "Uncompressed output bytes of the last run.", "gauge");
  m += "textmill_output_bytes{" + shard + "} " + std::to_string(outcome.report["output"]["bytes"].get<uint64_t>()) + "\n";
  metric("textmill_unreadable_inputs", "Inputs that could not be read in the last run.", "gauge");
  m += "textmill_unreadable_inputs{" + shard + "} " + std::to_string(unreadable_.size()) + "\n";
  metric("textmill_duration_seconds", "Wall time of the last run.", "gauge");
  m += "textmill_duration_seconds{" + shard + "} " + std::to_string(wall_seconds) + "\n";
  metric("textmill_exit_code", "Exit code of the last run.", "gauge");
  m += "textmill_exit_code{" + shard + "} " + std::to_string(outcome.exit_code) + "\n";
  metric("textmill_last_success_timestamp_seconds", "Unix time the last run finished.", "gauge");
  m += "textmill_last_success_timestamp_seconds{" + shard + "} " + std::to_string(std::time(nullptr)) + "\n";
  const std::string name = options_.shard_count == 1 && options_.phase.empty()
                               ? "metrics.prom"
                               : ShardPrefix(options_.shard_rank) + ".metrics.prom";
  WriteFileAtomic((fs::path(config_.output.dir) / name).string(), m);
}

}  // namespace

std::string ConfigHash(const Config& config) {
  YAML::Node tree = YAML::Clone(config.tree);
  tree.remove("inputs");
  tree.remove("threads");
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

std::string ShardPrefix(int rank) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%05d", rank);
  return buf;
}

RunOutcome RunPipeline(const Config& config, std::vector<std::unique_ptr<Stage>> stages,
                       const RunOptions& options) {
  Job job(config, std::move(stages), options);
  return options.phase.empty() ? job.Run() : job.RunPhase();
}

Json RunRangePhase(std::vector<std::unique_ptr<Stage>>& stages, const PhaseContext& context) {
  for (auto& stage : stages) {
    if (auto* global = dynamic_cast<GlobalStage*>(stage.get())) return global->RunRangePhase(context);
  }
  return Json::object();  // no global stage: nothing to decide across slices
}

}  // namespace textmill
