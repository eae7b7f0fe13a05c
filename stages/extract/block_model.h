// BlockModel: the learned block classifier (XGBoost, gradient-boosted trees)
// that scores each block of a page as main content or not.
//
// The model file is XGBoost's UBJSON (or JSON) format written by
// scripts/train_extraction_model.py; its attribute "feature_names" must equal
// FeatureNames() (block_features.h), so a model trained on other features is
// refused instead of silently misread. Load() throws ConfigError naming the
// path (missing, unreadable, corrupt, or other features).
//
// Thread-safe: Predict() may be called from many threads; each thread gets
// its own booster (XGBoost's prediction buffers are per booster), made from
// the file's bytes read once (UBJSON loads in about 6 ms, JSON in 32), with one
// internal thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace textmill {

class BlockModel {
 public:
  static std::unique_ptr<BlockModel> Load(const std::string& path);
  ~BlockModel();

  // Probability of main content for each of `rows` rows of `cols` features.
  std::vector<float> Predict(const float* features, size_t rows, size_t cols) const;

  // Decision threshold stored with the model (attribute "threshold").
  float threshold() const { return threshold_; }

 private:
  struct Boosters;
  BlockModel() = default;

  std::string bytes_;
  float threshold_ = 0.5F;
  std::unique_ptr<Boosters> boosters_;
};

}  // namespace textmill
