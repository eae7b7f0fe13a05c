#include "pipeline/io/charset.h"

#include <gtest/gtest.h>

#include <unicode/unistr.h>

#include "pipeline/util/utf8.h"

namespace textmill {
namespace {

std::string Encode(const std::string& utf8, const char* charset) {
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);
  std::string out(static_cast<size_t>(u.length()) * 4 + 8, '\0');
  const int32_t n = u.extract(0, u.length(), out.data(), static_cast<uint32_t>(out.size()), charset);
  out.resize(static_cast<size_t>(n));
  return out;
}

TEST(CharsetTest, Utf8PassesThrough) {
  const DecodedText d = DecodeToUtf8("caf\xC3\xA9", "", false);
  EXPECT_EQ(d.text, "caf\xC3\xA9");
  EXPECT_EQ(d.charset, "utf-8");
  EXPECT_EQ(d.repairs, 0);
}

TEST(CharsetTest, Utf8BomIsStripped) {
  EXPECT_EQ(DecodeToUtf8("\xEF\xBB\xBFhello", "", false).text, "hello");
}

TEST(CharsetTest, Utf16LeBom) {
  const std::string bytes = std::string("\xFF\xFE", 2) + std::string("h\0i\0", 4);
  const DecodedText d = DecodeToUtf8(bytes, "", false);
  EXPECT_EQ(d.text, "hi");
  EXPECT_EQ(d.how, "bom");
}

TEST(CharsetTest, DeclaredMetaCharsetIsUsed) {
  const std::string html = "<html><head><meta charset=\"windows-1251\"></head><body>" +
                           Encode("Привет, мир", "windows-1251") + "</body></html>";
  const DecodedText d = DecodeToUtf8(html, "", true);
  EXPECT_NE(d.text.find("Привет, мир"), std::string::npos);
  EXPECT_EQ(d.charset, "windows-1251");
  EXPECT_EQ(d.how, "declared");
}

TEST(CharsetTest, HttpHeaderBeatsMeta) {
  const std::string html = "<meta charset=\"utf-8\">" + Encode("naïve café", "iso-8859-15");
  const DecodedText d = DecodeToUtf8(html, "ISO-8859-15", true);
  EXPECT_NE(d.text.find("naïve café"), std::string::npos);
}

TEST(CharsetTest, Latin1LabelMeansWindows1252) {
  const std::string html = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">" +
                           Encode("\u201Cquoted\u201D", "windows-1252");
  EXPECT_NE(DecodeToUtf8(html, "", true).text.find("\u201Cquoted\u201D"), std::string::npos);
}

TEST(CharsetTest, UndeclaredLegacyTextIsDetected) {
  const std::string text = Encode(
      "Москва — столица России, крупнейший по численности населения город страны. "
      "Город расположен на реке Москве в центре Восточно-Европейской равнины.",
      "windows-1251");
  const DecodedText d = DecodeToUtf8(text, "", false);
  EXPECT_NE(d.text.find("столица России"), std::string::npos) << d.charset;
  EXPECT_EQ(d.how, "detected");
}

TEST(CharsetTest, BrokenDeclarationFallsBackToDetection) {
  const std::string html = "<meta charset=\"no-such-charset\"><p>" + Encode("Größe", "windows-1252");
  const DecodedText d = DecodeToUtf8(html, "", true);
  EXPECT_TRUE(IsValidUtf8(d.text));
  EXPECT_NE(d.text.find("<p>Gr\xC3\xB6\xC3\x9F" "e"), std::string::npos) << d.text << " (" << d.charset << ")";
  EXPECT_EQ(d.how, "detected");
}

TEST(CharsetTest, InvalidUtf8IsRepairedAndCounted) {
  const DecodedText d = DecodeToUtf8("ok \xC3\xA9 bad \xC3 end \xFF", "utf-8", false);
  EXPECT_TRUE(IsValidUtf8(d.text));
  EXPECT_GE(d.repairs, 2);
  EXPECT_NE(d.text.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(CharsetTest, NulBytesAreDropped) {
  std::string out;
  EXPECT_EQ(RepairUtf8(std::string("a\0b", 3), out), 1);
  EXPECT_EQ(out, "ab");
}

TEST(CharsetTest, BinaryAndHtmlSniffing) {
  EXPECT_TRUE(LooksBinary(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16)));
  EXPECT_FALSE(LooksBinary("plain text\nwith lines\n"));
  EXPECT_TRUE(LooksLikeHtml("  <!DOCTYPE html><html>"));
  EXPECT_FALSE(LooksLikeHtml("a < b and c > d"));
}

}  // namespace
}  // namespace textmill
