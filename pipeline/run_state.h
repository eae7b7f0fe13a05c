// RunState: what a state directory (`run --state DIR`) keeps about runs, for
// nightly use: a lock, and a manifest of processed inputs in SQLite
// (DIR/manifest.sqlite) that users can query:
//
//   runs(id, started, finished, status, config_hash, shard, output_dir,
//        documents_read, documents_written)  status: running|done|abandoned
//   inputs(path, size, mtime, hash, run_id, documents)
//   run_inputs(run_id, path, size, mtime, hash)   what a running run took
//
// A night processes only inputs that are new or changed (size/mtime differ
// and the content hash is new). Crash safety: a run is recorded as running
// before any output, with the inputs it takes; the order at the end is
// shards, report, the global stage's index (which records the run id),
// manifest (pipeline/publish.h). A rerun
// after a crash: if the index already holds the interrupted run, its output
// was complete and only the manifest is completed; otherwise the run is redone
// from the start (same config, shard count and output dir, or --restart), its
// partial shards replaced.
//
// Lifetime: one per run process; holds the flock until destroyed.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "pipeline/errors.h"
#include "pipeline/io/input_files.h"
#include "pipeline/manifest_check.h"

struct sqlite3;

namespace textmill {

// Another run holds the state directory's lock: exit code 4.
class LockedError : public Error {
 public:
  using Error::Error;
};

class RunState {
 public:
  // Takes the lock (non-blocking) and opens or creates the manifest. Throws
  // LockedError when another run holds it or a phased run holds the lease,
  // ConfigError when it is unusable. `take_lock` false: the tasks of a phased
  // run, which the lease (below) protects instead.
  explicit RunState(const std::string& dir, bool take_lock = true);
  ~RunState();
  RunState(const RunState&) = delete;
  RunState& operator=(const RunState&) = delete;

  struct Begun {
    int64_t run_id = 0;
    bool resumed = false;    // an interrupted run is being redone
    bool completed = false;  // an interrupted run had finished its output: manifest completed, nothing to do
  };
  // Starts (or resumes) the run for `shard`. `index_last_run` is the last run
  // id the global stage's index committed (0 if none): an interrupted run the index
  // already holds is completed in the manifest instead of redone.
  Begun BeginRun(const std::string& config_hash, const std::string& shard, const std::string& output_dir,
                 bool restart, int64_t index_last_run);
  // The document counts of a run BeginRun completed from its plan: the
  // manifest had not recorded them, the run's report has.
  void RecordCompletedCounts(int64_t run_id, int64_t documents_read, int64_t documents_written);

  // The last run recorded as done for `shard` writing to `output_dir`:
  // "run N (finished T)", or "" if none.
  std::string FinishedRunFor(const std::string& output_dir, const std::string& shard);
  // The output dir of an interrupted (still 'running') run of `shard`, or "".
  std::string PendingOutputDir(const std::string& shard);

  // Removes from `listing` the inputs an earlier run already processed
  // unchanged; returns counts by kind (new, changed, unchanged).
  std::map<std::string, int64_t> KeepNewInputs(InputListing& listing);

  // Records the inputs this run is about to process (used to complete the
  // manifest if the run is killed after its index commit).
  void RecordPlan(int64_t run_id, const InputListing& planned);

  // Records the run's inputs (with their document counts) and marks it done.
  void FinishRun(int64_t run_id, const InputListing& processed, const std::map<std::string, int64_t>& docs_by_path,
                 int64_t documents_read, int64_t documents_written);

  const std::string& dir() const { return dir_; }

  // Content hashes of the inputs KeepNewInputs kept (path -> hash): a phased
  // run hands them from its process tasks to the report task.
  const std::map<std::string, std::string>& input_hashes() const { return hashes_; }
  void AddInputHashes(const std::map<std::string, std::string>& hashes) { hashes_.insert(hashes.begin(), hashes.end()); }

 private:
  void Exec(const std::string& sql);

  std::string dir_;
  int lock_fd_ = -1;
  int dir_lock_fd_ = -1;  // flock on the directory itself: survives `rm DIR/lock`
  sqlite3* db_ = nullptr;
  // Content hashes of the inputs kept by KeepNewInputs, by path.
  std::map<std::string, std::string> hashes_;
};

// A phased run (`textmill phase --state`) spans many processes, so instead of
// the flock it holds a lease: DIR/phased.lease names its work dir from its
// first task until its report task has committed. Acquiring fails with
// LockedError while a single-machine run holds the lock or another phased run
// (another work dir) holds the lease; the same work dir may acquire it again.
void AcquirePhasedLease(const std::string& dir, const std::string& work_dir);
void ReleasePhasedLease(const std::string& dir);

}  // namespace textmill
