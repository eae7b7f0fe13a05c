#include "pipeline/run_state.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include "pipeline/manifest_check.h"
#include "pipeline/util/atomic_file.h"
#include "pipeline/util/file_lock.h"
#include "pipeline/util/hash.h"
#include "pipeline/util/io_error.h"

namespace textmill {
namespace {

std::string Now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

struct Statement {
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      throw RuntimeError("manifest: " + SqliteError(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt); }
  Statement& Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt, i, v.c_str(), -1, SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt, i, v);
    return *this;
  }
  bool Step() {
    const int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      throw RuntimeError("manifest: " + SqliteError(sqlite3_db_handle(stmt)));
    }
    return rc == SQLITE_ROW;
  }
  std::string Text(int i) const {
    const auto* t = sqlite3_column_text(stmt, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t Int(int i) const { return sqlite3_column_int64(stmt, i); }
  sqlite3_stmt* stmt = nullptr;
};

}  // namespace

namespace {

std::string LeasePath(const std::string& dir) { return (std::filesystem::path(dir) / "phased.lease").string(); }

std::string LeaseHolder(const std::string& dir) {
  std::ifstream in(LeasePath(dir));
  std::string holder;
  std::getline(in, holder);
  return holder;
}

// The flocks every single-machine run holds: DIR/lock, which users see (and
// `flock DIR/lock` takes from a script), and the directory itself, which
// `rm DIR/lock` cannot take away from a live run (a new lock file would be a
// new inode, so its flock alone would let a second run in). LockedError if
// either is taken.
struct HeldLock {
  int file_fd = -1;
  int dir_fd = -1;
  void Release() {
    if (file_fd >= 0) ::close(file_fd);
    if (dir_fd >= 0) ::close(dir_fd);
    file_fd = dir_fd = -1;
  }
};

HeldLock TakeLock(const std::string& dir) {
  const std::string lock_path = (std::filesystem::path(dir) / "lock").string();
  HeldLock held;
  held.dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (held.dir_fd < 0) throw ConfigError("--state " + dir + ": cannot open the directory");
  if (::flock(held.dir_fd, LOCK_EX | LOCK_NB) != 0) {
    held.Release();
    throw LockedError("--state " + dir + ": another textmill run holds the lock (on the directory " + dir + ")");
  }
  held.file_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (held.file_fd < 0) {
    held.Release();
    throw ConfigError("--state " + dir + ": cannot open " + lock_path);
  }
  if (::flock(held.file_fd, LOCK_EX | LOCK_NB) != 0) {
    held.Release();
    throw LockedError("--state " + dir + ": another textmill run holds the lock (" + lock_path + ")");
  }
  return held;
}

}  // namespace

void AcquirePhasedLease(const std::string& dir, const std::string& work_dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw ConfigError("--state " + dir + ": cannot create: " + ec.message());
  // No single-machine run in progress while we look. The tasks of an array
  // start together and each holds the lock for a moment: retry for a while.
  HeldLock lock;
  for (int attempt = 0;; ++attempt) {
    try {
      lock = TakeLock(dir);
      break;
    } catch (const LockedError&) {
      if (attempt >= 200) throw;
      ::usleep(50'000);
    }
  }
  const std::string holder = LeaseHolder(dir);
  if (holder.empty()) {
    WriteFileAtomic(LeasePath(dir), work_dir + "\n");
  } else if (holder != work_dir) {
    lock.Release();
    throw LockedError("--state " + dir + ": the phased run with work dir " + holder + " holds it (" + LeasePath(dir) +
                      "; remove that file only if that job is gone for good)");
  }
  lock.Release();
}

void ReleasePhasedLease(const std::string& dir) { std::filesystem::remove(LeasePath(dir)); }

RunState::RunState(const std::string& dir, bool take_lock) : dir_(dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw ConfigError("--state " + dir + ": cannot create: " + ec.message());
  if (take_lock) {
    HeldLock lock = TakeLock(dir);
    lock_fd_ = lock.file_fd;
    dir_lock_fd_ = lock.dir_fd;
    if (const std::string holder = LeaseHolder(dir); !holder.empty()) {
      lock.Release();
      lock_fd_ = dir_lock_fd_ = -1;
      throw LockedError("--state " + dir + ": the phased run with work dir " + holder + " holds it (" +
                        LeasePath(dir) + ")");
    }
  }
  // A constructor that throws runs no destructor: let go of the locks here.
  try {
    const std::string db_path = (std::filesystem::path(dir) / "manifest.sqlite").string();
    CheckManifestFile(dir, db_path);
    if (sqlite3_open(db_path.c_str(), &db_) != SQLITE_OK) {
      throw ConfigError("--state " + dir + ": cannot open " + db_path + ": " + sqlite3_errmsg(db_));
    }
    sqlite3_busy_timeout(db_, 10000);
    CheckManifestIntegrity(db_, db_path);
    // Processes setting up the manifest at once (the tasks of a phased run on
    // its first night) get "database is locked" from SQLite without waiting:
    // switching a new database to WAL does not go through the busy handler.
    // A lock file takes them one at a time; each holds it for milliseconds.
    const ScopedFileLock setup((std::filesystem::path(dir) / "manifest.lock").string());
    try {
      Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
           "CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, started TEXT, finished TEXT, status TEXT,"
           " config_hash TEXT, shard TEXT, output_dir TEXT, documents_read INTEGER, documents_written INTEGER);"
           "CREATE TABLE IF NOT EXISTS inputs(path TEXT, size INTEGER, mtime INTEGER, hash TEXT, run_id INTEGER,"
           " documents INTEGER, PRIMARY KEY(path, hash));"
           "CREATE TABLE IF NOT EXISTS run_inputs(run_id INTEGER, path TEXT, size INTEGER, mtime INTEGER, hash TEXT);");
    } catch (const RuntimeError& e) {
      if (std::string(e.what()).find("no space left") != std::string::npos) throw;
      throw ConfigError("--state " + dir + ": manifest.sqlite is not usable: " + e.what());
    }
    MarkManifestCreated(dir);
  } catch (...) {
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
    if (lock_fd_ >= 0) ::close(lock_fd_);
    if (dir_lock_fd_ >= 0) ::close(dir_lock_fd_);
    lock_fd_ = dir_lock_fd_ = -1;
    throw;
  }
}

