#include "pipeline/cli/cli.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <charconv>
#include <cstdlib>
#include <iostream>

#include "pipeline/config.h"
#include "pipeline/errors.h"
#include "pipeline/phases.h"
#include "pipeline/progress.h"
#include "pipeline/registry.h"
#include "pipeline/util/hash.h"
#include <sys/resource.h>
#include <chrono>
#include "pipeline/runner.h"
#include "pipeline/cli/report_html.h"
#include "pipeline/util/atomic_file.h"
#include <fstream>
#include "pipeline/run_state.h"
#include "pipeline/cli/state_cmd.h"

#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <filesystem>

namespace po = boost::program_options;

namespace textmill {
namespace {

// Loads the stages a document phase runs: process the stages up to the
// global one (whose observe pass it runs), sign the global stage, finalize the
// global stage and those after it (the report carries the others' counters
// from the process tasks). Range and publish phases run none. Each stage's
// models and lists cost a task 0.01-0.05 s CPU.
void LoadStagesOfPhase(const std::vector<std::unique_ptr<Stage>>& stages, PhaseStep step) {
  const size_t global = GlobalStageIndex(stages);  // stages.size() without one
  size_t first = 0, last = 0;
  if (step == PhaseStep::kObserve) {
    last = std::min(global + 1, stages.size());
  } else if (step == PhaseStep::kAnalyze) {
    first = global;
    last = std::min(global + 1, stages.size());
  } else if (step == PhaseStep::kApply) {
    first = global;
    last = stages.size();
  }
  for (size_t i = first; i < last; ++i) stages[i]->Load();
}

constexpr const char* kUsageHead = R"(textmill: scraped web pages -> clean text corpora (JSONL.zst)

Usage:
  textmill run -c CONFIG [-i PATH...]... [-o DIR] [-j THREADS] [--shard R/N] [--state DIR [--restart]]
               [--overwrite] [--set KEY=VALUE]... [PATH...]
  textmill phase PHASE -c CONFIG --work DIR [-i PATH]... [-o DIR] [--shard R/N] [--force]
      PHASE: one of `textmill phases` for the config, in that order (see scripts/slurm/)
  textmill phases -c CONFIG [--set KEY=VALUE]...   (the plan of a phased run: NAME TASKS per line)
  textmill validate -c CONFIG [--set KEY=VALUE]...
)";
// Then the stages' commands (Registry::Commands), then:
constexpr const char* kUsageTail = R"(  textmill report RUN_DIR [-o report.html] [--state DIR [--nights N]]
  textmill state check|runs|migrate STATE_DIR   (is the state dir sound? its runs; convert an old index)
  textmill --help | --version

Exit codes: 0 done; 1 fatal error (output incomplete); 2 usage or config error
(nothing was written); 3 done, but some inputs could not be read (see report.json);
4 another run holds the --state directory's lock. A rerun of a finished run
does nothing and exits 0; an output dir holding another run's output is
refused (exit 2) unless --overwrite.
)";

std::string Usage() {
  std::string usage = kUsageHead;
  for (const auto& [name, command] : Registry::Global().Commands()) usage += "  textmill " + command.usage + "\n";
  return usage + kUsageTail;
}

struct CommonArgs {
  std::string config;
  std::vector<std::string> sets;
  std::string log_level = "info";
  std::string log_file;
};

void AddCommonOptions(po::options_description& desc, CommonArgs& args) {
  desc.add_options()
      ("config,c", po::value(&args.config)->required(), "YAML config file")
      ("set", po::value(&args.sets)->composing(), "override a config key: KEY=VALUE (repeatable)")
      ("log-level", po::value(&args.log_level), "trace|debug|info|warn|error (default info)")
      ("log-file", po::value(&args.log_file), "also write the log to this file")
      ("help,h", "this help");
}

// stderr, after erasing the live progress line (else the log line would
// start where the progress line ends).
class StderrSink : public spdlog::sinks::stderr_color_sink_mt {
 public:
  void log(const spdlog::details::log_msg& msg) override {
    ClearLiveLine();
    spdlog::sinks::stderr_color_sink_mt::log(msg);
  }
};

