// Input records -> Document: the JSONL reader's half of the codec
// (document_codec.h).
#include "pipeline/io/document_codec.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <utility>

namespace textmill {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a "\uXXXX" escape at line[i] (i at the backslash), or -1.
int EscapedUnit(std::string_view line, size_t i) {
  if (i + 6 > line.size() || line[i] != '\\' || line[i + 1] != 'u') return -1;
  int unit = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const int h = HexValue(line[k]);
    if (h < 0) return -1;
    unit = unit * 16 + h;
  }
  return unit;
}

}  // namespace

int64_t RepairJsonLine(std::string_view line, std::string& out) {
  out.clear();
  out.reserve(line.size() + 16);
  int64_t repairs = 0;
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out += c;
      continue;
    }
    if (c == '"') {
      in_string = false;
      out += c;
    } else if (c == '\\') {
      const int unit = EscapedUnit(line, i);
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        const int low = EscapedUnit(line, i + 6);
        if (low >= 0xDC00 && low <= 0xDFFF) {  // a proper pair
          out.append(line.substr(i, 12));
          i += 11;
        } else {
          out += "\\ufffd";
          ++repairs;
          i += 5;
        }
      } else if (unit >= 0xDC00 && unit <= 0xDFFF) {  // a low surrogate alone
        out += "\\ufffd";
        ++repairs;
        i += 5;
      } else if (i + 1 < line.size()) {  // any other escape, copied whole
        out += c;
        out += line[++i];
      } else {
        out += c;
      }
    } else if (static_cast<unsigned char>(c) < 0x20) {
      // Raw control characters are not allowed in JSON strings: NUL becomes
      // U+FFFD (as in invalid UTF-8), the others their escape.
      if (c == '\0') {
        out += "\\ufffd";
      } else {
        char escape[8];
        std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
        out += escape;
      }
      ++repairs;
    } else {
      out += c;
    }
  }
  return repairs;
}

JsonlRecordParser::~JsonlRecordParser() {
  // A field name that never matched is a config mistake (Dolma's dates are
  // `created`, datatrove's URLs `metadata.url`), not something to pass over.
  if (records_ == 0) return;
  for (const auto& [option, name, hits] : {std::tuple{"id_field", &fields_.id, with_id_},
                                           {"url_field", &fields_.url, with_url_},
                                           {"date_field", &fields_.date, with_date_}}) {
    if (!name->empty() && hits == 0) {
      spdlog::warn("reader.jsonl.{} '{}' occurred in none of the {} JSONL records read", option, *name, records_);
    }
  }
}

bool JsonlRecordParser::Parse(std::string_view line, Document& doc, std::string& error, int64_t* repairs) {
  simdjson::dom::element root;
  if (auto err = parser_.parse(line.data(), line.size()).get(root); err) {
    // Lone surrogates and raw control characters make a line invalid JSON;
    // the record is kept with U+FFFD in their place, as invalid UTF-8 is.
    const int64_t fixed = RepairJsonLine(line, repaired_);
    if (fixed == 0 || parser_.parse(repaired_.data(), repaired_.size()).get(root)) {
      error = std::string("bad JSON: ") + simdjson::error_message(err);
      return false;
    }
    if (repairs) *repairs += fixed;
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
    } else if (key == "metadata" && parsed.is_object()) {
      // Dolma's and datatrove's records carry a metadata object: its members
      // join ours instead of nesting as metadata.metadata.
      for (auto& [name, member] : parsed.items()) {
        if (!doc.metadata.contains(name)) doc.metadata[name] = std::move(member);
      }
    } else {
      doc.metadata[std::string(key)] = std::move(parsed);
    }
  }
  // Dotted field names ("metadata.url") name members of nested objects.
  for (const auto& [name, target] : {std::pair{&fields_.text, 0}, {&fields_.html, 1}, {&fields_.url, 2},
                                     {&fields_.date, 3}, {&fields_.id, 4}}) {
    if (name->find('.') == std::string::npos) continue;
    std::string pointer = "/" + *name;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    std::string_view str;
    if (root.at_pointer(pointer).get(str)) continue;
    switch (target) {
      case 0: doc.raw.assign(str); has_text = true; break;
      case 1: html.assign(str); break;
      case 2: doc.url.assign(str); break;
      case 3: doc.date.assign(str); break;
      default: doc.id.assign(str); break;
    }
  }
  ++records_;
  if (!doc.url.empty()) ++with_url_;
  if (!doc.date.empty()) ++with_date_;
  if (!doc.id.empty()) ++with_id_;
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
