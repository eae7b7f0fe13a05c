// OptionReader: reads one YAML map of options with strict checking.
//
// Every option struct is filled by one function that calls Get() per key and
// Finish() at the end; Finish() rejects keys nobody asked for. Every error names
// the YAML path and line, e.g. "stages[1].normalize.form (line 12): ...".
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "pipeline/errors.h"

namespace textmill {

class OptionReader {
 public:
  // `node` must be a map or null (null means "all defaults").
  OptionReader(const YAML::Node& node, std::string path);

  const std::string& path() const { return path_; }

  // Reads `key` into `out` if present; leaves the default otherwise.
  void Get(const std::string& key, bool& out);
  void Get(const std::string& key, std::string& out);
  void Get(const std::string& key, std::vector<std::string>& out);
  void Get(const std::string& key, int64_t& out, int64_t min, int64_t max);
  void Get(const std::string& key, int& out, int min, int max);
  void Get(const std::string& key, double& out, double min, double max);
  // A map of string keys to numbers in [min, max].
  void Get(const std::string& key, std::map<std::string, double>& out, double min, double max);
  // A string that must be one of `allowed`.
  void GetEnum(const std::string& key, std::string& out, const std::vector<std::string>& allowed);
  // The child map under `key` (null if absent), marked as used.
  OptionReader Child(const std::string& key);

  // The raw node under `key` (null if absent), marked as used.
  YAML::Node Raw(const std::string& key) { return Take(key); }

  // Throws ConfigError for the first key that no Get() asked for.
  void Finish() const;

  // "path.key (line N)" for messages about a key of this map.
  std::string Where(const std::string& key) const;
  [[noreturn]] void Fail(const std::string& key, const std::string& message) const;

 private:
  YAML::Node Take(const std::string& key);

  YAML::Node node_;
  std::string path_;
  std::set<std::string> used_;
};

// "line N" of a node, 1-based, or "" when the node has no position (--set).
std::string LineOf(const YAML::Node& node);

}  // namespace textmill
