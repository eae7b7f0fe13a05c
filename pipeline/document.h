// Document: the unit that flows through the pipeline.
//
// Lifetime: a Document is created by a reader, owned by its Batch, mutated by
// one stage at a time (stages never share a document across threads), and
// consumed by the writer. After ingest `text` (and `raw` for HTML) is valid UTF-8.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace textmill {

using Json = nlohmann::ordered_json;  // ordered: output key order is deterministic

enum class ContentKind : uint8_t { kText, kHtml };

enum class Compression : uint8_t { kNone, kGzip, kZstd };

struct Document {
  std::string id;      // stable: the record's own id, else a hash of `source`
  std::string source;  // input path relative to its root, plus ":line" for JSONL
  std::string input_path;  // the file as opened, for the report's unreadable list
  std::string url;     // when known
  std::string date;    // publication or crawl date when the input gives one
  ContentKind kind = ContentKind::kText;

  // Bytes as read. Before ingest they may be compressed (see `raw_compression`)
  // and in any charset; after ingest they are UTF-8. Extraction turns HTML in
  // `raw` into `text`; for text inputs ingest moves `raw` into `text`.
  std::string raw;
  Compression raw_compression = Compression::kNone;
  std::string declared_charset;  // from HTTP headers or the reader, if any

  std::string text;
  std::string lang;          // empty until tagged
  double lang_score = -1.0;  // < 0 until tagged
  Json metadata = Json::object();

  // Reject state: set through Reject(); `rejected_by` is filled in by the runner
  // with the name of the stage (or "ingest"/"reader") that rejected it.
  std::string reject_reason;
  std::string rejected_by;
  // True when the reject means the input itself could not be read (corrupt
  // compression, I/O error): such inputs are listed in the report and make the
  // run exit 3.
  bool input_unreadable = false;

  // Position in input order among the documents that reached a global stage
  // (see GlobalStage); set when the runner reads its spool.
  uint64_t spool_position = 0;
  // Position in the whole job's input order, whatever the shard: the input
  // file's index in the sorted listing (high 32 bits) and the record's index
  // in that file. Phased runs (`textmill phase`) order documents by it.
  uint64_t input_order = 0;

  bool rejected() const { return !reject_reason.empty(); }
  void Reject(std::string_view reason) {
    if (reject_reason.empty()) reject_reason = reason;
  }
};

}  // namespace textmill
