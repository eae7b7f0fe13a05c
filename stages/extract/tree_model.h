// TreeModel: a learned classifier of gradient-boosted trees (XGBoost) read
// through its C API: the block classifier (is this block main content?) and
// the page-type classifier (which kind of page is this?).
//
// The model file is XGBoost's UBJSON (or JSON) format written by
// scripts/train_extraction_model.py; its attribute "feature_names" must equal
// the names the caller computes (FeatureNames(), PageFeatureNames()), so a
// model trained on other features is refused instead of silently misread.
// Attributes read: "threshold" (a binary model's decision threshold),
// "classes" and "thresholds" (a multi-class model's class names and the block
// threshold to use on pages of each class), comma-separated. Load() throws
// ConfigError naming the path (missing, unreadable, corrupt, other features).
//
// Predict() walks the trees itself (flat_forest.h: XGBoost's scores, bit for
// bit, several times faster) when the model is one FlatForest reproduces,
// and asks XGBoost otherwise. A UBJSON model FlatForest reproduces is read
// without XGBoost (attributes too); any other XGBoost loads at Load().
//
// Thread-safe: Predict() may be called from many threads; on XGBoost's path
// each thread gets its own booster (XGBoost's prediction buffers are per
// booster), made from the file's bytes read once (UBJSON loads in about 6 ms,
// JSON in 32), with one internal thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "stages/extract/flat_forest.h"

namespace textmill {

class TreeModel {
 public:
  static std::unique_ptr<TreeModel> Load(const std::string& path, const std::vector<std::string>& feature_names);
  ~TreeModel();

  // Scores of `rows` rows of `cols` features: one per row (binary), or one per
  // class and row, row-major (multi-class).
  std::vector<float> Predict(const float* features, size_t rows, size_t cols) const;
  // The same through XGBoost's C API: the reference Predict() is tested against.
  std::vector<float> PredictWithXgboost(const float* features, size_t rows, size_t cols) const;
  // Whether Predict() walks the trees itself.
  bool flat() const { return forest_ != nullptr; }

  float threshold() const { return threshold_; }
  const std::vector<std::string>& classes() const { return classes_; }
  const std::vector<float>& class_thresholds() const { return class_thresholds_; }

 private:
  struct Boosters;
  TreeModel() = default;

  std::string bytes_;
  float threshold_ = 0.5F;
  std::vector<std::string> classes_;
  std::vector<float> class_thresholds_;
  std::unique_ptr<Boosters> boosters_;
  std::unique_ptr<FlatForest> forest_;
};

}  // namespace textmill
