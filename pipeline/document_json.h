// The output schema: one JSON object per line (datatrove/Dolma style).
//
//   {"id", "text", "source", "url"?, "lang"?, "lang_score"?, "metadata": {...}}
//
// Keys are always in this order and no wall-clock time is written, so the same
// input and config give byte-identical lines.
#pragma once

#include <string>

#include "pipeline/config.h"
#include "pipeline/document.h"

namespace textmill {

std::string DocumentToJsonLine(const Document& doc);

// The same document in `options.schema`: "textmill" is the line above;
//   dolma:     {"id", "text", "source": options.dataset, "added"?, "created"?,
//               "metadata": {..., "url", "lang", "lang_score", "file_path"}}
//              (allenai/dolma docs/data-format.md; `added` is options.added or
//              the input's, `created` the document's date);
//   datatrove: {"text", "id", "metadata": {..., "url", "language",
//               "language_score", "file_path", "date"}} (what datatrove's
//              JsonlWriter writes for a Document: text, id, metadata).
std::string DocumentToJsonLine(const Document& doc, const OutputOptions& options);

// A rejected document for rejects/: the fields above plus "reject_reason" and
// "rejected_by"; "text" only when `with_text`.
std::string RejectToJsonLine(const Document& doc, bool with_text);

}  // namespace textmill
