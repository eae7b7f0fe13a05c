#include "stages/extract/flat_forest.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "stages/extract/ubjson.h"

namespace textmill {
namespace {

// XGBoost writes its parameters as strings ("5E-1", "7").
const std::string* StringField(const UbjValue* object, std::string_view key) {
  const UbjValue* value = object ? object->Find(key) : nullptr;
  return value && value->type == UbjValue::Type::kString ? &value->string : nullptr;
}

bool ParseFloat(const std::string* text, float& out) {
  if (!text) return false;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), out);
  return error == std::errc() && end == text->data() + text->size();
}

bool ParseSize(const std::string* text, size_t& out) {
  if (!text) return false;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), out);
  return error == std::errc() && end == text->data() + text->size();
}

// XGBoost 1.7's common::Sigmoid, operation for operation.
float Sigmoid(float x) {
  constexpr float kEps = 1e-16F;
  x = std::min(-x, 88.7F);
  const float denom = expf(x) + 1.0F + kEps;
  return 1.0F / denom;
}

// XGBoost 1.7's common::Softmax: the sum in double, each value divided by it
// as a float.
void Softmax(float* begin, float* end) {
  float wmax = *begin;
  for (float* i = begin + 1; i != end; ++i) wmax = fmaxf(*i, wmax);
  double wsum = 0.0;
  for (float* i = begin; i != end; ++i) {
    *i = expf(*i - wmax);
    wsum += *i;
  }
  for (float* i = begin; i != end; ++i) *i /= static_cast<float>(wsum);
}

// XGBoost 1.7 predicts 64 rows per tree at a time (cpu_predictor.cc's
// kBlockOfRowsSize): the order of additions per row is the same whatever the
// block, so the block size is a cache choice only.
constexpr size_t kBlockRows = 64;
// Rows walked side by side: 16 rather than 8 made Predict 12% faster on the
// news pages (more independent loads in flight; 24 and 32 spill registers).
constexpr size_t kLanes = 16;
// Trees up to this depth are also laid out complete (at most 255 splits and
// 256 leaves each); the models we train have depth 6 and 4.
constexpr int kMaxCompleteDepth = 8;

}  // namespace

std::unique_ptr<FlatForest> FlatForest::FromUbjson(std::string_view ubjson, std::string* why_not) {
  const std::optional<UbjValue> document = ParseUbjson(ubjson);
  if (!document) {
    if (why_not) *why_not = "not UBJSON";
    return nullptr;
  }
  return FromModel(*document, why_not);
}

