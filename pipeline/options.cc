#include "pipeline/options.h"

#include <cmath>

namespace textmill {

std::string LineOf(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return "";
  return "line " + std::to_string(mark.line + 1);
}

OptionReader::OptionReader(const YAML::Node& node, std::string path)
    : node_(node), path_(std::move(path)) {
  if (node_ && !node_.IsNull() && !node_.IsMap()) {
    std::string where = path_;
    const std::string line = LineOf(node_);
    if (!line.empty()) where += " (" + line + ")";
    throw ConfigError(where + ": expected a map of options");
  }
}

std::string OptionReader::Where(const std::string& key) const {
  std::string where = path_.empty() ? key : path_ + "." + key;
  if (node_ && node_.IsMap()) {
    const YAML::Node child = node_[key];
    const std::string line = child ? LineOf(child) : LineOf(node_);
    if (!line.empty()) where += " (" + line + ")";
  }
  return where;
}

void OptionReader::Fail(const std::string& key, const std::string& message) const {
  throw ConfigError(Where(key) + ": " + message);
}

YAML::Node OptionReader::Take(const std::string& key) {
  used_.insert(key);
  // An absent key is an undefined node (false in a test), unlike an explicit null.
  if (!node_ || !node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node& map = node_;  // const lookup: never inserts the key
  return map[key];
}

void OptionReader::Get(const std::string& key, bool& out) {
  const YAML::Node v = Take(key);
  if (!v || v.IsNull()) return;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out)) Fail(key, "expected true or false");
}

void OptionReader::Get(const std::string& key, std::string& out) {
  const YAML::Node v = Take(key);
  if (!v) return;
  if (v.IsNull()) {  // "key:" with nothing after it: explicitly empty
    out.clear();
    return;
  }
  if (!v.IsScalar()) Fail(key, "expected a string");
  out = v.Scalar();
}

void OptionReader::Get(const std::string& key, std::vector<std::string>& out) {
  const YAML::Node v = Take(key);
  if (!v || v.IsNull()) return;
  if (v.IsScalar()) {  // a single value is a list of one
    out = {v.Scalar()};
    return;
  }
  if (!v.IsSequence()) Fail(key, "expected a list of strings");
  out.clear();
  for (const YAML::Node& item : v) {
    if (!item.IsScalar()) Fail(key, "expected a list of strings");
    out.push_back(item.Scalar());
  }
}

void OptionReader::Get(const std::string& key, int64_t& out, int64_t min, int64_t max) {
  const YAML::Node v = Take(key);
  if (!v || v.IsNull()) return;
  int64_t value = 0;
  if (!v.IsScalar() || !YAML::convert<int64_t>::decode(v, value)) Fail(key, "expected an integer");
  if (value < min || value > max) {
    Fail(key, "value " + std::to_string(value) + " is out of range [" + std::to_string(min) + ", " +
                  std::to_string(max) + "]");
  }
  out = value;
}

void OptionReader::Get(const std::string& key, int& out, int min, int max) {
  int64_t value = out;
  Get(key, value, min, max);
  out = static_cast<int>(value);
}

void OptionReader::Get(const std::string& key, double& out, double min, double max) {
  const YAML::Node v = Take(key);
  if (!v || v.IsNull()) return;
  double value = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, value) || std::isnan(value)) {
    Fail(key, "expected a number");
  }
  if (value < min || value > max) {
    Fail(key, "value " + v.Scalar() + " is out of range [" + std::to_string(min) + ", " +
                  std::to_string(max) + "]");
  }
  out = value;
}

void OptionReader::Get(const std::string& key, std::map<std::string, double>& out, double min, double max) {
  const YAML::Node v = Take(key);
  if (!v || v.IsNull()) return;
  if (!v.IsMap()) Fail(key, "expected a map of names to numbers");
  out.clear();
  for (const auto& item : v) {
    double value = 0;
    const std::string name = item.first.Scalar();
    if (!item.second.IsScalar() || !YAML::convert<double>::decode(item.second, value) || value < min ||
        value > max) {
      Fail(key, "value for '" + name + "' must be a number in [" + std::to_string(min) + ", " +
                    std::to_string(max) + "]");
    }
    out[name] = value;
  }
}

void OptionReader::GetEnum(const std::string& key, std::string& out,
                           const std::vector<std::string>& allowed) {
  std::string value = out;
  Get(key, value);
  for (const std::string& a : allowed) {
    if (a == value) {
      out = value;
      return;
    }
  }
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
  Fail(key, "'" + value + "' is not one of: " + list);
}

OptionReader OptionReader::Child(const std::string& key) {
  const YAML::Node v = Take(key);
  return OptionReader(v, path_.empty() ? key : path_ + "." + key);
}

void OptionReader::Finish() const {
  if (!node_ || !node_.IsMap()) return;
  for (const auto& item : node_) {
    const std::string key = item.first.Scalar();
    if (!used_.count(key)) {
      std::string where = path_.empty() ? key : path_ + "." + key;
      const std::string line = LineOf(item.first);
      if (!line.empty()) where += " (" + line + ")";
      throw ConfigError(where + ": unknown key");
    }
  }
}

}  // namespace textmill
