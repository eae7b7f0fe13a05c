// Plugin stages (pipeline/plugins.h): the example plugin's stage runs like a
// built-in one; every broken library is a ConfigError naming the file.
#include "pipeline/plugins.h"

#include <gtest/gtest.h>

#include "pipeline/config.h"
#include "pipeline/errors.h"
#include "pipeline/plugin_api.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::string BrokenPlugin(const std::string& kind) {
  return std::string(TEXTMILL_PLUGIN_DIR) + "/libbroken_plugin_" + kind + ".so";
}

// The message of the ConfigError loading `path` throws, "" if none.
std::string LoadError(const std::string& path) {
  RegisterBuiltinStages();
  try {
    LoadPlugins({path}, Registry::Global());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(PluginsTest, ExampleStageTagsAndRejectsThroughTheRegistry) {
  TempDir dir;
  WriteFile(dir / "words.list", "# a comment\nBridge\nharbour\n");
  WriteFile(dir / "c.yaml", std::string("plugins: [") + TEXTMILL_WORD_TAGGER +
                                "]\nstages:\n  - word_tagger:\n      words: "
                                "words.list\n      reject_at: 2\n");
  RegisterBuiltinStages();
  const Config config = LoadConfig(dir / "c.yaml", {});
  auto stages = BuildStages(config);
  ASSERT_EQ(stages.size(), 1u);
  EXPECT_EQ(stages[0]->Name(), "word_tagger");
  Batch batch;
  batch.docs.resize(3);
  batch.docs[0].text = "The bridge (BRIDGE) is new.";
  batch.docs[1].text = "A bridge by the harbour.";
  batch.docs[2].text = "Bridges and harbours are other words.";
  stages[0]->Process(batch);
  stages[0]->Flush();
  EXPECT_EQ(batch.docs[0].metadata["word_tags"], Json::array({"bridge"}));
  EXPECT_FALSE(batch.docs[0].rejected());
  EXPECT_EQ(batch.docs[1].reject_reason, "word_list");
  EXPECT_FALSE(batch.docs[2].metadata.contains("word_tags"));
  const Json stats = stages[0]->Stats();
  EXPECT_EQ(stats["documents_tagged"], 2);
  EXPECT_EQ(stats["word_matches"], 4);
  // Loading the same file again (validate, then run) registers nothing twice.
  EXPECT_EQ(LoadError(TEXTMILL_WORD_TAGGER), "");
}

TEST(PluginsTest, PluginOptionsAreCheckedLikeABuiltInStage) {
  TempDir dir;
  WriteFile(dir / "c.yaml",
            std::string("plugins: [") + TEXTMILL_WORD_TAGGER + "]\nstages:\n  - word_tagger:\n      wrods: x.list\n");
  RegisterBuiltinStages();
  try {
    BuildStages(LoadConfig(dir / "c.yaml", {}));
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("wrods"), std::string::npos) << e.what();
  }
}

TEST(PluginsTest, RelativePluginPathIsBesideTheConfig) {
  TempDir dir;
  WriteFile(dir / "c.yaml", "plugins: [lib/libmine.so]\n");
  const Config config = LoadConfig(dir / "c.yaml", {});
  ASSERT_EQ(config.plugins.size(), 1u);
  EXPECT_EQ(config.plugins[0], dir / "lib/libmine.so");
  const std::string error = LoadError(config.plugins[0]);
  EXPECT_NE(error.find(dir / "lib/libmine.so"), std::string::npos) << error;
  EXPECT_NE(error.find("no such file"), std::string::npos) << error;
}

TEST(PluginsTest, BrokenPluginsAreConfigErrorsNamingTheFile) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"abi", "built for plugin ABI " + std::to_string(kPluginAbiVersion + 100)},  // broken_plugins.cc
      {"no_entry", "no entry point 'textmill_plugin'"},
      {"throws", "registering its stages failed: cannot find my resources"},
      {"duplicate", "stage 'normalize' is already registered"},
      {"undefined", "textmill_function_nobody_defines"},
  };
  for (const auto& [kind, expected] : cases) {
    const std::string error = LoadError(BrokenPlugin(kind));
    EXPECT_NE(error.find(BrokenPlugin(kind)), std::string::npos) << kind << ": " << error;
    EXPECT_NE(error.find(expected), std::string::npos) << kind << ": " << error;
  }
  // The duplicate did not replace the built-in stage.
  OptionReader options(YAML::Node(), "stages[0].normalize");
  EXPECT_EQ(Registry::Global().Create("normalize", options, StageContext(), "here")->Name(), "normalize");
}

}  // namespace
}  // namespace textmill
