// DropUnreadAttributes: what goes, what stays, where it stops; and the tree
// of real pages is the same with and without it.
#include "stages/extract/unread_attributes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "stages/extract/html_tree.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

std::string Slim(const std::string& html) {
  std::string out;
  return DropUnreadAttributes(html, out) ? out : html;
}

TEST(UnreadAttributesTest, DropsWhatTheTreeNeverReads) {
  EXPECT_EQ(Slim(R"(<a href="/x" data-id='7' onclick=go() class="nav">Home</a>)"), R"(<a class="nav">Home</a>)");
  // Attributes read on one element only stay there alone.
  EXPECT_EQ(Slim(R"(<link rel="canonical" href="/x"><p lang="en" alt="a" type="t">)"),
            R"(<link rel="canonical" href="/x"><p>)");
  EXPECT_EQ(Slim(R"(<HTML LANG="en"><math display="block" alttext="x"><annotation encoding="e">)"),
            R"(<HTML LANG="en"><math display="block" alttext="x"><annotation encoding="e">)");
  EXPECT_EQ(Slim(R"(<img src="a.png" alt="A"/>)"), R"(<img alt="A"/>)");
  EXPECT_EQ(Slim(R"(<img loading=lazy/>)"), R"(<img>)");  // libxml2 reads "lazy/" as the value
  EXPECT_EQ(Slim("<div\n  data-x = \"1\"\tid=main hidden>"), "<div\tid=main hidden>");
  // No blank after a quoted value: libxml2 reads on; a kept one is not joined to the name.
  EXPECT_EQ(Slim(R"(<p a="1"b="2" class='c'd=4>)"), R"(<p  class='c'>)");
  EXPECT_EQ(Slim(R"(<a data-x="1"role="nav" x='2'class=c>)"), R"(<a role="nav" class=c>)");
  EXPECT_EQ(Slim(R"(<DIV DATA-X="1" CLASS="c" ARIA-HIDDEN="true">)"), R"(<DIV CLASS="c" ARIA-HIDDEN="true">)");
}

// Every attribute the tree builder asks for (by name, in html_tree.cc) is one
// the cut keeps: an attribute read but cut would read as absent, silently.
TEST(UnreadAttributesTest, KeepsEveryAttributeTheTreeBuilderReads) {
  const std::string source = testing::ReadFile(testing::SourceDir() + "/stages/extract/html_tree.cc");
  const std::regex read_by_name(R"re((?:AttrString|Attr)\(atts, "([a-z-]+)"\)|strcmp\(name, "([a-z-]+)"\))re");
  int reads = 0;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), read_by_name); it != std::sregex_iterator();
       ++it) {
    const std::string name = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
    ++reads;
    const bool kept =
        std::find(std::begin(kReadAttributes), std::end(kReadAttributes), name) != std::end(kReadAttributes) ||
        std::any_of(std::begin(kReadElementAttributes), std::end(kReadElementAttributes),
                    [&name](const auto& read) { return read.second == name; });
    EXPECT_TRUE(kept) << "html_tree.cc reads '" << name << "', which DropUnreadAttributes cuts";
  }
  EXPECT_GE(reads, 15);  // the pattern still finds the reads
}

TEST(UnreadAttributesTest, KeepsMetaAndValuesThatCouldEndSomething) {
  EXPECT_EQ(Slim(R"(<meta http-equiv="x" charset="utf-8" content="c">)"), R"(<meta http-equiv="x" charset="utf-8" content="c">)");
  EXPECT_EQ(Slim(R"(<p title="a > b">)"), R"(<p title="a > b">)");
  EXPECT_EQ(Slim(R"(<p title="<b>">)"), R"(<p title="<b>">)");
  EXPECT_EQ(Slim(R"(<p title="a--b">)"), R"(<p title="a--b">)");
  EXPECT_EQ(Slim(R"(<p class=a- x="b">)"), R"(<p class=a- x="b">)");  // "a-" would meet what follows
}

TEST(UnreadAttributesTest, TextAndEndTagsAreLeftAlone) {
  EXPECT_EQ(Slim(R"(<p data-x="1">a < b</p data-y="2">)"), R"(<p>a < b</p data-y="2">)");
  EXPECT_EQ(Slim(R"(<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><p data-x="1">)"),
            R"(<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><p>)");
  EXPECT_EQ(Slim(R"(<script src="x.js" async></script><p data-x="1">)"), R"(<script></script><p>)");
}