void SetUpLogging(const CommonArgs& args) {
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<StderrSink>());
  if (!args.log_file.empty()) {
    sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(args.log_file));
  }
  auto logger = std::make_shared<spdlog::logger>("textmill", sinks.begin(), sinks.end());
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] %v");
  const spdlog::level::level_enum level = spdlog::level::from_str(args.log_level);
  if (level == spdlog::level::off && args.log_level != "off") {
    throw ConfigError("--log-level: unknown level '" + args.log_level + "'");
  }
  logger->set_level(level);
  spdlog::set_default_logger(logger);
}

// Parses subcommand options; returns false (after printing help) for --help.
bool ParseArgs(const std::vector<std::string>& rest, po::options_description& desc,
               po::variables_map* out = nullptr, const po::positional_options_description* positional = nullptr) {
  po::variables_map local;
  po::variables_map& vm = out ? *out : local;
  auto parser = po::command_line_parser(rest).options(desc);
  if (positional) parser.positional(*positional);
  po::store(parser.run(), vm);
  if (vm.count("help")) {
    std::cout << Usage() << "\n" << desc << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

int Validate(const std::vector<std::string>& rest) {
  CommonArgs args;
  po::options_description desc("validate options");
  AddCommonOptions(desc, args);
  if (!ParseArgs(rest, desc)) return kExitOk;
  SetUpLogging(args);
  const Config config = LoadConfig(args.config, args.sets);
  const auto stages = BuildStages(config);
  std::string names;
  for (const auto& stage : stages) names += (names.empty() ? "" : ", ") + std::string(stage->Name());
  std::cout << args.config << ": OK (" << stages.size() << " stages: " << names << ")\n";
  return kExitOk;
}

// Rank and count from a launcher's environment: Slurm job arrays, or
// Kubernetes indexed jobs (JOB_COMPLETION_INDEX with TEXTMILL_SHARD_COUNT).
bool ShardFromEnvironment(int& rank, int& count) {
  auto get = [](const char* name) -> const char* { return std::getenv(name); };
  if (get("SLURM_ARRAY_TASK_ID") && get("SLURM_ARRAY_TASK_COUNT")) {
    const int min = get("SLURM_ARRAY_TASK_MIN") ? std::atoi(get("SLURM_ARRAY_TASK_MIN")) : 0;
    rank = std::atoi(get("SLURM_ARRAY_TASK_ID")) - min;
    count = std::atoi(get("SLURM_ARRAY_TASK_COUNT"));
    return true;
  }
  if (get("JOB_COMPLETION_INDEX") && get("TEXTMILL_SHARD_COUNT")) {
    rank = std::atoi(get("JOB_COMPLETION_INDEX"));
    count = std::atoi(get("TEXTMILL_SHARD_COUNT"));
    return true;
  }
  return false;
}

// textmill report RUN_DIR [-o FILE] [--state DIR]: the run's report.json as
// one self-contained HTML page.
int Report(const std::vector<std::string>& rest) {
  std::string run_dir, output, state;
  int nights = 14;
  po::options_description desc("report options");
  desc.add_options()
      ("run-dir", po::value(&run_dir)->required(), "output directory of a run (holds report.json)")
      ("output,o", po::value(&output), "HTML file to write (default RUN_DIR/report.html)")
      ("state", po::value(&state), "state directory, for the trend over earlier nights")
      ("nights", po::value(&nights), "nights in the trend (default 14)")
      ("help,h", "this help");
  po::positional_options_description positional;
  positional.add("run-dir", 1);
  if (!ParseArgs(rest, desc, nullptr, &positional)) return kExitOk;
  const std::filesystem::path report_path = std::filesystem::path(run_dir) / "report.json";
  std::ifstream in(report_path);
  if (!in) throw ConfigError(report_path.string() + ": cannot read (is RUN_DIR the output of a run?)");
  const Json report = Json::parse(in, nullptr, false);
  if (report.is_discarded() || !report.is_object()) throw ConfigError(report_path.string() + ": not a textmill report");
  if (output.empty()) output = (std::filesystem::path(run_dir) / "report.html").string();
  WriteFileAtomic(output, RenderReportHtml(report, state.empty() ? Json::array() : LoadTrend(state, nights)));
  std::cout << output << "\n";
  return kExitOk;
}

// What run and phase take besides the common options: inputs, output, threads.
struct RunArgs {
  std::vector<std::string> inputs;
  std::string output;
  int threads = -1;
};

void AddRunOptions(po::options_description& desc, RunArgs& args) {
  desc.add_options()
      ("input,i", po::value(&args.inputs)->composing()->multitoken(),
       "input files or directories (-i A B, or repeated; replaces config inputs)")
      ("output,o", po::value(&args.output), "output directory (replaces output.dir)")
      ("threads,j", po::value(&args.threads), "worker threads, 0 = all cores (replaces threads)");
}

// The config of a run or phase: the file, then -o/-j/--set, then -i.
Config LoadRunConfig(const CommonArgs& args, const RunArgs& run) {
  std::vector<std::string> overrides = args.sets;
  if (!run.output.empty()) overrides.insert(overrides.begin(), "output.dir=" + run.output);
  if (run.threads >= 0) overrides.insert(overrides.begin(), "threads=" + std::to_string(run.threads));
  Config config = LoadConfig(args.config, overrides);
  if (!run.inputs.empty()) {
    config.inputs = run.inputs;
    YAML::Node list(YAML::NodeType::Sequence);
    for (const std::string& in : run.inputs) list.push_back(in);
    config.tree["inputs"] = list;
  }
  if (config.inputs.empty()) throw ConfigError("inputs: no inputs (give -i PATH or set inputs:)");
  return config;
}

// --shard R/N, else the launcher's environment, else 0/1.
void ResolveShard(const std::string& shard, int& rank, int& count) {
  if (!shard.empty()) {
    if (!ParseShard(shard, rank, count)) throw ConfigError("--shard " + shard + ": expected R/N with 0 <= R < N");
  } else if (ShardFromEnvironment(rank, count)) {
    if (count < 1 || rank < 0 || rank >= count) throw ConfigError("shard from the environment is out of range");
  }
}

double CpuSecondsSoFar(long* max_rss_kib) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  *max_rss_kib = usage.ru_maxrss;
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// textmill phase PHASE: one task of one phase of a phased run (pipeline/phases.h).
int Phase(const std::vector<std::string>& rest) {
  CommonArgs args;
  RunArgs run;
  std::string phase, work, shard, state;
  po::options_description desc("phase options");
  AddCommonOptions(desc, args);
  AddRunOptions(desc, run);
  desc.add_options()
      ("phase", po::value(&phase)->required(), "a phase of the plan (textmill phases)")
      ("work", po::value(&work)->required(), "work directory on storage shared by all tasks")
      ("shard", po::value(&shard), "this task R of N: R/N (default: SLURM_ARRAY_TASK_ID/COUNT); merge and report: 0/N")
      ("state", po::value(&state), "state directory of nightly runs: earlier inputs skipped, global stages compare with them; "
                                   "the report phase publishes the run")
      ("force", "run even if this task has a completion record");
  po::positional_options_description positional;
  positional.add("phase", 1);
  po::variables_map flags;
  if (!ParseArgs(rest, desc, &flags, &positional)) return kExitOk;
  SetUpLogging(args);
  Config config = LoadRunConfig(args, run);
  config.state_dir = state;  // before BuildStages: a global stage opens its index there
  int rank = 0, count = 1;
  ResolveShard(shard, rank, count);
  // Config errors first. Models and lists are loaded only by the tasks that
  // process documents, for the stages their phase runs: a range or report
  // task never reads them.
  auto stages = BuildStages(config, /*load=*/false);
  const PhasePlan plan = PlanPhases(stages);
  const PlannedPhase* planned = FindPhase(plan, phase);
  if (!planned) throw ConfigError("phase '" + phase + "': expected one of " + PhaseNameList(plan));
  LoadStagesOfPhase(stages, planned->step);
  if (planned->single_task && rank != 0) {
    throw ConfigError("phase " + phase + " runs as one task: give --shard 0/N, N the task count of the other phases");
  }
  // What makes two tasks parts of one phased run (WORK/plan.json).
  std::string run_identity =
      ConfigHash(config) + "|" + std::filesystem::absolute(config.output.dir).lexically_normal().string();
  for (const std::string& in : config.inputs) {
    run_identity += "|" + std::filesystem::absolute(in).lexically_normal().string();
  }
  if (!state.empty()) run_identity += "|state=" + std::filesystem::absolute(state).lexically_normal().string();
  CheckPlan(plan, work, Hash128Hex(run_identity), count);
  const std::string work_abs = std::filesystem::absolute(work).lexically_normal().string();
  if (PhaseTaskDone(work, phase, rank) && !flags.count("force")) {
    spdlog::info("phase {} task {}/{}: already done ({}), nothing to do", phase, rank, count,
                 CompletionPath(work, phase, rank));
    return kExitOk;
  }
  RequirePreviousPhase(plan, work, phase, count);
  if (!state.empty()) AcquirePhasedLease(state, work_abs);  // every task: the first one takes it
  const auto start = std::chrono::steady_clock::now();
  long rss_kib = 0;
  const double cpu_start = CpuSecondsSoFar(&rss_kib);
  Json info = {{"phase", phase}, {"rank", rank}, {"count", count}};
  int exit_code = kExitOk;
  if (planned->step == PhaseStep::kRange) {
    info["stats"] = planned->run(PhaseContext{PhaseStep::kRange, phase, work, rank, count});
    spdlog::info("phase {} range {}/{}: {}", phase, rank, count, info["stats"].dump());
  } else if (planned->step != PhaseStep::kPublish) {
    RunOptions options;
    options.shard_rank = rank;
    options.shard_count = count;
    options.phase = planned->step;
    options.work_dir = work;
    options.state_dir = state;
    options.live_progress = false;
    const RunOutcome outcome = RunPipeline(config, std::move(stages), options);
    info["exit_code"] = outcome.exit_code;  // 3 (unreadable inputs) is reported by the report phase
    if (planned->step != PhaseStep::kApply) info["stats"] = outcome.report;
  } else {
    RunOptions options;
    options.shard_count = count;
    options.work_dir = work;
    options.state_dir = state;
    const Json merged = RunReportPhase(plan, config, stages, options);
    exit_code = merged.value("exit_code", 0);
    spdlog::info("report: {} documents read, {} written; {}", merged["totals"]["documents_read"].get<int64_t>(),
                 merged["totals"]["documents_written"].get<int64_t>(),
                 (std::filesystem::path(config.output.dir) / "report.json").string());
  }
  info["cpu_seconds"] = CpuSecondsSoFar(&rss_kib) - cpu_start;
  info["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  info["max_rss_mib"] = static_cast<double>(rss_kib) / 1024.0;
  RecordPhaseTaskDone(work, phase, rank, info);
  return exit_code;
}

// textmill phases -c CONFIG: the plan of a phased run of the config, one phase
// a line, "NAME 1" (one task) or "NAME N" (one per slice or hash range); the
// Slurm scripts submit what it prints. Takes what `phase` takes.
int Phases(const std::vector<std::string>& rest) {
  CommonArgs args;
  RunArgs run;
  po::options_description desc("phases options");
  AddCommonOptions(desc, args);
  AddRunOptions(desc, run);
  desc.add_options()
      ("work", po::value<std::string>(), "ignored (taken for the same arguments as phase)")
      ("shard", po::value<std::string>(), "ignored")
      ("state", po::value<std::string>(), "ignored");
  if (!ParseArgs(rest, desc)) return kExitOk;
  SetUpLogging(args);
  const auto stages = BuildStages(LoadConfig(args.config, args.sets), /*load=*/false);
  for (const PlannedPhase& phase : PlanPhases(stages)) {
    std::cout << phase.name << (phase.single_task ? " 1\n" : " N\n");
  }
  return kExitOk;
}

int Run(const std::vector<std::string>& rest) {
  CommonArgs args;
  RunArgs run;
  std::string shard, state, progress = "auto";
  double progress_seconds = 10;
  po::options_description desc("run options");
  AddCommonOptions(desc, args);
  AddRunOptions(desc, run);
  desc.add_options()
      ("shard", po::value(&shard), "process slice R of N of the sorted input files: R/N")
      ("state", po::value(&state), "state directory: lock, manifest of processed inputs, stages' indexes (nightly use)")
      ("restart", "abandon an interrupted run in the state directory instead of resuming it")
      ("overwrite", "replace another run's output in the output directory (refused otherwise)")
      ("progress", po::value(&progress), "auto|live|log|none (default auto: live on a terminal)")
      ("progress-interval", po::value(&progress_seconds), "seconds between progress log lines (default 10)");
  po::positional_options_description positional;
  positional.add("input", -1);  // bare paths after the options are inputs too
  po::variables_map flags;
  if (!ParseArgs(rest, desc, &flags, &positional)) return kExitOk;
  SetUpLogging(args);

  Config config = LoadRunConfig(args, run);
  config.state_dir = state;
  if (flags.count("restart") && state.empty()) throw ConfigError("--restart needs --state");

  RunOptions options;
  ResolveShard(shard, options.shard_rank, options.shard_count);
  if (progress != "auto" && progress != "live" && progress != "log" && progress != "none") {
    throw ConfigError("--progress: expected auto, live, log or none");
  }
  options.live_progress = progress == "live" || (progress == "auto" && isatty(STDERR_FILENO));
  if (!(progress_seconds > 0)) throw ConfigError("--progress-interval: expected seconds > 0");
  options.progress_seconds = progress == "none" ? 1e9 : progress_seconds;

  options.state_dir = state;
  options.restart = flags.count("restart") > 0;
  options.overwrite = flags.count("overwrite") > 0;
  auto stages = BuildStages(config);  // config errors surface here, before any output
  const RunOutcome outcome = RunPipeline(config, std::move(stages), options);
  return outcome.exit_code;
}

}  // namespace

bool ParseShard(const std::string& text, int& rank, int& count) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  const char* begin = text.data();
  const char* mid = begin + slash;
  const char* end = begin + text.size();
  const auto r1 = std::from_chars(begin, mid, rank);
  const auto r2 = std::from_chars(mid + 1, end, count);
  return r1.ec == std::errc() && r1.ptr == mid && r2.ec == std::errc() && r2.ptr == end && count >= 1 &&
         rank >= 0 && rank < count;
}

int Main(int argc, char** argv) {
  std::vector<std::string> all(argv + 1, argv + argc);
  RegisterBuiltinStages();
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    std::cout << Usage();
    return all.empty() ? kExitUsage : kExitOk;
  }
  if (all[0] == "--version") {
    std::cout << "textmill " << TEXTMILL_VERSION_STRING << "\n";
    return kExitOk;
  }
  const std::string command = all[0];
  const std::vector<std::string> rest(all.begin() + 1, all.end());
  try {
    if (command == "run") return Run(rest);
    if (command == "validate") return Validate(rest);
    if (command == "phase") return Phase(rest);
    if (command == "phases") return Phases(rest);
    if (const auto it = Registry::Global().Commands().find(command); it != Registry::Global().Commands().end()) {
      CommonArgs log_args;
      log_args.log_level = "warn";
      SetUpLogging(log_args);
      return it->second.run(rest);
    }
    if (command == "report") return Report(rest);
    if (command == "state") return StateCommand(rest);
    std::cerr << "textmill: unknown command '" << command << "'\n\n" << Usage();
    return kExitUsage;
  } catch (const po::error& e) {
    std::cerr << "textmill " << command << ": " << e.what() << "\n(see textmill " << command << " --help)\n";
    return kExitUsage;
  } catch (const ConfigError& e) {
    std::cerr << "textmill: config error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const LockedError& e) {
    std::cerr << "textmill: " << e.what() << "\n";
    return kExitLocked;
  } catch (const std::exception& e) {
    std::cerr << "textmill: fatal: " << e.what() << "\n";
    return kExitFatal;
  }
}

}  // namespace textmill
