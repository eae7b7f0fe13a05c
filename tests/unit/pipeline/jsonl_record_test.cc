#include "pipeline/io/jsonl_record.h"

#include <gtest/gtest.h>

namespace textmill {
namespace {

TEST(JsonlRecordTest, KnownFieldsAndMetadata) {
  JsonlRecordParser parser{JsonlFields{}};
  Document doc;
  std::string error;
  ASSERT_TRUE(parser.Parse(R"({"id":"x1","text":"hello","url":"http://a","date":"2024-01-02","tags":["a"],"n":3})",
                           doc, error))
      << error;
  EXPECT_EQ(doc.id, "x1");
  EXPECT_EQ(doc.raw, "hello");
  EXPECT_EQ(doc.url, "http://a");
  EXPECT_EQ(doc.date, "2024-01-02");
  EXPECT_EQ(doc.metadata.dump(), R"({"tags":["a"],"n":3})");
  EXPECT_EQ(doc.kind, ContentKind::kText);
}

TEST(JsonlRecordTest, HtmlFieldAndCustomNames) {
  JsonlFields fields;
  fields.html = "content";
  fields.id = "doc_id";
  JsonlRecordParser parser{fields};
  Document doc;
  std::string error;
  ASSERT_TRUE(parser.Parse(R"({"doc_id":42,"content":"<p>hi</p>"})", doc, error)) << error;
  EXPECT_EQ(doc.id, "42");
  EXPECT_EQ(doc.kind, ContentKind::kHtml);
  EXPECT_EQ(doc.raw, "<p>hi</p>");
}

TEST(JsonlRecordTest, BadRecordsAreErrors) {
  JsonlRecordParser parser{JsonlFields{}};
  for (const char* line : {"{bad", "[1,2]", R"({"url":"x"})", R"({"text":5})", R"({"text":"a"} trailing)"}) {
    Document doc;
    std::string error;
    EXPECT_FALSE(parser.Parse(line, doc, error)) << line;
    EXPECT_FALSE(error.empty()) << line;
  }
}

}  // namespace
}  // namespace textmill
