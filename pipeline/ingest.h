// Ingest: the core's first stage of every run (the runner puts it first; it is
// not in the registry, and no config names it). Decompresses per-file inputs,
// rejects what is not text, converts the charset to UTF-8 (see io/charset.h)
// and decides HTML vs text by a content sniff.
//
// Reads: raw, raw_compression, declared_charset, kind.
// Writes: raw (UTF-8 HTML) or text (UTF-8 text), kind, metadata.charset (when
// not UTF-8).
// Rejects: corrupt_input (unreadable input), too_large, empty, binary.
#pragma once

#include <cstdint>

#include "pipeline/counters.h"
#include "pipeline/stage.h"

namespace textmill {

class IngestStage : public Stage {
 public:
  explicit IngestStage(int64_t max_document_bytes) : max_document_bytes_(max_document_bytes) {}
  std::string_view Name() const override { return "ingest"; }
  void ProcessDoc(Document& doc) override;
  Json Stats() const override;

 private:
  int64_t max_document_bytes_;
  mutable Counters counters_;
};

}  // namespace textmill
