// Loading plugin stages (pipeline/plugin_api.h) named by a config's `plugins`.
//
// Thread-safety: call from one thread, before stages are built (BuildStages
// does). A file already loaded in this process is not loaded again, so
// building a config's stages twice (validate, then run) is harmless.
#pragma once

#include <string>
#include <vector>

#include "pipeline/registry.h"

namespace textmill {

// dlopen()s each file, checks its entry point and ABI version and adds its
// stages to `registry`. Throws ConfigError naming the file for a library that
// cannot be loaded, lacks the entry point, was built for another ABI, throws
// while registering, or registers a name already taken.
void LoadPlugins(const std::vector<std::string>& paths, Registry& registry);

}  // namespace textmill