RunState::~RunState() {
  if (db_) sqlite3_close(db_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flocks
  if (dir_lock_fd_ >= 0) ::close(dir_lock_fd_);
}

void RunState::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    sqlite3_free(error);
    throw RuntimeError("manifest: " + SqliteError(db_));
  }
}

RunState::Begun RunState::BeginRun(const std::string& config_hash, const std::string& shard,
                                   const std::string& output_dir, bool restart, int64_t index_last_run) {
  Begun begun;
  Statement pending(db_, "SELECT id, config_hash, output_dir FROM runs WHERE status='running' AND shard=?1 "
                         "ORDER BY id DESC LIMIT 1");
  pending.Bind(1, shard);
  if (pending.Step()) {
    const int64_t id = pending.Int(0);
    const std::string old_hash = pending.Text(1), old_dir = pending.Text(2);
    if (index_last_run == id) {
      // The interrupted run committed its index, so its shards and report
      // were complete: only the manifest lagged. Complete it from the plan.
      Exec("BEGIN IMMEDIATE");
      Statement copy(db_, "INSERT OR REPLACE INTO inputs(path, size, mtime, hash, run_id, documents) "
                          "SELECT path, size, mtime, hash, run_id, NULL FROM run_inputs WHERE run_id=?1");
      copy.Bind(1, id).Step();
      Statement done(db_, "UPDATE runs SET status='done', finished=?2 WHERE id=?1");
      done.Bind(1, id).Bind(2, Now()).Step();
      Exec("COMMIT");
      begun.run_id = id;
      begun.completed = true;
      return begun;
    } else if (!restart && (old_hash != config_hash || old_dir != output_dir)) {
      throw ConfigError("--state " + dir_ + ": run " + std::to_string(id) + " (shard " + shard +
                        ") was interrupted with " +
                        (old_hash != config_hash ? std::string("another config") : "output dir " + old_dir) +
                        "; resuming would mix two runs. Rerun with the same config and -o " + old_dir +
                        ", or pass --restart to abandon it");
    } else {
      if (restart) {
        Statement abandon(db_, "UPDATE runs SET status='abandoned', finished=?2 WHERE id=?1");
        abandon.Bind(1, id).Bind(2, Now()).Step();
      } else {
        begun.run_id = id;
        begun.resumed = true;
        return begun;
      }
    }
  }
  // A run on another shard count would split the inputs differently.
  Statement other(db_, "SELECT shard FROM runs WHERE status='running' AND shard<>?1 LIMIT 1");
  other.Bind(1, shard);
  if (other.Step() && !restart) {
    throw ConfigError("--state " + dir_ + ": an interrupted run used shard " + other.Text(0) + ", this one " + shard +
                      "; finish it with the same shard count, or pass --restart");
  }
  Statement insert(db_, "INSERT INTO runs(started, status, config_hash, shard, output_dir) VALUES(?1, 'running', ?2, ?3, ?4)");
  insert.Bind(1, Now()).Bind(2, config_hash).Bind(3, shard).Bind(4, output_dir).Step();
  begun.run_id = sqlite3_last_insert_rowid(db_);
  return begun;
}

void RunState::RecordCompletedCounts(int64_t run_id, int64_t documents_read, int64_t documents_written) {
  Statement counts(db_, "UPDATE runs SET documents_read=?2, documents_written=?3 WHERE id=?1");
  counts.Bind(1, run_id).Bind(2, documents_read).Bind(3, documents_written).Step();
}

