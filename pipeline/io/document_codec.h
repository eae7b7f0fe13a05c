// The one Document <-> JSON codec, one JSON object per line:
//
//  - output lines (the writer): EncodeOutput in the configured schema, and
//    EncodeReject for rejects/;
//  - spool lines (the passes of a global stage): EncodeSpooled/DecodeSpooled,
//    lossless for every field a document has after ingest (see below);
//  - input records (the JSONL reader): JsonlRecordParser, with configurable
//    field names.
//
// Output keys are always in the same order and no wall-clock time is written,
// so the same input and config give byte-identical lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "pipeline/config.h"
#include "pipeline/document.h"

namespace textmill {

// The output schema "textmill" (datatrove/Dolma style):
//   {"id", "text", "source", "url"?, "lang"?, "lang_score"?, "metadata": {...}}
// (the date in metadata.date, lang_score rounded to 4 decimals); the other
// `options.schema`s:
//   dolma:     {"id", "text", "source": options.dataset, "added"?, "created"?,
//               "metadata": {..., "url", "lang", "lang_score", "file_path"}}
//              (allenai/dolma docs/data-format.md; `added` is options.added or
//              the input's, `created` the document's date);
//   datatrove: {"text", "id", "metadata": {..., "url", "language",
//               "language_score", "file_path", "date"}} (what datatrove's
//              JsonlWriter writes for a Document: text, id, metadata).
std::string EncodeOutput(const Document& doc, const OutputOptions& options);

// A rejected document for rejects/: the textmill line plus "reject_reason"
// and "rejected_by"; "text" only when `with_text`.
std::string EncodeReject(const Document& doc, bool with_text);

// A spool line keeps every field exactly: id, source, input_path, url, date,
// text, lang, lang_score, metadata, input_order, and the reject state of a
// rejected document (phased runs spool rejects for the final report). Not
// kept: raw and what describes it (raw_compression, declared_charset, kind),
// which ingest and extraction consume before any global stage, and
// spool_position, which DecodeSpooled's caller numbers.
std::string EncodeSpooled(const Document& doc);
// Throws (nlohmann::json::exception) on a line EncodeSpooled did not write.
void DecodeSpooled(std::string_view line, Document& doc);

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