std::unique_ptr<FlatForest> FlatForest::FromModel(const UbjValue& document, std::string* why_not) {
  const auto fail = [why_not](const std::string& why) {
    if (why_not) *why_not = why;
    return nullptr;
  };
  std::unique_ptr<FlatForest> forest(new FlatForest());
  const UbjValue* learner = document.Find("learner");
  if (!learner) return fail("no learner");

  const UbjValue* param = learner->Find("learner_model_param");
  float base = 0;
  size_t classes = 0;
  if (!ParseFloat(StringField(param, "base_score"), base) ||
      !ParseSize(StringField(param, "num_feature"), forest->num_features_) ||
      !ParseSize(StringField(param, "num_class"), classes)) {
    return fail("no learner_model_param");
  }
  const std::string* num_target = StringField(param, "num_target");
  if (num_target && *num_target != "1") return fail("several targets");

  const std::string* objective = StringField(learner->Find("objective"), "name");
  if (!objective) return fail("no objective");
  if (*objective == "binary:logistic" && classes == 0) {
    forest->transform_ = Transform::kSigmoid;
    forest->num_groups_ = 1;
    // RegLossObj<LogisticClassification>::ProbToMargin, in float.
    forest->base_margin_ = -logf(1.0F / base - 1.0F);
  } else if (*objective == "multi:softprob" && classes > 1) {
    forest->transform_ = Transform::kSoftmax;
    forest->num_groups_ = classes;
    forest->base_margin_ = base;  // softmax objectives take the base score as a margin
  } else {
    return fail("objective " + *objective);
  }

  const UbjValue* booster = learner->Find("gradient_booster");
  const std::string* booster_name = StringField(booster, "name");
  if (!booster_name || *booster_name != "gbtree") return fail("not a gbtree booster");
  const UbjValue* model = booster->Find("model");
  const UbjValue* tree_info_value = model ? model->Find("tree_info") : nullptr;
  std::vector<int64_t> tree_info;
  if (!tree_info_value || !tree_info_value->Integers(tree_info)) return fail("no tree_info");
  const UbjValue* trees = model->Find("trees");
  if (!trees || trees->type != UbjValue::Type::kArray) return fail("no trees");
  int max_forest_depth = 0;
  std::vector<int64_t> left, right, split_index, default_left, split_type;
  for (const UbjValue& tree : trees->items) {
    const UbjValue* conditions = tree.Find("split_conditions");
    const UbjValue* lefts = tree.Find("left_children");
    const UbjValue* rights = tree.Find("right_children");
    const UbjValue* indices = tree.Find("split_indices");
    const UbjValue* defaults = tree.Find("default_left");
    const UbjValue* types = tree.Find("split_type");
    if (!conditions || !lefts || !rights || !indices || !defaults || !types || !lefts->Integers(left) ||
        !rights->Integers(right) || !indices->Integers(split_index) || !defaults->Integers(default_left) ||
        !types->Integers(split_type)) {
      return fail("a tree lacks its node arrays");
    }
    const std::vector<float>& split_condition = conditions->floats;
    const size_t n = left.size();
    if (n == 0 || right.size() != n || split_index.size() != n || default_left.size() != n ||
        split_condition.size() != n || split_type.size() != n) {
      return fail("a tree's node arrays differ in length");
    }
    const uint32_t root = static_cast<uint32_t>(forest->nodes_.size());
    std::vector<int> depth(n, 0);
    std::vector<uint8_t> has_parent(n, 0);
    int max_depth = 0;
    for (size_t k = 0; k < n; ++k) {
      Node node{};
      node.value = split_condition[k];  // a leaf's value is kept here too
      if (left[k] < 0) {
        node.left = node.right = static_cast<int32_t>(k);  // a leaf leads to itself
        node.feature = 0;
      } else {
        if (split_type[k] != 0) return fail("categorical splits");
        if (left[k] >= static_cast<int64_t>(n) || right[k] < 0 || right[k] >= static_cast<int64_t>(n) ||
            split_index[k] < 0 || static_cast<size_t>(split_index[k]) >= forest->num_features_) {
          return fail("a node points outside its tree");
        }
        // XGBoost numbers a child after its parent; the depths below rely on it.
        if (left[k] <= static_cast<int64_t>(k) || right[k] <= static_cast<int64_t>(k)) {
          return fail("a child is numbered before its parent");
        }
        // A tree: one parent a node. A node two splits lead to would get the
        // depth of the later one, and the complete-tree walk (by depth)
        // would stop short of it where XGBoost's does not.
        const auto l = static_cast<size_t>(left[k]), r = static_cast<size_t>(right[k]);
        if (l == r || has_parent[l] || has_parent[r]) return fail("a node has two parents");
        has_parent[l] = has_parent[r] = 1;
        node.left = static_cast<int32_t>(left[k]);
        node.right = static_cast<int32_t>(right[k]);
        node.feature = static_cast<uint32_t>(split_index[k]);
        node.default_left = default_left[k] != 0;
        depth[static_cast<size_t>(left[k])] = depth[static_cast<size_t>(right[k])] = depth[k] + 1;
        max_depth = std::max(max_depth, depth[k] + 1);
      }
      forest->nodes_.push_back(node);
    }
    forest->tree_root_.push_back(root);
    forest->tree_depth_.push_back(max_depth);
    max_forest_depth = std::max(max_forest_depth, max_depth);
  }
  if (tree_info.size() != forest->tree_root_.size()) return fail("tree_info does not match the trees");
  for (const int64_t group : tree_info) {
    if (group < 0 || static_cast<size_t>(group) >= forest->num_groups_) return fail("a tree's group is out of range");
    forest->tree_group_.push_back(static_cast<uint32_t>(group));
  }
  if (max_forest_depth <= kMaxCompleteDepth) {
    for (size_t t = 0; t < forest->tree_root_.size(); ++t) forest->AddCompleteTree(t);
  }
  return forest;
}

