// The output schema: one JSON object per line (datatrove/Dolma style).
//
//   {"id", "text", "source", "url"?, "lang"?, "lang_score"?, "metadata": {...}}
//
// Keys are always in this order and no wall-clock time is written, so the same
// input and config give byte-identical lines.
#pragma once

#include <string>

#include "pipeline/document.h"

namespace textmill {

std::string DocumentToJsonLine(const Document& doc);

// A rejected document for rejects/: the fields above plus "reject_reason" and
// "rejected_by"; "text" only when `with_text`.
std::string RejectToJsonLine(const Document& doc, bool with_text);

}  // namespace textmill
