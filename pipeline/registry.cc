#include "pipeline/registry.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "pipeline/errors.h"

namespace textmill {

std::string StageContext::ResolvePath(const std::string& path) const {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute()) return path;
  std::error_code ec;
  // The config's own directory first, so a job runs the same from any working
  // directory (cron); configs/ names in a config that lives in configs/: its
  // parent; then the installed data files; the working directory last.
  std::vector<fs::path> candidates = {fs::path(config_dir) / path, fs::path(config_dir).parent_path() / path};
  if (const char* data = std::getenv("TEXTMILL_DATA_DIR"); data && *data) candidates.push_back(fs::path(data) / path);
#ifdef TEXTMILL_INSTALLED_DATA_DIR
  candidates.push_back(fs::path(TEXTMILL_INSTALLED_DATA_DIR) / path);
#endif
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

std::vector<std::string> Registry::Names() const {
  std::vector<std::string> names;
  for (const auto& entry : factories_) names.push_back(entry.first);
  return names;
}

}  // namespace textmill
