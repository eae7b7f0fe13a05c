#include "stages/extract/tree_model.h"

#include <tbb/enumerable_thread_specific.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <cinttypes>
#include <cstdio>
#include <iterator>
#include <limits>
#include <optional>
#include <stdexcept>

#include "pipeline/errors.h"
#include "stages/extract/ubjson.h"

namespace textmill {
namespace {

// A booster from the model file's bytes (XGBoost's UBJSON or JSON format).
BoosterHandle LoadBooster(const std::string& bytes, const std::string& path) {
  BoosterHandle handle = nullptr;
  if (XGBoosterCreate(nullptr, 0, &handle) != 0) throw ConfigError(path + ": " + XGBGetLastError());
  // One thread before loading too: OpenMP threads XGBoost starts while
  // loading spin after their work, on the CPU the other documents need.
  if (XGBoosterSetParam(handle, "nthread", "1") != 0 ||
      XGBoosterLoadModelFromBuffer(handle, bytes.data(), bytes.size()) != 0 ||
      XGBoosterSetParam(handle, "nthread", "1") != 0) {
    const std::string error = XGBGetLastError();
    XGBoosterFree(handle);
    throw ConfigError(path + ": not a valid XGBoost model (" + error.substr(0, 200) +
                      "); it ships in the repository's models/ folder, or make one with "
                      "scripts/train_extraction_model.py");
  }
  return handle;
}

std::string Attribute(BoosterHandle handle, const char* key) {
  const char* value = nullptr;
  int found = 0;
  if (XGBoosterGetAttr(handle, key, &value, &found) != 0 || !found || !value) return {};
  return value;
}

std::string Joined(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ",") + name;
  return joined;
}

// A string attribute of the model ("threshold", "classes"...), as XGBoost's
// XGBoosterGetAttr gives it: empty when absent.
std::string StringAttribute(const UbjValue& attributes, std::string_view key) {
  const UbjValue* value = attributes.Find(key);
  return value && value->type == UbjValue::Type::kString ? value->string : std::string();
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (!text.empty() && start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

}  // namespace

struct TreeModel::Boosters {
  std::string path;
  tbb::enumerable_thread_specific<BoosterHandle> per_thread{nullptr};
  ~Boosters() {
    for (BoosterHandle handle : per_thread) {
      if (handle) XGBoosterFree(handle);
    }
  }
};

TreeModel::~TreeModel() = default;

std::unique_ptr<TreeModel> TreeModel::Load(const std::string& path, const std::vector<std::string>& feature_names) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw ConfigError(path + ": extraction model not found; it ships in the repository's models/ folder "
                             "(stages.extract.model and page_type_model name the files; none turns one off)");
  }
  std::unique_ptr<TreeModel> model(new TreeModel());
  model->boosters_ = std::make_unique<Boosters>();
  model->boosters_->path = path;
  std::ifstream in(path, std::ios::binary);
  model->bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  // XGBoost reads JSON when the first bytes are '{' + '"', UBJSON when '{' + a
  // letter, and its old binary format otherwise, which it cannot validate.
  if (model->bytes_.size() < 2 || model->bytes_[0] != '{') {
    throw ConfigError(path + ": not an XGBoost JSON or UBJSON model; it ships in the repository's models/ "
                             "folder, or make one with scripts/train_extraction_model.py");
  }
  // A UBJSON model FlatForest reproduces is read here, attributes and trees,
  // and XGBoost never loads it (its load was 30 ms of every run's start);
  // anything else XGBoost loads now, so a bad file is a config error before
  // any work.
  std::string names, threshold, classes, thresholds;
  std::optional<UbjValue> document;
  if (model->bytes_[1] != '"') document = ParseUbjson(model->bytes_);
  const UbjValue* learner = document ? document->Find("learner") : nullptr;
  const UbjValue* attributes = learner ? learner->Find("attributes") : nullptr;
  if (attributes) model->forest_ = FlatForest::FromModel(*document, nullptr);
  const size_t outputs = [&] {
    const std::string listed = attributes ? StringAttribute(*attributes, "classes") : "";
    return listed.empty() ? size_t{1} : SplitCommas(listed).size();
  }();
  if (model->forest_ && model->forest_->num_features() == feature_names.size() &&
      model->forest_->num_outputs() == outputs) {
    names = StringAttribute(*attributes, "feature_names");
    threshold = StringAttribute(*attributes, "threshold");
    classes = StringAttribute(*attributes, "classes");
    thresholds = StringAttribute(*attributes, "thresholds");
  } else {
    model->forest_.reset();
    BoosterHandle handle = LoadBooster(model->bytes_, path);
    model->boosters_->per_thread.local() = handle;
    names = Attribute(handle, "feature_names");
    threshold = Attribute(handle, "threshold");
    classes = Attribute(handle, "classes");
    thresholds = Attribute(handle, "thresholds");
    // The trees for our own walk from XGBoost's UBJSON form of a JSON model;
    // a model FlatForest does not reproduce is predicted by XGBoost.
    bst_ulong size = 0;
    const char* ubjson = nullptr;
    if (model->bytes_[1] == '"' &&
        XGBoosterSaveModelToBuffer(handle, R"({"format": "ubj"})", &size, &ubjson) == 0) {
      std::unique_ptr<FlatForest> forest = FlatForest::FromUbjson(std::string_view(ubjson, size), nullptr);
      const size_t classes_listed = classes.empty() ? 1 : SplitCommas(classes).size();
      if (forest && forest->num_features() == feature_names.size() && forest->num_outputs() == classes_listed) {
        model->forest_ = std::move(forest);
      }
    }
  }
  if (names != Joined(feature_names)) {
    throw ConfigError(path + ": the model was trained on other features than this textmill computes; "
                             "retrain it with scripts/train_extraction_model.py");
  }
  try {
    if (!threshold.empty()) model->threshold_ = std::stof(threshold);
    model->classes_ = SplitCommas(classes);
    for (const std::string& value : SplitCommas(thresholds)) {
      model->class_thresholds_.push_back(std::stof(value));
    }
  } catch (const std::logic_error&) {  // std::stof: not a number
    throw ConfigError(path + ": a threshold in the model is not a number; retrain it");
  }
  if (model->class_thresholds_.size() != model->classes_.size()) {
    throw ConfigError(path + ": the model has " + std::to_string(model->classes_.size()) + " classes but " +
                      std::to_string(model->class_thresholds_.size()) + " thresholds; retrain it");
  }
  return model;
}

