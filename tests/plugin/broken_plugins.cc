// Plugins that must be refused (tests/unit/pipeline/plugins_test.cc,
// tests/plugin/plugin_run_test.sh): one library per BROKEN_* definition.
#include "pipeline/plugin_api.h"

namespace {

class Nothing : public textmill::Stage {
 public:
  std::string_view Name() const override { return "nothing"; }
};

[[maybe_unused]] void RegisterNothing(textmill::Registry& registry) {
  registry.Add("nothing", [](textmill::OptionReader&, const textmill::StageContext&) {
    return std::unique_ptr<textmill::Stage>(new Nothing());
  });
}

}  // namespace

#if defined(BROKEN_ABI)
// Built for another version of the stage interface.
extern "C" __attribute__((visibility("default"))) const textmill::PluginInfo* textmill_plugin() {
  static const textmill::PluginInfo info{textmill::kPluginAbiVersion + 100, "future", "9.9", RegisterNothing};
  return &info;
}
#elif defined(BROKEN_NO_ENTRY)
// A shared library, but no textmill plugin.
extern "C" __attribute__((visibility("default"))) int not_a_plugin() { return 1; }
#elif defined(BROKEN_THROWS)
// Fails while registering (its setup found something wrong).
void RegisterThrows(textmill::Registry&) { throw std::runtime_error("cannot find my resources"); }
TEXTMILL_PLUGIN("throws", RegisterThrows)
#elif defined(BROKEN_DUPLICATE)
// Claims a built-in stage's name.
void RegisterNormalize(textmill::Registry& registry) {
  registry.Add("normalize", [](textmill::OptionReader&, const textmill::StageContext&) {
    return std::unique_ptr<textmill::Stage>(new Nothing());
  });
}
TEXTMILL_PLUGIN("duplicate", RegisterNormalize)
#elif defined(BROKEN_UNDEFINED)
// Needs a function no library defines: dlopen(RTLD_NOW) fails.
extern "C" void textmill_function_nobody_defines();
void RegisterUndefined(textmill::Registry& registry) {
  textmill_function_nobody_defines();
  RegisterNothing(registry);
}
TEXTMILL_PLUGIN("undefined", RegisterUndefined)
#endif
