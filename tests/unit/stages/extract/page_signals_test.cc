// PageSignals (stages/extract/page_signals.h): what an address and a <head>
// say about the kind of page.
#include "stages/extract/page_signals.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace textmill {
namespace {

// The named signals of a page whose address is `url` (its canonical URL).
std::map<std::string, float> Signals(std::string_view url, HtmlMeta meta = {}) {
  if (!url.empty()) meta.url = url;
  const std::vector<float> values = PageSignals(meta);
  const std::vector<std::string>& names = PageSignalNames();
  EXPECT_EQ(values.size(), names.size());
  std::map<std::string, float> out;
  for (size_t i = 0; i < values.size() && i < names.size(); ++i) out[names[i]] = values[i];
  return out;
}

TEST(PageSignalsTest, AThreadAddressIsAForumsAndItsNumberAnId) {
  auto s = Signals("https://community.example.org/t/where-should-i-start/68912");
  EXPECT_EQ(s["url_known"], 1);
  EXPECT_EQ(s["url_forum"], 1);
  EXPECT_EQ(s["host_forum"], 1);
  EXPECT_EQ(s["url_numeric_id"], 1);
  EXPECT_EQ(s["url_depth"], 3);
  EXPECT_EQ(s["url_slug_words"], 1);  // the last segment is the number
  EXPECT_EQ(s["url_product"], 0);
  EXPECT_EQ(s["url_docs"], 0);
}

TEST(PageSignalsTest, ARelativeCanonicalIsReadAsAPath) {
  HtmlMeta meta;
  meta.url = "/questions/442960/keyboard-shortcut-to-focus-the-file-pane";
  auto s = Signals("", meta);
  EXPECT_EQ(s["url_known"], 1);
  EXPECT_EQ(s["url_forum"], 1);
  EXPECT_EQ(s["url_slug_words"], 7);
  EXPECT_EQ(s["host_forum"], 0);
}

TEST(PageSignalsTest, ADocsHostAndPath) {
  auto s = Signals("https://docs.example.com/en/latest/install.html");
  EXPECT_EQ(s["url_docs"], 1);
  EXPECT_EQ(s["host_docs"], 1);
  EXPECT_EQ(s["url_product"], 0);
}

TEST(PageSignalsTest, TrackingParametersAreNotAQuery) {
  EXPECT_EQ(Signals("https://shop.example.com/products/blue-shirt?srsltid=AfmBOoq")["url_query"], 0);
  EXPECT_EQ(Signals("https://shop.example.com/products/blue-shirt?utm_source=x")["url_query"], 0);
  auto s = Signals("https://shop.example.com/collections/shirts?page=2&sort=price");
  EXPECT_EQ(s["url_query"], 1);
  EXPECT_EQ(s["url_collection"], 1);
}

TEST(PageSignalsTest, ADatedPathIsABlogsAndAHomePageIsTheRoot) {
  auto post = Signals("https://example.com/2024/05/how-to-choose-a-helmet.html");
  EXPECT_EQ(post["url_date"], 1);
  EXPECT_EQ(post["url_slug_words"], 5);
  EXPECT_EQ(post["url_root"], 0);
  auto home = Signals("https://www.example.com/");
  EXPECT_EQ(home["url_root"], 1);
  EXPECT_EQ(home["url_depth"], 0);
  EXPECT_EQ(home["url_date"], 0);
}

TEST(PageSignalsTest, TheSiteItselfIsNotASection) {
  // forum.org is a site named "forum", not the forum section of a site.
  EXPECT_EQ(Signals("https://forum.org/about")["host_forum"], 0);
  EXPECT_EQ(Signals("https://www.forum.example.org/about")["host_forum"], 1);
}

TEST(PageSignalsTest, GeneratorAndOpenGraphTypeNameTheSoftwareAndTheKind) {
  HtmlMeta meta;
  meta.generator = "wordpress 6.5 elementor 3.21";
  meta.og_type = "product";
  auto s = Signals("", meta);
  EXPECT_EQ(s["gen_wordpress"], 1);
  EXPECT_EQ(s["gen_forum"], 0);
  EXPECT_EQ(s["og_product"], 1);
  EXPECT_EQ(s["og_article"], 0);
  meta.generator = "discourse 3.2.0";
  meta.og_type = "article";
  s = Signals("", meta);
  EXPECT_EQ(s["gen_forum"], 1);
  EXPECT_EQ(s["og_article"], 1);
}

TEST(PageSignalsTest, NoOrABrokenAddressGivesNoAddressSignals) {
  for (const std::string url : {"", "http://", "https://exa mple.com/t/x", "%%%"}) {
    HtmlMeta meta;
    meta.url = url;
    const std::vector<float> values = PageSignals(meta);
    for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(values[i], 0) << url << ": " << PageSignalNames()[i];
  }
}

}  // namespace
}  // namespace textmill
