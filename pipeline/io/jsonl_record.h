// One JSONL record -> Document, with configurable field names (a dotted name,
// "metadata.url", names a member of a nested object). Fields that are not
// id/url/date/text/html are carried into `metadata` unchanged; the members of
// a `metadata` object (Dolma, datatrove) are merged into it.
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
  // Warns about configured id/url/date fields that no record had.
  ~JsonlRecordParser();
  JsonlRecordParser(const JsonlRecordParser&) = delete;
  JsonlRecordParser& operator=(const JsonlRecordParser&) = delete;

  // Fills `doc` from `line`. On malformed JSON or a record without text/html,
  // returns false and sets `error`; `doc` is then left partly filled. A line
  // that is JSON but for lone surrogate escapes or raw control characters is
  // repaired (RepairJsonLine) and read; `repairs` (if given) counts them.
  bool Parse(std::string_view line, Document& doc, std::string& error, int64_t* repairs = nullptr);

 private:
  JsonlFields fields_;
  simdjson::dom::parser parser_;
  std::string repaired_;  // scratch for RepairJsonLine
  int64_t records_ = 0, with_id_ = 0, with_url_ = 0, with_date_ = 0;  // records read, and with each field
};

// Copies `line` to `out` with lone UTF-16 surrogate escapes ("\ud800") and raw
// NUL bytes inside strings replaced by "\ufffd", and other raw control
// characters escaped; returns how many were replaced.
int64_t RepairJsonLine(std::string_view line, std::string& out);

}  // namespace textmill