std::string RunState::FinishedRunFor(const std::string& output_dir, const std::string& shard) {
  Statement done(db_, "SELECT id, finished FROM runs WHERE status='done' AND output_dir=?1 AND shard=?2 "
                      "ORDER BY id DESC LIMIT 1");
  done.Bind(1, output_dir).Bind(2, shard);
  if (!done.Step()) return "";
  return "run " + std::to_string(done.Int(0)) + " (finished " + done.Text(1) + ")";
}

std::string RunState::PendingOutputDir(const std::string& shard) {
  Statement pending(db_, "SELECT output_dir FROM runs WHERE status='running' AND shard=?1 ORDER BY id DESC LIMIT 1");
  pending.Bind(1, shard);
  return pending.Step() ? pending.Text(0) : "";
}

std::map<std::string, int64_t> RunState::KeepNewInputs(InputListing& listing) {
  std::map<std::string, int64_t> counts = {{"new", 0}, {"changed", 0}, {"unchanged", 0}};
  Statement same_stat(db_, "SELECT 1 FROM inputs WHERE path=?1 AND size=?2 AND mtime=?3 LIMIT 1");
  Statement same_hash(db_, "SELECT 1 FROM inputs WHERE path=?1 AND hash=?2 LIMIT 1");
  Statement known_path(db_, "SELECT 1 FROM inputs WHERE path=?1 LIMIT 1");
  std::vector<InputFile> kept;
  for (InputFile& file : listing.files) {
    struct stat st {};
    const int64_t mtime = ::stat(file.path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_mtime) : 0;
    file.mtime = mtime;
    sqlite3_reset(same_stat.stmt);
    same_stat.Bind(1, file.path).Bind(2, static_cast<int64_t>(file.size)).Bind(3, mtime);
    if (same_stat.Step()) {
      ++counts["unchanged"];
      continue;
    }
    const std::string hash = HashFile(file.path);
    sqlite3_reset(same_hash.stmt);
    same_hash.Bind(1, file.path).Bind(2, hash);
    if (!hash.empty() && same_hash.Step()) {
      ++counts["unchanged"];  // touched, same content
      continue;
    }
    sqlite3_reset(known_path.stmt);
    known_path.Bind(1, file.path);
    ++counts[known_path.Step() ? "changed" : "new"];
    hashes_[file.path] = hash;
    kept.push_back(file);
  }
  listing.files = std::move(kept);
  return counts;
}

void RunState::RecordPlan(int64_t run_id, const InputListing& planned) {
  Exec("BEGIN IMMEDIATE");
  Statement clear(db_, "DELETE FROM run_inputs WHERE run_id=?1");
  clear.Bind(1, run_id).Step();
  Statement insert(db_, "INSERT INTO run_inputs(run_id, path, size, mtime, hash) VALUES(?1, ?2, ?3, ?4, ?5)");
  for (const InputFile& file : planned.files) {
    sqlite3_reset(insert.stmt);
    const auto hash = hashes_.find(file.path);
    insert.Bind(1, run_id).Bind(2, file.path).Bind(3, static_cast<int64_t>(file.size)).Bind(4, file.mtime)
        .Bind(5, hash == hashes_.end() ? std::string() : hash->second);
    insert.Step();
  }
  Exec("COMMIT");
}

void RunState::FinishRun(int64_t run_id, const InputListing& processed,
                         const std::map<std::string, int64_t>& docs_by_path, int64_t documents_read,
                         int64_t documents_written) {
  Exec("BEGIN IMMEDIATE");
  try {
    Statement insert(db_, "INSERT OR REPLACE INTO inputs(path, size, mtime, hash, run_id, documents) "
                          "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    for (const InputFile& file : processed.files) {
      sqlite3_reset(insert.stmt);
      const auto hash = hashes_.find(file.path);
      const auto docs = docs_by_path.find(file.path);
      insert.Bind(1, file.path)
          .Bind(2, static_cast<int64_t>(file.size))
          .Bind(3, file.mtime)
          .Bind(4, hash == hashes_.end() ? HashFile(file.path) : hash->second)
          .Bind(5, run_id)
          .Bind(6, docs == docs_by_path.end() ? int64_t{0} : docs->second);
      insert.Step();
    }
    Statement done(db_, "UPDATE runs SET status='done', finished=?2, documents_read=?3, documents_written=?4 "
                        "WHERE id=?1");
    done.Bind(1, run_id).Bind(2, Now()).Bind(3, documents_read).Bind(4, documents_written).Step();
    Statement clear(db_, "DELETE FROM run_inputs WHERE run_id=?1");
    clear.Bind(1, run_id).Step();
    Exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace textmill
