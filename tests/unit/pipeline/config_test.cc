#include "pipeline/config.h"

#include <gtest/gtest.h>

#include "pipeline/document.h"
#include "pipeline/errors.h"
#include "pipeline/stage.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::string ErrorOf(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  TempDir dir;
  WriteFile(dir / "c.yaml", yaml);
  try {
    const Config config = LoadConfig(dir / "c.yaml", sets);
    RegisterBuiltinStages();
    BuildStages(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// A phased run's range and report tasks build their stages without loading
// them (Stage::Load): they read no model or list, so a bad one costs them
// nothing; the tasks that process documents load them, and fail there first.
TEST(ConfigTest, StagesBuiltWithoutLoadingReadNoModelUntilLoaded) {
  TempDir dir;
  WriteFile(dir / "corrupt.ubj", "not a model");
  WriteFile(dir / "c.yaml", "stages:\n  - extract:\n      model: " + (dir / "corrupt.ubj") + "\n");
  const Config config = LoadConfig(dir / "c.yaml", {});
  RegisterBuiltinStages();
  std::vector<std::unique_ptr<Stage>> stages;
  ASSERT_NO_THROW(stages = BuildStages(config, /*load=*/false));
  Document doc;
  doc.kind = ContentKind::kHtml;
  doc.raw = "<p>text</p>";
  EXPECT_THROW(stages[0]->ProcessDoc(doc), std::logic_error);  // never silently without its model
  try {
    LoadStages(stages);
    FAIL() << "a corrupt model loaded";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt.ubj"), std::string::npos) << e.what();
  }
  EXPECT_THROW(BuildStages(config), ConfigError);  // loaded by default
}

TEST(ConfigTest, DefaultsWhenEmpty) {
  TempDir dir;
  WriteFile(dir / "c.yaml", "");
  const Config config = LoadConfig(dir / "c.yaml", {});
  EXPECT_EQ(config.output.compression, "zstd");
  EXPECT_EQ(config.output.shard_size_bytes, int64_t{256} << 20);
  EXPECT_EQ(config.threads, 0);
  EXPECT_TRUE(config.stages.empty());
}

TEST(ConfigTest, UnknownTopLevelKeyNamesKeyAndLine) {
  const std::string error = ErrorOf("threads: 2\noutptu:\n  dir: x\n");
  EXPECT_NE(error.find("outptu"), std::string::npos) << error;
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown key"), std::string::npos) << error;
}

TEST(ConfigTest, UnknownNestedKeyNamesPath) {
  const std::string error = ErrorOf("output:\n  dir: x\n  shard_size: 3\n");
  EXPECT_NE(error.find("output.shard_size (line 3)"), std::string::npos) << error;
}

TEST(ConfigTest, WrongTypeAndRange) {
  EXPECT_NE(ErrorOf("threads: many\n").find("threads (line 1): expected an integer"), std::string::npos);
  EXPECT_NE(ErrorOf("threads: -1\n").find("out of range"), std::string::npos);
  EXPECT_NE(ErrorOf("output:\n  compression: lz4\n").find("'lz4' is not one of"), std::string::npos);
}

TEST(ConfigTest, UnknownStageAndStageOption) {
  const std::string unknown_stage = ErrorOf("stages:\n  - normalise: {}\n");
  EXPECT_NE(unknown_stage.find("unknown stage 'normalise'"), std::string::npos) << unknown_stage;
  const std::string bad_option = ErrorOf("stages:\n  - normalize:\n      from: NFC\n");
  EXPECT_NE(bad_option.find("stages[0].normalize.from (line 3): unknown key"), std::string::npos) << bad_option;
  const std::string bad_value = ErrorOf("stages:\n  - normalize:\n      form: NFD\n");
  EXPECT_NE(bad_value.find("stages[0].normalize.form (line 3)"), std::string::npos) << bad_value;
}

TEST(ConfigTest, MalformedYamlNamesLine) {
  // The flow sequence opened on line 2 is found unclosed on line 3.
  const std::string error = ErrorOf("output:\n  dir: [unclosed\nthreads: 2\n");
  EXPECT_NE(error.find("line 3: end of sequence flow not found"), std::string::npos) << error;
}

TEST(ConfigTest, SetOverridesKeysAndStageOptions) {
  TempDir dir;
  WriteFile(dir / "c.yaml", "output:\n  compression: zstd\nstages:\n  - normalize: {form: NFC}\n  - extract\n");
  const Config config = LoadConfig(dir / "c.yaml", {"output.compression=gzip", "stages.normalize.form=NFKC",
                                                     "stages.1.keep_comments=true", "threads=3"});
  EXPECT_EQ(config.output.compression, "gzip");
  EXPECT_EQ(config.threads, 3);
  EXPECT_EQ(config.stages[0].options["form"].Scalar(), "NFKC");
  EXPECT_EQ(config.stages[1].options["keep_comments"].Scalar(), "true");
}

TEST(ConfigTest, SetRejectsMalformedAndUnknown) {
  EXPECT_NE(ErrorOf("threads: 1\n", {"threads"}).find("expected KEY=VALUE"), std::string::npos);
  EXPECT_NE(ErrorOf("threads: 1\n", {"output.nope=1"}).find("output.nope"), std::string::npos);
  EXPECT_NE(ErrorOf("stages: [normalize]\n", {"stages.dedup.x=1"}).find("no stage 'dedup'"), std::string::npos);
}

TEST(ConfigTest, MissingFile) {
  EXPECT_THROW(LoadConfig("/nonexistent/config.yaml", {}), ConfigError);
}

TEST(ConfigTest, ShippedConfigsValidate) {
  RegisterBuiltinStages();
  for (const char* name : {"configs/default.yaml", "configs/extraction_eval.yaml"}) {
    const Config config = LoadConfig(testing::SourceDir() + "/" + name, {});
    EXPECT_NO_THROW(BuildStages(config)) << name;
  }
}

}  // namespace
}  // namespace textmill
