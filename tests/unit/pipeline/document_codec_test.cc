#include "pipeline/io/document_codec.h"

#include <gtest/gtest.h>

#include "pipeline/util/utf8.h"

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

// Lone surrogates and raw NULs made the whole record bad_json; they are
// repaired like invalid UTF-8 (U+FFFD, counted) and the record is kept.
TEST(JsonlRecordTest, LoneSurrogatesAndRawNulAreRepaired) {
  JsonlRecordParser parser{JsonlFields{}};
  Document doc;
  std::string error;
  int64_t repairs = 0;
  ASSERT_TRUE(parser.Parse(R"({"id":"a","text":"x\ud800y \udc00z \ud83d\ude00"})", doc, error, &repairs)) << error;
  EXPECT_EQ(doc.raw, "x\xEF\xBF\xBDy \xEF\xBF\xBDz \xF0\x9F\x98\x80");
  EXPECT_EQ(repairs, 2);
  const std::string with_nul = std::string(R"({"id":"b","text":"a)") + '\0' + "b\tc\"}";
  Document doc2;
  repairs = 0;
  ASSERT_TRUE(parser.Parse(with_nul, doc2, error, &repairs)) << error;
  EXPECT_EQ(doc2.raw, "a\xEF\xBF\xBD" "b\tc");
  EXPECT_EQ(repairs, 2);
  Document doc3;
  EXPECT_FALSE(parser.Parse(R"({"id":"c","text":"unterminated)", doc3, error));
}

TEST(JsonlRecordTest, RepairLeavesValidJsonAlone) {
  std::string out;
  EXPECT_EQ(RepairJsonLine(R"({"a":"\u00e9\\ud800 \"q\""})", out), 0);
  EXPECT_EQ(out, R"({"a":"\u00e9\\ud800 \"q\""})");
}

TEST(JsonlRecordTest, InvalidUtf8FileNamesStayTraceable) {
  EXPECT_EQ(EscapeInvalidUtf8Path("dir/caf\xC3\xA9.html"), "dir/caf\xC3\xA9.html");
  EXPECT_EQ(EscapeInvalidUtf8Path("dir/caf\xE9 100%.html"), "dir/caf%E9 100%25.html");
}

// Dolma: {"id", "text", "source", "added", "created", "metadata": {...}};
// datatrove: {"text", "id", "metadata": {"url", "date", ...}}.
TEST(JsonlRecordTest, NestedMetadataMergedAndDottedFieldNames) {
  JsonlFields fields;
  fields.url = "metadata.url";
  fields.date = "created";
  JsonlRecordParser parser{fields};
  Document doc;
  std::string error;
  ASSERT_TRUE(parser.Parse(
      R"({"id":"d1","text":"t","source":"cc","added":"2024-01-01","created":"2023-05-06",)"
      R"("metadata":{"url":"https://a.example/","language":"en","source":"nested"}})",
      doc, error))
      << error;
  EXPECT_EQ(doc.url, "https://a.example/");
  EXPECT_EQ(doc.date, "2023-05-06");
  EXPECT_FALSE(doc.metadata.contains("metadata"));
  EXPECT_EQ(doc.metadata["language"], "en");
  EXPECT_EQ(doc.metadata["source"], "cc");  // the top-level field wins
  EXPECT_EQ(doc.metadata["added"], "2024-01-01");
}

// The spool keeps every field its header names, exactly (lang_score unrounded,
// the date apart from metadata, the reject state).
TEST(SpoolCodecTest, KeepsEveryPromisedField) {
  Document doc;
  doc.id = "d1";
  doc.source = "a/b.jsonl:3";
  doc.input_path = "/in/a/b.jsonl";
  doc.url = "http://x/";
  doc.date = "2024-05-06";
  doc.text = "t\u00e9xt\nline";
  doc.lang = "fr";
  doc.lang_score = 0.123456789;
  doc.metadata = {{"k", 1}};
  doc.input_order = (uint64_t{7} << 32) | 9;
  doc.Reject("duplicate_exact");
  doc.rejected_by = "dedup";
  doc.input_unreadable = true;
  Document back;
  DecodeSpooled(EncodeSpooled(doc), back);
  EXPECT_EQ(back.id, doc.id);
  EXPECT_EQ(back.source, doc.source);
  EXPECT_EQ(back.input_path, doc.input_path);
  EXPECT_EQ(back.url, doc.url);
  EXPECT_EQ(back.date, doc.date);
  EXPECT_EQ(back.text, doc.text);
  EXPECT_EQ(back.lang, doc.lang);
  EXPECT_EQ(back.lang_score, doc.lang_score);
  EXPECT_EQ(back.metadata, doc.metadata);
  EXPECT_EQ(back.input_order, doc.input_order);
  EXPECT_EQ(back.reject_reason, doc.reject_reason);
  EXPECT_EQ(back.rejected_by, doc.rejected_by);
  EXPECT_TRUE(back.input_unreadable);
  Document kept;
  kept.text = "x";
  Document kept_back;
  DecodeSpooled(EncodeSpooled(kept), kept_back);
  EXPECT_FALSE(kept_back.rejected());
}

}  // namespace
}  // namespace textmill
