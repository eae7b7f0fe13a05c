// Checks of a state dir's manifest (DIR/manifest.sqlite) before any work: a
// damaged manifest stops the run with exit code 2 naming the file, instead of
// failing at the end (after the shards and the index commit) or, truncated,
// silently starting a new history.
#pragma once

#include <cstdint>
#include <string>

struct sqlite3;

namespace textmill {

// Throws ConfigError naming `path` unless SQLite's quick_check of the open
// manifest says ok (run at the start of every run, before any work);
// RuntimeError "no space left on DIR" when the disk is full.
void CheckManifestIntegrity(sqlite3* db, const std::string& path);

// Throws ConfigError when DIR/manifest.created says a manifest was made and
// `path` is now missing or empty.
void CheckManifestFile(const std::string& dir, const std::string& path);

// Writes DIR/manifest.created once the manifest exists.
void MarkManifestCreated(const std::string& dir);

// Finished runs in DIR/manifest.sqlite that wrote documents (0 if there is
// no manifest or it cannot be read; RunState reports a damaged one). The
// index of a global stage in such a state dir cannot be empty.
int64_t CountPublishingRuns(const std::string& dir);

// SQLite's last error on `db`, or "no space left on DIR (writing ...)" when
// the disk is full (SQLITE_FULL, or an I/O error creating the WAL on a full disk).
std::string SqliteError(sqlite3* db);

}  // namespace textmill
