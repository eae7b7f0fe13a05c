#include "pipeline/io/document_codec.h"

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

std::string EncodeOutput(const Document& doc, const OutputOptions& options) {
  if (options.schema == "textmill") return Dump(CommonFields(doc, true));
  const double score = std::round(doc.lang_score * 1e4) / 1e4;
  Json metadata = doc.metadata;
  Json j = Json::object();
  if (options.schema == "dolma") {
    j["id"] = doc.id;
    j["text"] = doc.text;
    j["source"] = options.dataset;
    const std::string added = !options.added.empty() ? options.added
                              : metadata.contains("added") && metadata["added"].is_string()
                                  ? metadata["added"].get<std::string>()
                                  : std::string();
    if (!added.empty()) j["added"] = added;
    const std::string created = !doc.date.empty() ? doc.date
                                : metadata.contains("created") && metadata["created"].is_string()
                                    ? metadata["created"].get<std::string>()
                                    : std::string();
    if (!created.empty()) j["created"] = created;
    metadata.erase("added");
    metadata.erase("created");
    if (!doc.url.empty()) metadata["url"] = doc.url;
    if (!doc.lang.empty()) metadata["lang"] = doc.lang;
    if (doc.lang_score >= 0) metadata["lang_score"] = score;
    metadata["file_path"] = doc.source;
  } else {  // datatrove
    j["text"] = doc.text;
    j["id"] = doc.id;
    if (!doc.url.empty()) metadata["url"] = doc.url;
    if (!doc.lang.empty()) metadata["language"] = doc.lang;
    if (doc.lang_score >= 0) metadata["language_score"] = score;
    metadata["file_path"] = doc.source;
    if (!doc.date.empty()) metadata["date"] = doc.date;
  }
  j["metadata"] = std::move(metadata);
  return Dump(j);
}

std::string EncodeReject(const Document& doc, bool with_text) {
  Json j = CommonFields(doc, with_text);
  j["reject_reason"] = doc.reject_reason;
  j["rejected_by"] = doc.rejected_by;
  return Dump(j);
}

std::string EncodeSpooled(const Document& doc) {
  Json j = Json::object();
  j["id"] = doc.id;
  j["source"] = doc.source;
  j["input_path"] = doc.input_path;
  j["url"] = doc.url;
  j["date"] = doc.date;
  j["text"] = doc.text;
  j["lang"] = doc.lang;
  j["lang_score"] = doc.lang_score;
  j["metadata"] = doc.metadata;
  j["input_order"] = doc.input_order;
  if (doc.rejected()) {
    j["reject_reason"] = doc.reject_reason;
    j["rejected_by"] = doc.rejected_by;
    j["input_unreadable"] = doc.input_unreadable;
  }
  return Dump(j);
}

void DecodeSpooled(std::string_view line, Document& doc) {
  const Json j = Json::parse(line);
  doc.id = j["id"];
  doc.source = j["source"];
  doc.input_path = j["input_path"];
  doc.url = j["url"];
  doc.date = j["date"];
  doc.text = j["text"];
  doc.lang = j["lang"];
  doc.lang_score = j["lang_score"];
  doc.metadata = j["metadata"];
  doc.input_order = j["input_order"];
  if (j.contains("reject_reason")) {
    doc.reject_reason = j["reject_reason"];
    doc.rejected_by = j["rejected_by"];
    doc.input_unreadable = j["input_unreadable"];
  }
}

}  // namespace textmill