void FlatForest::AddCompleteTree(size_t t) {
  const Node* tree = nodes_.data() + tree_root_[t];
  const int depth = tree_depth_[t];
  split_start_.push_back(static_cast<uint32_t>(splits_.size()));
  leaf_start_.push_back(static_cast<uint32_t>(leaves_.size()));
  const size_t first_split = splits_.size();
  const size_t first_leaf = leaves_.size();
  const size_t num_splits = (size_t{1} << depth) - 1;
  splits_.resize(first_split + num_splits);
  leaves_.resize(first_leaf + num_splits + 1);
  // (position in the complete tree, node of ours, level). A leaf above the
  // last level becomes splits on feature 0 at +infinity whose leaves all hold
  // its value: whichever way a value goes, it ends at that value.
  struct Place {
    size_t at;
    int32_t node;
    int level;
  };
  std::vector<Place> stack = {{0, 0, 0}};
  while (!stack.empty()) {
    const Place place = stack.back();
    stack.pop_back();
    const Node& node = tree[place.node];
    if (place.level == depth) {
      leaves_[first_leaf + place.at - num_splits] = node.value;
      continue;
    }
    const bool leaf = node.left == place.node;
    splits_[first_split + place.at] =
        leaf ? Split{0, std::numeric_limits<float>::infinity()} : Split{node.feature, node.value};
    stack.push_back({2 * place.at + 1, leaf ? place.node : node.left, place.level + 1});
    stack.push_back({2 * place.at + 2, leaf ? place.node : node.right, place.level + 1});
  }
}

void FlatForest::AddMargins(const float* features, size_t rows, float* out) const {
  const size_t width = num_features_;
  const size_t groups = num_groups_;
  // Whether any value is missing (NaN): XGBoost sends it to the node's default
  // side. The features are never NaN in practice; the fast walk assumes so.
  int missing = 0;  // an int, not a bool in memory: the scan vectorizes
  for (size_t k = 0; k < rows * width; ++k) missing |= features[k] != features[k];
  const bool any_missing = missing != 0;
  for (size_t start = 0; start < rows; start += kBlockRows) {
    const size_t end = std::min(rows, start + kBlockRows);
    for (size_t t = 0; t < tree_root_.size(); ++t) {
      const Node* tree = nodes_.data() + tree_root_[t];
      const size_t group = tree_group_[t];
      size_t r = start;
      if (!any_missing && !splits_.empty()) {
        // kLanes rows walk the complete tree side by side, a level at a
        // time: the walks are independent chains of loads the CPU overlaps,
        // where one row's walk waits on each load. A node's children are at
        // 2i+1 and 2i+2, so a step is a load, a compare and an add. A row
        // still adds the trees in tree order.
        const Split* splits = splits_.data() + split_start_[t];
        const int depth = tree_depth_[t];
        const float* leaves = leaves_.data() + leaf_start_[t];
        const uint32_t first_leaf = (uint32_t{1} << depth) - 1;
        for (; r + kLanes <= end; r += kLanes) {
          uint32_t id[kLanes] = {};
          for (int level = 0; level < depth; ++level) {
            for (size_t j = 0; j < kLanes; ++j) {
              const Split& split = splits[id[j]];
              id[j] = 2 * id[j] + 1 + !(features[(r + j) * width + split.feature] < split.threshold);
            }
          }
          for (size_t j = 0; j < kLanes; ++j) out[(r + j) * groups + group] += leaves[id[j] - first_leaf];
        }
        // The last rows (and a page-type row alone) walk the same way.
        for (; r < end; ++r) {
          const float* row = features + r * width;
          uint32_t id = 0;
          for (int level = 0; level < depth; ++level) id = 2 * id + 1 + !(row[splits[id].feature] < splits[id].threshold);
          out[r * groups + group] += leaves[id - first_leaf];
        }
      }
      for (; r < end; ++r) {
        const float* row = features + r * width;
        int32_t id = 0;
        while (tree[id].left != id) {
          const Node& node = tree[id];
          const float v = row[node.feature];
          if (std::isnan(v)) {
            id = node.default_left ? node.left : node.right;
          } else {
            id = v < node.value ? node.left : node.right;
          }
        }
        out[r * groups + group] += tree[id].value;
      }
    }
  }
}

void FlatForest::Predict(const float* features, size_t rows, float* out) const {
  std::fill(out, out + rows * num_groups_, base_margin_);
  AddMargins(features, rows, out);
  if (transform_ == Transform::kSigmoid) {
    for (size_t k = 0; k < rows * num_groups_; ++k) out[k] = Sigmoid(out[k]);
  } else {
    for (size_t r = 0; r < rows; ++r) Softmax(out + r * num_groups_, out + (r + 1) * num_groups_);
  }
}

}  // namespace textmill
