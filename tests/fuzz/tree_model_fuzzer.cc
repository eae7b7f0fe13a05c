// Fuzzes the model reader (ubjson.h) and the tree walk built from it
// (flat_forest.h): a model file is read from models_dir, which a user may
// fill with anything. Any bytes: no crash, no read out of bounds, and a
// forest that is built walks its trees for any features.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stages/extract/flat_forest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string why_not;
  const std::unique_ptr<textmill::FlatForest> forest = textmill::FlatForest::FromUbjson(bytes, &why_not);
  // A model that claims millions of features is read, not walked: the rows
  // would be this harness's memory, not the reader's.
  if (!forest || forest->num_features() > 100000 || forest->num_outputs() > 1000) return 0;
  constexpr size_t kRows = 3;
  std::vector<float> features(forest->num_features() * kRows);
  for (size_t i = 0; i < features.size(); ++i) features[i] = static_cast<float>(i % 7) - 3.0F;
  std::vector<float> out(kRows * forest->num_outputs());
  forest->Predict(features.data(), kRows, out.data());
  return 0;
}
