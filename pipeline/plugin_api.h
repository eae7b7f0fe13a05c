// Plugin stages: a shared library that adds stages to textmill's registry.
//
// A config names plugins with `plugins: [path/to/libmystage.so]`; before the
// stages are built, textmill dlopen()s each file, calls its one C entry point
// `textmill_plugin` and checks the ABI version it returns, then calls
// `register_stages` with an empty Registry whose stages join the built-in ones
// (a name already taken is a config error). The stages then run, and appear in
// report.json, exactly as built-in ones do: see pipeline/stage.h for the
// contract (immutable after construction, Process() called from many threads).
//
// A plugin is built against the installed headers with the CMake package:
//   find_package(textmill REQUIRED)
//   add_library(mystage MODULE mystage.cc)
//   target_link_libraries(mystage PRIVATE textmill::stage_api)
// and declares its entry point once, with a function adding its stages:
//   void Register(textmill::Registry& r) { r.Add("mystage", MakeMyStage); }
//   TEXTMILL_PLUGIN("mystage", Register)
// The functions it calls (Registry::Add, OptionReader::Get, StageContext::
// ResolvePath) are those of the textmill binary, which exports its symbols, so
// a plugin must be built with the same compiler family and standard library as
// the textmill it runs in (Debian 12's g++/libstdc++); kPluginAbiVersion
// guards the layout of the classes below.
//
// Errors: any exception from register_stages becomes a config error naming the
// file (exit 2). A factory throws ConfigError, as built-in ones do, naming the
// option (OptionReader::Fail). Static initializers must not throw (an
// exception cannot cross dlopen()). Plugins are never unloaded.
#pragma once

#include "pipeline/batch.h"
#include "pipeline/counters.h"
#include "pipeline/document.h"
#include "pipeline/errors.h"
#include "pipeline/options.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"

namespace textmill {

// Bumped whenever a class a plugin sees (Stage, Document, Batch, Counters,
// OptionReader, StageContext, Registry) changes its layout or virtual functions.
constexpr int kPluginAbiVersion = 2;  // 2: Stage::Load

// What `textmill_plugin` returns; a plain struct, so its first field can be
// read whatever version the plugin was built for.
struct PluginInfo {
  int abi_version;         // kPluginAbiVersion of the headers it was built with
  const char* name;        // for messages
  const char* built_with;  // the textmill version of those headers
  void (*register_stages)(Registry& registry);
};

}  // namespace textmill

// The one symbol textmill looks up in a plugin.
#define TEXTMILL_PLUGIN_ENTRY "textmill_plugin"

// Defines the entry point. `register_fn` is a function (or capture-less
// lambda) taking a textmill::Registry&.
#define TEXTMILL_PLUGIN(plugin_name, register_fn)                                                                 \
  extern "C" __attribute__((visibility("default"))) const ::textmill::PluginInfo* textmill_plugin() {             \
    static const ::textmill::PluginInfo info{::textmill::kPluginAbiVersion, plugin_name, TEXTMILL_VERSION_STRING, \
                                             register_fn};                                                        \
    return &info;                                                                                                 \
  }
