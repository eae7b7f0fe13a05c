#include "pipeline/manifest_check.h"

#include <sqlite3.h>

#include <cerrno>
#include <filesystem>

#include "pipeline/errors.h"
#include "pipeline/util/atomic_file.h"
#include "pipeline/util/io_error.h"

namespace textmill {
namespace {

// Written once the manifest exists: a manifest missing or empty after that
// is damage (a truncated file would otherwise silently reset the history).
std::string CreatedMarker(const std::string& dir) {
  return (std::filesystem::path(dir) / "manifest.created").string();
}

}  // namespace

void MarkManifestCreated(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(CreatedMarker(dir), ec)) {
    WriteFileAtomic(CreatedMarker(dir), "manifest.sqlite was created; it must never be missing or empty\n");
  }
}

namespace {

std::string DamageAdvice(const std::string& path) {
  return "restore " + path + " (with the rest of the state dir) from a backup; `textmill state check DIR` says " +
         "what else is damaged";
}

}  // namespace

void CheckManifestFile(const std::string& dir, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(CreatedMarker(dir), ec)) return;  // a new state dir
  const bool exists = std::filesystem::exists(path, ec);
  const auto size = exists ? std::filesystem::file_size(path, ec) : 0;
  if (!exists || size == 0) {
    throw ConfigError("--state " + dir + ": the manifest " + path + " is " + (exists ? "empty" : "missing") +
                      " but earlier runs recorded their history in it: damaged; " + DamageAdvice(path));
  }
}

// SQLite's message, or "no space left on DIR" when the disk is full (SQLite
// reports that as SQLITE_FULL, or as a disk I/O error when creating its WAL).
std::string SqliteError(sqlite3* db) {
  const char* file = sqlite3_db_filename(db, "main");
  const std::string path = file ? file : "manifest.sqlite";
  const int code = sqlite3_errcode(db) & 0xff;
  if (code == SQLITE_FULL || ((code == SQLITE_IOERR || code == SQLITE_CANTOPEN) && DiskFull(path))) {
    return WriteError(path, ENOSPC);
  }
  return sqlite3_errmsg(db);
}

void CheckManifestIntegrity(sqlite3* db, const std::string& path) {
  std::string result;
  char* error = nullptr;
  const int rc = sqlite3_exec(
      db, "PRAGMA quick_check",
      [](void* out, int, char** values, char**) {
        auto* text = static_cast<std::string*>(out);
        if (values[0] && text->size() < 400) *text += std::string(text->empty() ? "" : "; ") + values[0];
        return 0;
      },
      &result, &error);
  if (rc != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    if (const std::string why = SqliteError(db); why.starts_with("no space left")) throw RuntimeError(why);
    throw ConfigError("the manifest " + path + " is damaged (" + message + "); " + DamageAdvice(path));
  }
  if (result != "ok") {
    throw ConfigError("the manifest " + path + " is damaged (integrity check: " + result + "); " + DamageAdvice(path));
  }
}

int64_t CountPublishingRuns(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "manifest.sqlite").string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return 0;
  sqlite3* db = nullptr;
  int64_t count = 0;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM runs WHERE status='done' AND documents_written > 0", -1, &stmt,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return count;
}

}  // namespace textmill
