#include "pipeline/registry.h"

#include <filesystem>

#include "pipeline/errors.h"

namespace textmill {

std::string StageContext::ResolvePath(const std::string& path) const {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute() || fs::exists(path)) return path;
  const fs::path beside_config = fs::path(config_dir) / path;
  if (fs::exists(beside_config)) return beside_config.string();
  // configs/ names in a config that lives in configs/: try the parent too.
  const fs::path beside_parent = fs::path(config_dir).parent_path() / path;
  return fs::exists(beside_parent) ? beside_parent.string() : path;
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
