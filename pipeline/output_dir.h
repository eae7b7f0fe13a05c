// OutputDir: what an output directory already holds, so that a run never
// deletes or mixes into another run's finished output.
//
// Every run writes OUT/.textmill-job.json before its first shard: the job's
// identity (config hash, absolute inputs, shard count, state dir). Ranks of
// one `--shard R/N` job share the identity, so they may write side by side; a
// rank only ever replaces its own files (part-RRRRR-*), and only those of an
// unfinished attempt. Any other output (another job's shards or report, or
// output without a job file, from an older textmill) is refused by the
// runner unless `run --overwrite` is given.
#pragma once

#include <string>
#include <vector>

namespace textmill {

struct OutputDirInfo {
  std::vector<std::string> output_files;  // part-*, .part-*, report.json, *.report.json (first few, relative)
  bool has_output = false;                // any of them
  bool has_job_file = false;
  std::string job;                        // the job identity in .textmill-job.json ("" if none)
  bool own_report = false;                // this rank's report exists (its attempt finished its output)
};

// Looks at `dir` (missing: nothing there) for rank `rank` of `count`.
OutputDirInfo InspectOutputDir(const std::string& dir, int rank, int count);

// Removes output files: those of rank `rank` only, or every rank's (rank < 0),
// with the reports, metrics and spools that go with them.
void RemoveOutputFiles(const std::string& dir, int rank, int count);

// Writes OUT/.textmill-job.json (atomically) naming `job`.
void WriteJobFile(const std::string& dir, const std::string& job, const std::string& description);

// Name of the job file; a directory holding it is a textmill output dir, never
// read as input (pipeline/io/input_files.cc).
inline constexpr const char* kJobFileName = ".textmill-job.json";

}  // namespace textmill

namespace textmill {

// What the runner knows before it touches an output directory.
struct OutputGuardFacts {
  std::string dir;
  int rank = 0;
  int count = 1;
  std::string job;          // this run's identity (see JobIdentity in runner.cc)
  bool overwrite = false;   // run --overwrite
  bool has_state = false;   // run --state
  bool resuming_here = false;  // state: an interrupted run of this shard wrote to this dir
  std::string finished_run;    // state: "run N (finished T)" recorded as done for this dir and shard, else ""
  bool new_inputs = false;     // state: some inputs were not taken by earlier runs
};

enum class OutputVerdict { kProceed, kNothingToDo };

// Decides whether a run may write to `facts.dir`. kNothingToDo (with
// `message`) when this very run already finished there; throws ConfigError
// (exit 2, before any work) when the directory holds another run's output.
OutputVerdict CheckOutputDir(const OutputGuardFacts& facts, std::string* message);

class RunState;
struct InputListing;

// The runner's use of the above: gathers the facts (from `state`, the
// manifest, when given: the run holds its lock), decides, and with
// `overwrite` removes the output it replaces (another job's, or this rank's).
OutputVerdict GuardOutputDir(const std::string& dir, int rank, int count, const std::string& job, bool overwrite,
                             RunState* state, const InputListing& listing, std::string* message);

}  // namespace textmill
