// Counters: named per-thread counters merged on demand, so hot paths never
// contend on a shared atomic or lock.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <tbb/enumerable_thread_specific.h>

#include "pipeline/document.h"

namespace textmill {

class Counters {
 public:
  void Add(const std::string& name, int64_t n = 1) { local_.local()[name] += n; }

  // The merged counters as a JSON object, for Stage::Stats().
  Json ToJson() const {
    Json out = Json::object();
    for (const auto& [name, n] : Merged()) out[name] = n;
    return out;
  }

  // Sum over threads, sorted by name. Call when no thread is adding.
  std::map<std::string, int64_t> Merged() const {
    std::map<std::string, int64_t> total;
    for (const auto& part : local_) {
      for (const auto& [name, n] : part) total[name] += n;
    }
    return total;
  }

 private:
  tbb::enumerable_thread_specific<std::map<std::string, int64_t>> local_;
};

}  // namespace textmill
