#include "pipeline/cli/state_cmd.h"

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "pipeline/cli/cli.h"
#include "pipeline/errors.h"
#include "pipeline/registry.h"
#include "pipeline/run_state.h"

namespace fs = std::filesystem;

namespace textmill {
namespace {

constexpr const char* kStateUsage = R"(Usage:
  textmill state check STATE_DIR   # are the manifest and the stages' indexes sound? exit 0 yes, 2 no
  textmill state runs STATE_DIR    # the runs in the manifest, tab-separated
  textmill state migrate STATE_DIR [--partitions N]
                                   # converts indexes kept in an earlier layout (no run may use the dir meanwhile)
)";

// Opens the manifest read-only; nullptr (and `why`) if it cannot.
sqlite3* OpenManifest(const std::string& dir, std::string& why) {
  const std::string path = (fs::path(dir) / "manifest.sqlite").string();
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    why = "missing";
    return nullptr;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    why = sqlite3_errmsg(db);
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

int Check(const std::string& dir) {
  bool sound = true;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw ConfigError(dir + ": not a directory");
  const std::string manifest = (fs::path(dir) / "manifest.sqlite").string();
  std::string why;
  if (sqlite3* db = OpenManifest(dir, why)) {
    try {
      if (fs::file_size(manifest, ec) == 0) throw ConfigError("empty file");
      CheckManifestIntegrity(db, manifest);
      std::cout << manifest << ": ok (" << CountPublishingRuns(dir) << " finished runs that wrote documents)\n";
    } catch (const Error& e) {
      std::cout << manifest << ": DAMAGED: " << e.what() << "\n";
      sound = false;
    }
    sqlite3_close(db);
  } else {
    std::cout << manifest << ": " << why << "\n";
    if (fs::exists(fs::path(dir) / "manifest.created", ec)) sound = false;
  }
  for (const StateCheck& check : Registry::Global().StateChecks()) sound = check(dir, std::cout) && sound;
  if (!sound) std::cout << "restore " << dir << " from a backup; runs on it stop with exit code 2 until then\n";
  return sound ? kExitOk : kExitUsage;
}

int Runs(const std::string& dir) {
  std::string why;
  sqlite3* db = OpenManifest(dir, why);
  if (!db) throw ConfigError((fs::path(dir) / "manifest.sqlite").string() + ": " + why);
  sqlite3_stmt* stmt = nullptr;
  const char* sql = "SELECT id, status, shard, output_dir, started, ifnull(finished, ''), ifnull(documents_read, ''),"
                    " ifnull(documents_written, '') FROM runs ORDER BY id";
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw ConfigError((fs::path(dir) / "manifest.sqlite").string() + ": " + message);
  }
  std::cout << "id\tstatus\tshard\toutput_dir\tstarted\tfinished\tdocuments_read\tdocuments_written\n";
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    for (int i = 0; i < 8; ++i) {
      const auto* text = sqlite3_column_text(stmt, i);
      std::cout << (i ? "\t" : "") << (text ? reinterpret_cast<const char*>(text) : "");
    }
    std::cout << "\n";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return kExitOk;
}

// Takes the state dir's lock (exit 4 while a run holds it), then each stage's migration.
int Migrate(const std::string& dir, int partitions) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw ConfigError(dir + ": not a directory");
  const RunState locked(dir);
  bool changed = false;
  for (const StateMigration& migrate : Registry::Global().StateMigrations()) {
    changed = migrate(dir, partitions, std::cout) || changed;
  }
  if (!changed) std::cout << dir << ": nothing to migrate\n";
  return kExitOk;
}

}  // namespace

int StateCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kStateUsage;
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args.size() == 4 && args[0] == "migrate" && args[2] == "--partitions") {
    char* end = nullptr;
    const long partitions = std::strtol(args[3].c_str(), &end, 10);
    if (*end != '\0' || partitions < 1 || partitions > 256) {
      throw ConfigError("state migrate: --partitions must be 1-256, got '" + args[3] + "'");
    }
    return Migrate(args[1], static_cast<int>(partitions));
  }
  if (args.size() != 2) throw ConfigError(std::string("state: expected a command and a state dir\n") + kStateUsage);
  if (args[0] == "migrate") return Migrate(args[1], 0);
  if (args[0] == "check") return Check(args[1]);
  if (args[0] == "runs") return Runs(args[1]);
  throw ConfigError("state: unknown command '" + args[0] + "'\n" + kStateUsage);
}

}  // namespace textmill
