#include "pipeline/plugins.h"

#include <dlfcn.h>

#include <filesystem>
#include <set>

#include "pipeline/errors.h"
#include "pipeline/plugin_api.h"

namespace textmill {
namespace {

void LoadPlugin(const std::string& path, Registry& registry) {
  const std::string where = "plugin " + path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw ConfigError(where + ": no such file");
  // RTLD_NOW: an unresolved symbol is an error here, not a crash mid-run.
  // RTLD_LOCAL: two plugins' private symbols never collide.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = dlerror();
    throw ConfigError(where + ": cannot load: " + (error ? error : "unknown error"));
  }
  // Never dlclose()d: the factories and the stages' code live in it.
  using Entry = const PluginInfo* (*)();
  const auto entry = reinterpret_cast<Entry>(dlsym(handle, TEXTMILL_PLUGIN_ENTRY));
  if (entry == nullptr) {
    throw ConfigError(where + ": no entry point '" TEXTMILL_PLUGIN_ENTRY
                              "' (is it a textmill plugin? see TEXTMILL_PLUGIN "
                              "in pipeline/plugin_api.h)");
  }
  const PluginInfo* info = entry();
  if (info == nullptr || info->abi_version != kPluginAbiVersion) {
    // Only the first field is read: the rest may have another layout.
    const std::string theirs = info ? std::to_string(info->abi_version) : "none";
    throw ConfigError(where + ": built for plugin ABI " + theirs +
                      ", this textmill " TEXTMILL_VERSION_STRING " has ABI " + std::to_string(kPluginAbiVersion) +
                      ": rebuild it against these headers");
  }
  if (info->register_stages == nullptr) throw ConfigError(where + ": no register_stages function");
  Registry stages;
  try {
    info->register_stages(stages);
  } catch (const std::exception& e) {
    throw ConfigError(where + ": registering its stages failed: " + e.what());
  } catch (...) {
    throw ConfigError(where + ": registering its stages failed (not a std::exception)");
  }
  if (stages.Names().empty()) throw ConfigError(where + ": registers no stage");
  registry.AddAll(stages, where);
}

}  // namespace

void LoadPlugins(const std::vector<std::string>& paths, Registry& registry) {
  // Keyed by the canonical path: the same library named twice (or loaded by an
  // earlier BuildStages) registers once.
  static std::set<std::string> loaded;
  for (const std::string& path : paths) {
    std::error_code ec;
    const std::string key = std::filesystem::weakly_canonical(path, ec).string();
    if (loaded.count(key)) continue;
    LoadPlugin(path, registry);
    loaded.insert(key);
  }
}

}  // namespace textmill
