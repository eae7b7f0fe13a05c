#include "pipeline/io/compression.h"

#include <gtest/gtest.h>

#include "unit/test_util.h"

namespace textmill {
namespace {

TEST(CompressionTest, NamesAndSuffixes) {
  EXPECT_EQ(CompressionFromName("a.jsonl.gz"), Compression::kGzip);
  EXPECT_EQ(CompressionFromName("a.html.zst"), Compression::kZstd);
  EXPECT_EQ(CompressionFromName("a.html"), Compression::kNone);
  EXPECT_EQ(StripCompressionSuffix("x.jsonl.zst"), "x.jsonl");
}

TEST(CompressionTest, GzipRoundTripAndMultiMember) {
  const std::string a = testing::GzipCompress("hello ");
  const std::string b = testing::GzipCompress("world");
  const DecompressResult r = Decompress(a + b, Compression::kGzip, 1 << 20);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.data, "hello world");
}

TEST(CompressionTest, ZstdRoundTrip) {
  const std::string text(100000, 'x');
  const DecompressResult r = Decompress(testing::ZstdCompress(text), Compression::kZstd, 1 << 20);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.data, text);
}

TEST(CompressionTest, TruncatedGzipIsAnErrorKeepingWhatWasRead) {
  std::string data;
  for (int i = 0; i < 20000; ++i) data += "line " + std::to_string(i) + "\n";
  const std::string gz = testing::GzipCompress(data);
  const DecompressResult r = Decompress(std::string_view(gz).substr(0, gz.size() / 2), Compression::kGzip, 1 << 24);
  EXPECT_NE(r.error, "");
  EXPECT_GT(r.data.size(), 0u);
  EXPECT_EQ(data.compare(0, r.data.size(), r.data), 0);
}

TEST(CompressionTest, CorruptZstdIsAnError) {
  EXPECT_NE(Decompress("\x28\xB5\x2F\xFD garbage garbage", Compression::kZstd, 1 << 20).error, "");
  EXPECT_NE(Decompress("not gzip at all", Compression::kGzip, 1 << 20).error, "");
}

TEST(CompressionTest, ZipBombStopsAtTheLimit) {
  const std::string bomb = testing::GzipCompress(std::string(50 << 20, '\0'));  // ~50 KB compressed
  const DecompressResult r = Decompress(bomb, Compression::kGzip, 1 << 20);
  EXPECT_TRUE(r.over_limit);
  EXPECT_EQ(r.data.size(), size_t{1} << 20);
}

TEST(CompressionTest, StreamingFileReadsAll) {
  testing::TempDir dir;
  std::string data;
  for (int i = 0; i < 100000; ++i) data += std::to_string(i) + "\n";
  testing::WriteFile(dir / "f.zst", testing::ZstdCompress(data));
  DecompressingFile file(dir / "f.zst", Compression::kZstd);
  std::string out;
  while (file.Read(out, 4096)) {
  }
  EXPECT_EQ(file.error(), "");
  EXPECT_EQ(out, data);
}

}  // namespace
}  // namespace textmill