std::vector<float> TreeModel::Predict(const float* features, size_t rows, size_t cols) const {
  if (!forest_ || cols != forest_->num_features()) return PredictWithXgboost(features, rows, cols);
  std::vector<float> out(rows * forest_->num_outputs());
  if (rows > 0) forest_->Predict(features, rows, out.data());
  return out;
}

std::vector<float> TreeModel::PredictWithXgboost(const float* features, size_t rows, size_t cols) const {
  const size_t outputs = classes_.empty() ? 1 : classes_.size();
  std::vector<float> out(rows * outputs, 0.0F);
  if (rows == 0) return out;
  BoosterHandle& handle = boosters_->per_thread.local();
  if (!handle) handle = LoadBooster(bytes_, boosters_->path);
  // In-place prediction from our row-major floats: no DMatrix copy of them.
  char array[160];
  std::snprintf(array, sizeof array,
                R"({"data": [%ju, true], "shape": [%zu, %zu], "typestr": "<f4", "version": 3})",
                static_cast<uintmax_t>(reinterpret_cast<uintptr_t>(features)), rows, cols);
  static const char* kConfig =
      R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false, )"
      R"("missing": NaN, "cache_id": 0})";
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* result = nullptr;
  if (XGBoosterPredictFromDense(handle, array, kConfig, nullptr, &shape, &dims, &result) != 0) {
    throw RuntimeError(std::string("model prediction failed: ") + XGBGetLastError());
  }
  size_t values = 1;
  for (bst_ulong d = 0; d < dims; ++d) values *= static_cast<size_t>(shape[d]);
  if (values != out.size()) {
    throw RuntimeError("extraction model gave " + std::to_string(values) + " scores for " + std::to_string(rows) +
                       " rows of " + std::to_string(outputs) + " classes");
  }
  std::copy(result, result + values, out.begin());
  return out;
}

}  // namespace textmill