// The builder sets no comment handler: libxml2 need not read their bodies.
TEST(UnreadAttributesTest, CutsCommentBodies) {
  EXPECT_EQ(Slim(R"(a<!-- <p data-x="1"> -->b<!--[if IE]><p><![endif]--><p data-x="1">)"), R"(a<!---->b<!----><p>)");
  EXPECT_EQ(Slim("<!---->x<!--- -->"), "<!---->x<!---->");
  // libxml2 2.9.14 ends a comment at "--!>" too: left as it is.
  EXPECT_EQ(Slim(R"(<!-- a --!> <p data-x="1"> -->)"), R"(<!-- a --!> <p data-x="1"> -->)");
  // Unfinished, or ended past a NUL (libxml2 stops there): left as it is.
  EXPECT_EQ(Slim("<p data-x=\"1\"><!-- a"), "<p><!-- a");
  EXPECT_EQ(Slim(std::string("<!-- a\0 -->", 11)), std::string("<!-- a\0 -->", 11));
}

TEST(UnreadAttributesTest, StopsAtMarkupItDoesNotFollow) {
  // Everything after the first start tag it cannot read, as it was.
  EXPECT_EQ(Slim(R"(<p data-a="1"><p a="1" b=2c="3"><p data-c="3">)"), R"(<p><p a="1" b=2c="3"><p data-c="3">)");
  EXPECT_EQ(Slim(R"(<p data-a="1"><p a="1" hidden/ x><p data-c="3">)"), R"(<p><p a="1" hidden/ x><p data-c="3">)");
  EXPECT_EQ(Slim(R"(<p data-a="1"><![CDATA[<p data-b="2">]]>)"), R"(<p><![CDATA[<p data-b="2">]]>)");
  EXPECT_EQ(Slim(R"(<p data-a="1"><script>x</script><p data-b="2">)"), R"(<p><script>x</script><p data-b="2">)");
  EXPECT_EQ(Slim(std::string("<p data-a=\"1\">\0<p data-b=\"2\">", 29)), std::string("<p>\0<p data-b=\"2\">", 18));
  EXPECT_EQ(Slim(R"(<p data-a="1)"), R"(<p data-a="1)");  // unfinished: nothing to drop
  std::string out = "stale";
  EXPECT_FALSE(DropUnreadAttributes("<p class=x>text</p>", out));
  EXPECT_TRUE(out.empty());
}

// Every page of both extraction benchmarks: the same nodes (tags, hints, text,
// parents, children) and metadata from the slimmed page as from the page.
TEST(UnreadAttributesTest, RealPagesGiveTheSameTree) {
  const std::vector<std::string> paths = testing::ExtractionBenchPages();
  ASSERT_GT(paths.size(), 1600u);
  // All of them (8 differed once, of 1,476), a fifth in a sanitizer build.
  for (size_t p = 0; p < paths.size(); p += testing::kSanitized ? 5 : 1) {
    const std::string& path = paths[p];
    const std::string html = testing::ReadMaybeCompressed(path);
    const HtmlTree slim(html, 0), full(html, 0, /*drop_unread_attributes=*/false);
    ASSERT_EQ(slim.nodes().size(), full.nodes().size()) << path;
    for (size_t k = 0; k < slim.nodes().size(); ++k) {
      const HtmlNode &a = slim.nodes()[k], &b = full.nodes()[k];
      ASSERT_TRUE(a.parent == b.parent && a.children == b.children && a.tag == b.tag && a.text == b.text &&
                  a.hints == b.hints)
          << path << " node " << k << ": <" << a.tag << "> [" << a.hints << "] vs <" << b.tag << "> [" << b.hints
          << "]";
    }
    EXPECT_EQ(slim.body(), full.body()) << path;
    const HtmlMeta &m = slim.meta(), &n = full.meta();
    EXPECT_TRUE(m.title == n.title && m.url == n.url && m.lang == n.lang && m.date == n.date &&
                m.description == n.description && m.og_type == n.og_type && m.json_ld == n.json_ld &&
                m.item_types == n.item_types && m.generator == n.generator &&
                m.longest_description == n.longest_description)
        << path;
  }
}

}  // namespace
}  // namespace textmill
