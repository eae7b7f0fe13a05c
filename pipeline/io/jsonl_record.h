// One JSONL record -> Document, with configurable field names. Fields that are
// not id/url/date/text/html are carried into `metadata` unchanged.
//
// Uses simdjson's DOM parser, whose kernels are picked at run time (AVX2,
// SSE4.2...); the On-Demand API would be fixed to the fallback kernel by
// Debian's generic build flags.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "pipeline/config.h"
#include "pipeline/document.h"

namespace textmill {

class JsonlRecordParser {
 public:
  explicit JsonlRecordParser(const JsonlFields& fields) : fields_(fields) {}

  // Fills `doc` from `line`. On malformed JSON or a record without text/html,
  // returns false and sets `error`; `doc` is then left partly filled. A line
  // that is JSON but for lone surrogate escapes or raw control characters is
  // repaired (RepairJsonLine) and read; `repairs` (if given) counts them.
  bool Parse(std::string_view line, Document& doc, std::string& error, int64_t* repairs = nullptr);

 private:
  JsonlFields fields_;
  simdjson::dom::parser parser_;
  std::string repaired_;  // scratch for RepairJsonLine
};

// Copies `line` to `out` with lone UTF-16 surrogate escapes ("\ud800") and raw
// NUL bytes inside strings replaced by "\ufffd", and other raw control
// characters escaped; returns how many were replaced.
int64_t RepairJsonLine(std::string_view line, std::string& out);

}  // namespace textmill
