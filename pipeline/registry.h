// Stage registry: maps a stage name in the config to a factory.
//
// Registration is explicit (stages/register_builtin.cc), because static
// self-registration in a static library is dropped by the linker.
#pragma once

#include <functional>
#include <map>
#include <memory>
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
};
// PREFIX/share/textmill when the running binary is PREFIX/bin/<name> and that
// directory exists (an installed textmill), else "".
std::string InstalledDataDir();

using StageFactory = std::function<std::unique_ptr<Stage>(OptionReader&, const StageContext&)>;

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

 private:
  std::map<std::string, StageFactory> factories_;
};

// Defined in stages/register_builtin.cc: adds every built-in stage. Idempotent.
void RegisterBuiltinStages();

}  // namespace textmill
