#include "pipeline/registry.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "pipeline/errors.h"

namespace textmill {

std::string InstalledDataDir() {
  namespace fs = std::filesystem;
  // Found from the running binary, not fixed at configure time, so
  // `cmake --install --prefix P` and a .deb (prefix /usr) both work: the
  // installed layout is P/bin/textmill beside P/share/textmill (cmake/install.cmake).
  // /proc/self/exe is the file itself, so a link to it elsewhere still finds P.
  static const std::string dir = [] {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec || exe.parent_path().filename() != "bin") return std::string();
    const fs::path data = exe.parent_path().parent_path() / "share" / "textmill";
    return fs::is_directory(data, ec) ? data.string() : std::string();
  }();
  return dir;
}

std::string StageContext::ResolvePath(const std::string& path) const {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute()) return path;
  std::error_code ec;
  // The config's own directory first, so a job runs the same from any working
  // directory (cron); configs/ names in a config that lives in configs/: its
  // parent; then the installed data files; the working directory last.
  std::vector<fs::path> candidates = {fs::path(config_dir) / path, fs::path(config_dir).parent_path() / path};
  if (const char* data = std::getenv("TEXTMILL_DATA_DIR"); data && *data) candidates.push_back(fs::path(data) / path);
  if (const std::string installed = InstalledDataDir(); !installed.empty()) {
    candidates.push_back(fs::path(installed) / path);
  }
  candidates.push_back(path);
  for (const fs::path& candidate : candidates) {
    if (fs::exists(candidate, ec)) return candidate.lexically_normal().string();
  }
  return path;
}

std::string StageContext::ResolveModelPath(const std::string& name) const {
  namespace fs = std::filesystem;
  const std::string path = fs::path(name).has_parent_path() ? name : (fs::path(models_dir) / name).string();
  return ResolvePath(path);
}

Registry& Registry::Global() {
  static Registry registry;
  return registry;
}

void Registry::Add(const std::string& name, StageFactory factory) {
  factories_[name] = std::move(factory);
}

std::unique_ptr<Stage> Registry::Create(const std::string& name, OptionReader& options,
                                        const StageContext& context,
                                        const std::string& where) const {
  const auto it = factories_.find(name);
  if (it == factories_.end()) {
    std::string known;
    for (const auto& entry : factories_) known += (known.empty() ? "" : ", ") + entry.first;
    throw ConfigError(where + ": unknown stage '" + name + "' (known: " + known + ")");
  }
  std::unique_ptr<Stage> stage = it->second(options, context);
  options.Finish();
  return stage;
}

void Registry::AddAll(const Registry& other, const std::string& origin) {
  // A plugin may not replace a built-in (or another plugin's) stage: the
  // config would silently run other code than its name says.
  for (const auto& entry : other.factories_) {
    if (factories_.count(entry.first)) {
      throw ConfigError(origin + ": stage '" + entry.first + "' is already registered");
    }
  }
  for (const auto& entry : other.factories_) factories_[entry.first] = entry.second;
}

std::vector<std::string> Registry::Names() const {
  std::vector<std::string> names;
  for (const auto& entry : factories_) names.push_back(entry.first);
  return names;
}

}  // namespace textmill
