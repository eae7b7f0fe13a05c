// A reader of UBJSON (Universal Binary JSON) as XGBoost writes its .ubj
// models: objects with length-prefixed keys, strings, integers, float32
// numbers, plain arrays, and typed arrays ("[$d#L<count>" + big-endian
// values), which hold the trees. FlatForest reads the trees from it: binary
// floats come out exactly (no decimal round trip), and nothing is asked of
// XGBoost's JSON writer, which took 40 ms of every run's start.
//
// Bad input (truncated, unknown markers, nesting deeper than 64) is nullopt,
// never an exception or a read out of bounds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textmill {

struct UbjValue {
  enum class Type { kNull, kBool, kInt, kFloat, kString, kArray, kObject };
  Type type = Type::kNull;
  int64_t integer = 0;  // kInt, kBool (0 or 1)
  double number = 0;    // kFloat (a float32 'd' is exact in it)
  std::string string;   // kString
  // kArray: the values of a plain array in `items`, of a typed array of
  // floats in `floats`, of a typed array of integers in `ints`.
  std::vector<UbjValue> items;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  // kObject: its keys and values, in order. Two vectors, not one of pairs: a
  // std::pair of the type being defined is ill-formed (clang refuses it).
  std::vector<std::string> keys;
  std::vector<UbjValue> values;

  // The field named `key` of an object, else null.
  const UbjValue* Find(std::string_view key) const;
  // An array's integers, typed or plain; false if any is not an integer.
  bool Integers(std::vector<int64_t>& out) const;
};

std::optional<UbjValue> ParseUbjson(std::string_view bytes);

}  // namespace textmill
