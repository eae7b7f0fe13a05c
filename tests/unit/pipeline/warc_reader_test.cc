#include "pipeline/io/warc_reader.h"

#include <gtest/gtest.h>

#include <map>

#include "pipeline/io/document_source.h"
#include "pipeline/io/http_payload.h"
#include "pipeline/io/input_files.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::TempDir;
using testing::WriteFile;

struct ReadResult {
  std::vector<Document> docs;  // every document, rejected or not
  std::map<std::string, int64_t> counts;
  int live() const {
    int n = 0;
    for (const Document& d : docs) n += !d.rejected();
    return n;
  }
  int rejected(const std::string& reason) const {
    int n = 0;
    for (const Document& d : docs) n += d.reject_reason == reason;
    return n;
  }
};

ReadResult ReadAll(const std::string& path, int64_t max_bytes = int64_t{64} << 20) {
  ReaderOptions options;
  options.max_document_bytes = max_bytes;
  const InputListing listing = ListInputs({path}, options);
  ReadProgress progress;
  DocumentSource source(listing, options, 64, &progress);
  ReadResult result;
  Batch batch;
  while (source.Next(batch)) {
    for (Document& d : batch.docs) result.docs.push_back(std::move(d));
    batch = Batch{};
  }
  result.counts = progress.record_counts;
  return result;
}

struct Expected {
  const char* file;
  int warcinfo, request, response, metadata, resource, revisit, documents;
};

TEST(WarcReaderTest, RealCrawlsReadCorrectly) {
  const Expected cases[] = {
      {"ukwa-IAH-20080430204825-00000-blackbook-truncated.warc.gz", 1, 7, 8, 7, 0, 0, 2},
      {"ukwa-IAH-urls-wget.warc.gz", 1, 16, 16, 0, 3, 0, 5},
      {"ukwa-main-page.warc.gz", 1, 77, 70, 0, 3, 0, 4},
      {"ukwa-post-blackout.warc.gz", 1, 62, 51, 0, 3, 0, 4},
      {"ukwa-sopa-wikipedia-homepage.warc.gz", 1, 86, 74, 0, 3, 0, 4},
      {"warcio-example-iana.org-chunked.warc", 1, 1, 1, 0, 0, 0, 1},
      {"warcio-example.warc.gz", 2, 2, 1, 0, 0, 1, 1},
      {"warcio-post-test.warc.gz", 0, 3, 3, 0, 0, 0, 0},
  };
  for (const Expected& e : cases) {
    const ReadResult r = ReadAll(testing::SharedDir() + "/bench/inputs/warc/" + e.file);
    auto count = [&](const std::string& k) { return r.counts.count(k) ? r.counts.at(k) : 0; };
    EXPECT_EQ(count("warc.warcinfo"), e.warcinfo) << e.file;
    EXPECT_EQ(count("warc.request"), e.request) << e.file;
    EXPECT_EQ(count("warc.response"), e.response) << e.file;
    EXPECT_EQ(count("warc.metadata"), e.metadata) << e.file;
    EXPECT_EQ(count("warc.resource"), e.resource) << e.file;
    EXPECT_EQ(count("warc.revisit"), e.revisit) << e.file;
    EXPECT_EQ(r.live(), e.documents) << e.file;
    EXPECT_EQ(r.rejected("warc_damage"), 0) << e.file;
    for (const Document& d : r.docs) {
      if (d.rejected()) continue;
      EXPECT_FALSE(d.url.empty()) << e.file;
      EXPECT_TRUE(d.metadata.contains("warc_record_id") && d.metadata.contains("warc_date") &&
                  d.metadata.contains("content_type"))
          << e.file;
      EXPECT_NE(d.source.find('@'), std::string::npos);
    }
  }
}

