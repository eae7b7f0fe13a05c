#include "pipeline/ingest.h"

#include "pipeline/io/charset.h"
#include "pipeline/io/compression.h"

namespace textmill {

void IngestStage::ProcessDoc(Document& doc) {
  if (doc.raw_compression != Compression::kNone) {
    DecompressResult result = Decompress(doc.raw, doc.raw_compression, max_document_bytes_);
    doc.raw_compression = Compression::kNone;
    if (!result.error.empty()) {
      doc.raw.clear();
      doc.metadata["error"] = result.error;
      doc.Reject("corrupt_input");
      doc.input_unreadable = true;
      return;
    }
    if (result.over_limit) {
      doc.raw.clear();
      doc.Reject("too_large");
      return;
    }
    doc.raw = std::move(result.data);
  }
  if (doc.raw.find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    doc.raw.clear();
    doc.Reject("empty");
    return;
  }
  if (LooksBinary(doc.raw)) {
    doc.raw.clear();
    doc.Reject("binary");
    return;
  }
  if (doc.kind == ContentKind::kText && LooksLikeHtml(doc.raw)) {
    doc.kind = ContentKind::kHtml;
    counters_.Add("sniffed_html");
  }
  DecodedText decoded = DecodeToUtf8(doc.raw, doc.declared_charset, doc.kind == ContentKind::kHtml);
  if (decoded.repairs > 0) counters_.Add("utf8_repairs", decoded.repairs);
  if (decoded.charset != "utf-8") {
    counters_.Add("charset." + decoded.charset);
    doc.metadata["charset"] = decoded.charset;
  }
  if (doc.kind == ContentKind::kHtml) {
    doc.raw = std::move(decoded.text);
  } else {
    doc.text = std::move(decoded.text);
    doc.raw.clear();
    doc.raw.shrink_to_fit();
  }
}

Json IngestStage::Stats() const { return counters_.ToJson(); }

}  // namespace textmill
