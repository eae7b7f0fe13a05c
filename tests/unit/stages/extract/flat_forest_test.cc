// FlatForest (our walk of the XGBoost trees) must give XGBoost's scores bit
// for bit: a block at the threshold would otherwise flip. Compared on the
// features of real pages of both extraction benchmarks, for the block model
// and the page-type model that ship in models/.
#include "stages/extract/flat_forest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "stages/extract/block_features.h"
#include "stages/extract/html_extractor.h"
#include "stages/extract/html_tree.h"
#include "stages/extract/page_signals.h"
#include "stages/extract/page_type.h"
#include "stages/extract/structured_data.h"
#include "stages/extract/tree_model.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

// Every `stride`-th page of a benchmark folder, sorted by name.
std::vector<std::string> SomePages(const std::string& dir, size_t stride) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> some;
  for (size_t k = 0; k < paths.size(); k += stride) some.push_back(paths[k]);
  return some;
}

uint32_t Bits(float v) {
  uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

// Counts the scores that differ from XGBoost's in any bit.
size_t Mismatches(const TreeModel& model, const std::vector<float>& features, size_t rows, size_t cols) {
  const std::vector<float> ours = model.Predict(features.data(), rows, cols);
  const std::vector<float> theirs = model.PredictWithXgboost(features.data(), rows, cols);
  EXPECT_EQ(ours.size(), theirs.size());
  size_t differ = 0;
  for (size_t k = 0; k < std::min(ours.size(), theirs.size()); ++k) {
    if (Bits(ours[k]) != Bits(theirs[k])) {
      if (differ < 5) ADD_FAILURE() << "score " << k << ": " << ours[k] << " vs XGBoost's " << theirs[k];
      ++differ;
    }
  }
  return differ;
}

class FlatForestTest : public ::testing::Test {
 protected:
  // Loaded once for the suite, freed before exit (XGBoost's statics may be
  // gone by then).
  static void SetUpTestSuite() {
    blocks_ = TreeModel::Load(testing::SourceDir() + "/models/extraction_blocks.ubj", FeatureNames()).release();
    pages_ =
        TreeModel::Load(testing::SourceDir() + "/models/extraction_page_types.ubj", PageFeatureNames()).release();
  }
  static void TearDownTestSuite() {
    delete blocks_;
    delete pages_;
    blocks_ = pages_ = nullptr;
  }
  static const TreeModel* blocks_;
  static const TreeModel* pages_;
};
const TreeModel* FlatForestTest::blocks_ = nullptr;
const TreeModel* FlatForestTest::pages_ = nullptr;

TEST_F(FlatForestTest, ShippedModelsAreWalkedByOurOwnCode) {
  EXPECT_TRUE(blocks_->flat());
  EXPECT_TRUE(pages_->flat());
}

TEST_F(FlatForestTest, ScoresEqualXgboostsOnRealPages) {
  const std::string bench = testing::SharedDir() + "/bench";
  std::vector<std::string> paths = SomePages(bench + "/extraction-wcxb/pages", 5);
  for (const std::string& path : SomePages(bench + "/extraction/pages", 3)) paths.push_back(path);
  const size_t width = FeatureNames().size();
  std::vector<float> all_rows, page_rows;
  size_t rows = 0;
  for (const std::string& path : paths) {
    const HtmlTree tree(testing::ReadMaybeCompressed(path), 0);
    const PageBlocks blocks = ComputePageBlocks(tree, HtmlExtractOptions{}, ReadStructuredData(tree.meta()));
    const size_t n = blocks.owner.size();
    EXPECT_EQ(Mismatches(*blocks_, blocks.features, n, width), 0u) << path;
    all_rows.insert(all_rows.end(), blocks.features.begin(), blocks.features.end());
    rows += n;
    const std::vector<float> page = PageFeatures(blocks, PageSignals(tree.meta()));
    page_rows.insert(page_rows.end(), page.begin(), page.end());
  }
  EXPECT_GT(rows, 20000u);
  // Many pages at once: blocks of rows across page boundaries.
  EXPECT_EQ(Mismatches(*blocks_, all_rows, rows, width), 0u);
  EXPECT_EQ(Mismatches(*pages_, page_rows, paths.size(), PageFeatureNames().size()), 0u);
}

// XGBoost sends a missing (NaN) value to the node's default side.
TEST_F(FlatForestTest, MissingValuesTakeXgboostsDefaultSide) {
  const size_t width = FeatureNames().size();
  std::vector<float> features(8 * width, 0.0F);
  for (size_t r = 0; r < 8; ++r) {
    for (size_t f = 0; f < width; ++f) {
      float& v = features[r * width + f];
      v = static_cast<float>((r * 7 + f * 13) % 11) * 0.5F;
      if ((r + f) % (r + 2) == 0) v = std::numeric_limits<float>::quiet_NaN();
    }
  }
  EXPECT_EQ(Mismatches(*blocks_, features, 8, width), 0u);
}

TEST(FlatForestParseTest, ModelsItCannotReproduceAreRefusedWithAReason) {
  std::string why;
  EXPECT_EQ(FlatForest::FromUbjson("not ubjson", &why), nullptr);
  EXPECT_EQ(why, "not UBJSON");
  const std::string model = testing::ReadFile(testing::SourceDir() + "/models/extraction_blocks.ubj");
  ASSERT_NE(FlatForest::FromUbjson(model, &why), nullptr);
  EXPECT_EQ(FlatForest::FromUbjson(model.substr(0, model.size() / 2), &why), nullptr);  // truncated
  EXPECT_EQ(why, "not UBJSON");
  // Same-length edits of the real file: another objective, another booster.
  std::string other = model;
  other.replace(other.find("binary:logistic"), 15, "binary:logitraw");
  EXPECT_EQ(FlatForest::FromUbjson(other, &why), nullptr);
  EXPECT_EQ(why, "objective binary:logitraw");
  other = model;
  other.replace(other.rfind("gbtree"), 6, "gblin_");  // the booster's name, after its model
  EXPECT_EQ(FlatForest::FromUbjson(other, &why), nullptr);
  EXPECT_EQ(why, "not a gbtree booster");
}

// A node two splits lead to (not a tree) would be walked short of its leaves
// by the complete-tree layout: such a model goes to XGBoost instead.
TEST(FlatForestParseTest, ANodeWithTwoParentsIsRefused) {
  std::string why;
  const std::string tiny = testing::ReadFile(testing::SourceDir() + "/tests/fuzz/seeds/tiny_binary.ubj");
  ASSERT_NE(FlatForest::FromUbjson(tiny, &why), nullptr) << why;
  // left_children of the first tree: [1, 3, 5, -1...] as big-endian int32s
  // after "left_children[$l#L" and an 8-byte count. Node 2's left child
  // becomes 3, which node 1 already has.
  std::string shared = tiny;
  const size_t at = shared.find("left_children[$l#L");
  ASSERT_NE(at, std::string::npos);
  const size_t node2 = at + std::string("left_children[$l#L").size() + 8 + 2 * 4;
  ASSERT_EQ(shared.substr(node2, 4), std::string("\0\0\0\x05", 4));
  shared[node2 + 3] = '\x03';
  EXPECT_EQ(FlatForest::FromUbjson(shared, &why), nullptr);
  EXPECT_EQ(why, "a node has two parents");
}

}  // namespace
}  // namespace textmill
