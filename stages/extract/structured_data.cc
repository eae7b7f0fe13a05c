#include "stages/extract/structured_data.h"

#include <simdjson.h>

#include <string_view>

#include "pipeline/util/strings.h"

namespace textmill {
namespace {

constexpr int kMaxDepth = 12;          // entities nested deeper are not followed
constexpr size_t kMaxBodyBytes = 1 << 18;  // answers and posts gathered per page

// "http://schema.org/Product" -> "product".
std::string TypeName(std::string_view raw) {
  const size_t slash = raw.find_last_of("/#");
  if (slash != std::string_view::npos) raw.remove_prefix(slash + 1);
  return AsciiLower(raw);
}

bool IsContentType(const std::string& type) {
  static const char* const kTypes[] = {"product",    "article",  "newsarticle", "blogposting", "techarticle",
                                       "qapage",     "question", "discussionforumposting",   "faqpage",
                                       "recipe",     "howto",    "scholarlyarticle",         "report",
                                       "socialmediaposting",     "event",       "service",   "course",
                                       "jobposting", "softwareapplication"};
  for (const char* t : kTypes) {
    if (type == t) return true;
  }
  return false;
}

std::string_view StringField(simdjson::dom::object object, std::string_view key) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return value;
}

class Reader {
 public:
  explicit Reader(StructuredData& data) : data_(data) {}

  void Visit(simdjson::dom::element element, int depth) {
    if (depth > kMaxDepth) return;
    simdjson::dom::array array;
    if (element.get_array().get(array) == simdjson::SUCCESS) {
      for (const simdjson::dom::element item : array) Visit(item, depth + 1);
      return;
    }
    simdjson::dom::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) return;
    std::vector<std::string> own_types;
    simdjson::dom::element type_element;
    if (object["@type"].get(type_element) == simdjson::SUCCESS) {
      std::string_view single;
      simdjson::dom::array many;
      if (type_element.get_string().get(single) == simdjson::SUCCESS) {
        own_types.push_back(TypeName(single));
      } else if (type_element.get_array().get(many) == simdjson::SUCCESS) {
        for (const simdjson::dom::element t : many) {
          if (t.get_string().get(single) == simdjson::SUCCESS) own_types.push_back(TypeName(single));
        }
      }
    }
    for (const std::string& type : own_types) {
      data_.types.push_back(type);
      if (data_.main_type.empty() && IsContentType(type)) {
        data_.main_type = type;
        data_.name = StringField(object, "name");
        if (data_.name.empty()) data_.name = StringField(object, "headline");
        data_.description = StringField(object, "description");
        AddBody(StringField(object, "articleBody"));
      }
      if (type == "question" || type == "answer" || type == "comment" || type == "discussionforumposting" ||
          type == "socialmediaposting") {
        AddBody(StringField(object, "text"));
      }
    }
    for (const auto field : object) {
      if (field.key == "@type") continue;
      const simdjson::dom::element_type kind = field.value.type();
      if (kind == simdjson::dom::element_type::OBJECT || kind == simdjson::dom::element_type::ARRAY) {
        Visit(field.value, depth + 1);
      }
    }
  }

 private:
  void AddBody(std::string_view text) {
    if (text.empty() || data_.body.size() + text.size() > kMaxBodyBytes) return;
    if (!data_.body.empty()) data_.body += "\n\n";
    data_.body.append(text);
  }

  StructuredData& data_;
};

}  // namespace

StructuredData ReadStructuredData(const HtmlMeta& meta) {
  StructuredData data;
  if (!meta.json_ld.empty()) {
    simdjson::dom::parser parser;
    for (const std::string& block : meta.json_ld) {
      simdjson::dom::element root;
      if (parser.parse(block).get(root) != simdjson::SUCCESS) {
        ++data.malformed;
        continue;
      }
      Reader(data).Visit(root, 0);
    }
  }
  for (const std::string& item_type : meta.item_types) data.types.push_back(TypeName(item_type));
  return data;
}

}  // namespace textmill
