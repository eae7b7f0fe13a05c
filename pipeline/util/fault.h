// Fault injection for the crash-safety tests: TEXTMILL_FAULT=<point> ends the
// process at that point as kill -9 would (no destructors, no flushing).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace textmill {

inline void MaybeCrash(const char* point) {
  static const std::string fault = std::getenv("TEXTMILL_FAULT") ? std::getenv("TEXTMILL_FAULT") : "";
  if (!fault.empty() && fault == point) std::_Exit(137);
}

// TEXTMILL_FAULT=<point> also pauses 3 s at a pause point (a run that holds
// the state lock for a while, for the lock tests).
inline void MaybePause(const char* point) {
  static const std::string fault = std::getenv("TEXTMILL_FAULT") ? std::getenv("TEXTMILL_FAULT") : "";
  if (!fault.empty() && fault == point) ::sleep(3);
}

}  // namespace textmill
