// Stage registry: maps a stage name in the config to a factory.
//
// Registration is explicit (stages/register_builtin.cc), because static
// self-registration in a static library is dropped by the linker.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "pipeline/options.h"
#include "pipeline/stage.h"

namespace textmill {

// A factory reads its options (and must call Finish() on them) and returns the
// stage, or throws ConfigError. `context` carries run-wide settings stages may need.
struct StageContext {
  std::string models_dir = "models";
  std::string config_dir = ".";  // directory of the config file
  std::string state_dir;         // `run --state DIR`: indexes kept between runs

  // A data file named in the config: absolute as given; a relative one is
  // looked for beside the config file, beside its directory, in
  // $TEXTMILL_DATA_DIR and InstalledDataDir(), then in the working directory.
  std::string ResolvePath(const std::string& path) const;

  // A model file named in the config: a bare file name is looked up in
  // models_dir, a path as given; then resolved as ResolvePath does.
  std::string ResolveModelPath(const std::string& name) const;

  // The config's memory_mib: what a stage may hold of what grows with the
  // corpus (see Config). Last, so the fields before it keep their offsets
  // for plugins built before it (which only read a StageContext given them).
  uint64_t memory_bytes = uint64_t{512} << 20;
};
// PREFIX/share/textmill when the running binary is PREFIX/bin/<name> and that
// directory exists (an installed textmill), else "".
std::string InstalledDataDir();

using StageFactory = std::function<std::unique_ptr<Stage>(OptionReader&, const StageContext&)>;

// A stage's part of `textmill state check STATE_DIR`: checks the files the
// stage keeps in the state dir, prints one line per file to `out`, and
// returns false when one is damaged.
using StateCheck = std::function<bool(const std::string& state_dir, std::ostream& out)>;

// A stage's part of `textmill state migrate STATE_DIR [--partitions N]`:
// converts the files the stage keeps there from an earlier layout, says what
// it did on `out`, returns whether it changed anything. `partitions` 0: the
// stage's default. The caller holds the state dir's lock.
using StateMigration = std::function<bool(const std::string& state_dir, int partitions, std::ostream& out)>;

// A subcommand a stage adds to the CLI, `textmill NAME ARGS...`, so that the
// face reaches the stage through the registry, not by including it. The CLI
// sets up logging (warnings and worse, on stderr) before `run`, and maps its
// exceptions to exit codes as for its own commands.
struct StageCommand {
  std::string usage;  // the command's line in `textmill --help`, after "textmill "
  std::function<int(const std::vector<std::string>& args)> run;  // returns the exit code
};

class Registry {
 public:
  static Registry& Global();
  void Add(const std::string& name, StageFactory factory);
  // Throws ConfigError naming `where` for an unknown stage.
  std::unique_ptr<Stage> Create(const std::string& name, OptionReader& options,
                                const StageContext& context, const std::string& where) const;
  std::vector<std::string> Names() const;
  // Adds every stage of `other` (a plugin's, pipeline/plugins.h); throws
  // ConfigError naming `origin` when a name is already taken.
  void AddAll(const Registry& other, const std::string& origin);

  void AddStateCheck(StateCheck check) { state_checks_.push_back(std::move(check)); }
  const std::vector<StateCheck>& StateChecks() const { return state_checks_; }
  void AddStateMigration(StateMigration migration) { state_migrations_.push_back(std::move(migration)); }
  const std::vector<StateMigration>& StateMigrations() const { return state_migrations_; }
  void AddCommand(const std::string& name, StageCommand command) { commands_[name] = std::move(command); }
  const std::map<std::string, StageCommand>& Commands() const { return commands_; }

 private:
  std::map<std::string, StageFactory> factories_;
  std::vector<StateCheck> state_checks_;
  std::vector<StateMigration> state_migrations_;
  std::map<std::string, StageCommand> commands_;
};

// Defined in stages/register_builtin.cc: adds every built-in stage. Idempotent.
void RegisterBuiltinStages();

}  // namespace textmill
