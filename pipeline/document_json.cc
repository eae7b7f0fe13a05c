#include "pipeline/document_json.h"

#include <cmath>

namespace textmill {
namespace {

Json CommonFields(const Document& doc, bool with_text) {
  Json j = Json::object();
  j["id"] = doc.id;
  if (with_text) j["text"] = doc.text;
  j["source"] = doc.source;
  if (!doc.url.empty()) j["url"] = doc.url;
  if (!doc.lang.empty()) j["lang"] = doc.lang;
  // Rounded so that the text form is stable across compilers and libm versions.
  if (doc.lang_score >= 0) j["lang_score"] = std::round(doc.lang_score * 1e4) / 1e4;
  j["metadata"] = doc.metadata;
  if (!doc.date.empty()) j["metadata"]["date"] = doc.date;
  return j;
}

std::string Dump(const Json& j) {
  // Text is valid UTF-8 after ingest; "replace" only guards against a stage bug.
  return j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

}  // namespace

std::string DocumentToJsonLine(const Document& doc) { return Dump(CommonFields(doc, true)); }

std::string RejectToJsonLine(const Document& doc, bool with_text) {
  Json j = CommonFields(doc, with_text);
  j["reject_reason"] = doc.reject_reason;
  j["rejected_by"] = doc.rejected_by;
  return Dump(j);
}

}  // namespace textmill