TEST(WarcReaderTest, ChunkedResponseIsDecoded) {
  const ReadResult r = ReadAll(testing::SharedDir() + "/bench/inputs/warc/warcio-example-iana.org-chunked.warc");
  ASSERT_EQ(r.live(), 1);
  const std::string& html = r.docs[0].raw;
  EXPECT_NE(html.find("<html"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find("\r\n0\r\n"), std::string::npos);  // no chunk sizes left
}

// --- Hand-made hostile files -------------------------------------------------

std::string Record(const std::string& type, const std::string& block, const std::string& length = "",
                   const std::string& extra_headers = "") {
  return "WARC/1.0\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: <urn:uuid:" + type + std::to_string(block.size()) +
         ">\r\nWARC-Target-URI: http://example.org/" + std::to_string(block.size()) +
         "\r\nWARC-Date: 2024-01-02T03:04:05Z\r\nContent-Type: application/http; msgtype=response\r\n" +
         extra_headers + "Content-Length: " + (length.empty() ? std::to_string(block.size()) : length) + "\r\n\r\n" +
         block + "\r\n\r\n";
}

std::string Page(const std::string& words) {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>" + words +
         "</p></body></html>";
}

TEST(WarcReaderTest, GarbageAndLyingLengthsResynchronise) {
  TempDir dir;
  const std::string good1 = Record("response", Page("first page"));
  const std::string good2 = Record("response", Page("second page"));
  const std::string good3 = Record("response", Page("third page"));
  struct Case {
    const char* name;
    std::string data;
    int live;
  };
  const std::string too_short = Record("response", Page("short length page"), "20");
  const std::string too_long = Record("response", Page("long length page"), std::to_string(Page("long length page").size() + 300));
  std::string no_blank = "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 10\r\n";
  const Case cases[] = {
      {"garbage between records", good1 + "this is not a record\n\x01\x02 junk\n" + good2, 2},
      {"too short", good1 + too_short + good2, 3},  // the short block is kept as it is
      {"too long", too_long + good2 + good3, 3},
      {"negative", good1 + Record("response", Page("x"), "-5") + good2, 2},
      {"20 digits", good1 + Record("response", Page("y"), "12345678901234567890") + good2, 2},
      {"no blank line", good1 + no_blank + good2, 2},
      {"truncated record", good1 + good2 + Record("response", Page("cut")).substr(0, 120), 2},
  };
  for (const Case& c : cases) {
    WriteFile(dir / "c.warc", c.data);
    const ReadResult r = ReadAll(dir / "c.warc");
    EXPECT_EQ(r.live(), c.live) << c.name;
    EXPECT_GE(r.rejected("warc_damage"), 1) << c.name;
    for (const Document& d : r.docs) {
      if (d.reject_reason == "warc_damage") {
        EXPECT_TRUE(d.input_unreadable) << c.name;
        EXPECT_TRUE(d.metadata.contains("offset")) << c.name;
      }
    }
  }
}

TEST(WarcReaderTest, PerRecordGzipAndTruncatedMember) {
  TempDir dir;
  const std::string a = testing::GzipCompress(Record("response", Page("one")));
  const std::string b = testing::GzipCompress(Record("response", Page("two")));
  const std::string c = testing::GzipCompress(Record("response", Page("three")));
  WriteFile(dir / "ok.warc.gz", a + b + c);
  EXPECT_EQ(ReadAll(dir / "ok.warc.gz").live(), 3);
  WriteFile(dir / "cut.warc.gz", a + b + c.substr(0, c.size() / 2));
  const ReadResult cut = ReadAll(dir / "cut.warc.gz");
  EXPECT_EQ(cut.live(), 2);  // what was read before the damage is kept
  EXPECT_GE(cut.rejected("warc_damage"), 1);
}

TEST(WarcReaderTest, HostileHttpPayloads) {
  TempDir dir;
  const std::string bomb_body = testing::GzipCompress(std::string(20 << 20, 'a'));  // 1000x
  const std::string bomb = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n" + bomb_body;
  const std::string with_nul = Page(std::string("text with a NUL \0 inside and more words after it", 49));
  WriteFile(dir / "h.warc",
            Record("response", "<html><body>no status line, no headers</body></html>") +
                Record("response", bomb) +
                Record("response", "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>gone</p>") +
                Record("response", "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG") +
                Record("response", with_nul, "", "X-Bad: caf\xC3\x28\xFF\r\n") +
                Record("response", Page("fine"), "2000000000"));  // claims 2 GB
  const ReadResult r = ReadAll(dir / "h.warc", 1 << 20);
  EXPECT_EQ(r.rejected("bad_http_response"), 1);
  EXPECT_EQ(r.counts.at("warc.skipped.too_large"), 2);  // the bomb and the 2 GB claim
  EXPECT_EQ(r.counts.at("warc.skipped.http_404"), 1);
  EXPECT_EQ(r.counts.at("warc.skipped.non_html"), 1);
  EXPECT_EQ(r.live(), 1);  // the page with a NUL byte
}

TEST(HttpPayloadTest, EncodingsAndContentType) {
  EXPECT_EQ(SplitContentType("text/HTML; Charset=\"ISO-8859-1\""), (std::pair<std::string, std::string>{"text/html", "iso-8859-1"}));
  std::string out;
  EXPECT_TRUE(Dechunk("5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n", out));
  EXPECT_EQ(out, "hello world");
  out.clear();
  EXPECT_FALSE(Dechunk("zz\r\nhello", out));
  const HttpResponse gz = ParseHttpResponse(
      "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + testing::GzipCompress("<p>zipped</p>"), 1 << 20);
  EXPECT_EQ(gz.body, "<p>zipped</p>");
  const HttpResponse bad = ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\nnot gzip", 1 << 20);
  EXPECT_FALSE(bad.error.empty());
}

}  // namespace
}  // namespace textmill
