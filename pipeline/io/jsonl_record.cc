#include "pipeline/io/jsonl_record.h"

namespace textmill {

bool JsonlRecordParser::Parse(std::string_view line, Document& doc, std::string& error) {
  simdjson::dom::element root;
  if (auto err = parser_.parse(line.data(), line.size()).get(root); err) {
    error = std::string("bad JSON: ") + simdjson::error_message(err);
    return false;
  }
  simdjson::dom::object object;
  if (root.get(object)) {
    error = "bad JSON: the line is not an object";
    return false;
  }
  bool has_text = false;
  std::string html;
  for (const auto field : object) {
    const std::string_view key = field.key;
    const simdjson::dom::element value = field.value;
    const bool is_string = value.is_string();
    if (key == fields_.text || key == fields_.html || key == fields_.url || key == fields_.date) {
      if (value.is_null()) continue;
      if (!is_string) {
        error = "field '" + std::string(key) + "' is not a string";
        return false;
      }
      const std::string_view str = value.get_string().value_unsafe();
      if (key == fields_.text) {
        doc.raw.assign(str);
        has_text = true;
      } else if (key == fields_.html) {
        html.assign(str);
      } else if (key == fields_.url) {
        doc.url.assign(str);
      } else {
        doc.date.assign(str);
      }
      continue;
    }
    if (key == fields_.id && is_string) {
      doc.id.assign(value.get_string().value_unsafe());
      continue;
    }
    const std::string raw = simdjson::minify(value);
    Json parsed = Json::parse(raw, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      error = "bad JSON in field '" + std::string(key) + "'";
      return false;
    }
    if (key == fields_.id) {
      doc.id = parsed.dump();  // numeric ids become their decimal text
    } else {
      doc.metadata[std::string(key)] = std::move(parsed);
    }
  }
  if (!has_text && !html.empty()) {
    doc.raw = std::move(html);
    doc.kind = ContentKind::kHtml;
  } else if (!has_text) {
    error = "record has neither '" + fields_.text + "' nor '" + fields_.html + "'";
    return false;
  }
  return true;
}

}  // namespace textmill
