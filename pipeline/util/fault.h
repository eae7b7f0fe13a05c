// Fault injection for the crash-safety tests: TEXTMILL_FAULT=<point> ends the
// process at that point as kill -9 would (no destructors, no flushing).
#pragma once

#include <cstdlib>
#include <string>

namespace textmill {

inline void MaybeCrash(const char* point) {
  static const std::string fault = std::getenv("TEXTMILL_FAULT") ? std::getenv("TEXTMILL_FAULT") : "";
  if (!fault.empty() && fault == point) std::_Exit(137);
}

}  // namespace textmill
