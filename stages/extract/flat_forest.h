// FlatForest: the trees of an XGBoost model evaluated by our own loop, with
// XGBoost's arithmetic, so its scores are XGBoost's bit for bit.
//
// Why: XGBoost's in-place prediction was 18% of a whole run on the WCXB pages
// (its per-row feature vectors with missing-value flags, 20-byte nodes, a
// call's JSON configuration), for a few hundred rows per page. Walking
// 16-byte nodes over the caller's rows, 64 rows per tree at a time, 16 rows
// side by side (as FastForest and lleaves do), is several times faster.
//
// Same results as XGBoost 1.7's CPU predictor: a row's margin starts at the
// base score (as a margin) and adds each tree's leaf in tree order, in float;
// a split goes left when value < condition, a NaN (missing) value takes the
// node's default side; binary:logistic applies XGBoost's Sigmoid,
// multi:softprob its Softmax. The trees are read from the model's UBJSON
// form (ubjson.h), whose split conditions are binary float32: exact.
// tests/unit/stages/extract/flat_forest_test.cc holds the scores equal to
// XGBoost's on the features of real pages.
//
// Immutable after FromJson(): Predict() may be called from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace textmill {

struct UbjValue;

class FlatForest {
 public:
  // From an XGBoost model in UBJSON (a .ubj file, or XGBoosterSaveModelToBuffer
  // format "ubj"). Null, with the reason in `why_not`, for what this
  // evaluator does not reproduce (another booster or objective, categorical
  // splits, vector leaves) or a file it cannot read: the caller then
  // predicts through XGBoost.
  static std::unique_ptr<FlatForest> FromUbjson(std::string_view ubjson, std::string* why_not);
  // The same from the model already read (ParseUbjson).
  static std::unique_ptr<FlatForest> FromModel(const UbjValue& model, std::string* why_not);

  size_t num_features() const { return num_features_; }
  size_t num_outputs() const { return num_groups_; }

  // Scores of `rows` rows of num_features() floats, row-major, into `out`
  // (rows x num_outputs()), transformed as XGBoost's objective does.
  void Predict(const float* features, size_t rows, float* out) const;

 private:
  // A split: children at left and right (indices in its tree), the side of a
  // missing value. A leaf: left == right == its own index, feature 0, its
  // value in `value`.
  struct Node {
    int32_t left;
    int32_t right;
    uint32_t feature : 31;
    uint32_t default_left : 1;
    float value;
  };
  // A split of a tree laid out complete: the children of position i are at
  // 2i+1 and 2i+2, the leaves after the last level of splits.
  struct Split {
    uint32_t feature;
    float threshold;
  };
  enum class Transform { kSigmoid, kSoftmax };

  FlatForest() = default;
  void AddCompleteTree(size_t t);
  void AddMargins(const float* features, size_t rows, float* out) const;

  std::vector<Node> nodes_;
  std::vector<uint32_t> tree_root_;   // index of each tree's root in nodes_
  std::vector<uint32_t> tree_group_;  // output (class) each tree adds to
  std::vector<int> tree_depth_;       // levels from the root to the deepest leaf
  // The trees laid out complete, for the walk of rows without missing values
  // (empty when a tree is deeper than that layout is worth).
  std::vector<Split> splits_;
  std::vector<float> leaves_;
  std::vector<uint32_t> split_start_, leaf_start_;  // per tree
  size_t num_features_ = 0;
  size_t num_groups_ = 1;
  float base_margin_ = 0.0F;
  Transform transform_ = Transform::kSigmoid;
};

}  // namespace textmill
