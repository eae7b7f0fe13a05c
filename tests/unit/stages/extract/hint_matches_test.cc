// MatchHints (a Latin-1 set for ASCII strings) gives the UTF-8 set's matches:
// on made-up strings at the patterns' edges, on random ones, and on every
// hints string of both extraction benchmarks.
#include "stages/extract/hint_matches.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "stages/extract/html_tree.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

TEST(HintMatchesTest, SameAsTheUtf8SetAtThePatternsEdges) {
  // clang-format off
  const std::string_view cases[] = {
      "ad", "ads", "adsx", "bad", "ad-", "-ad-", "x ad", "x ads y", "load", "ad2", "ad_x", "hid", "hid x", "x hid",
      "x hid y", "xhid", "hidx", "hid hid", "reply", "replies", "repl", "reply-", "comment", "main-content",
      "h-entry hentry", "ai2html", "top-bar", "table-of-contents", "sr-only", "\u00e9ad", "ad\u00e9", "\377ad",
      "ad\x80", "\u2014hid", "caf\u00e9 menu", "NAV", "nav", "a  b", "post-1234 post type-post",
      "\nad\n", "\tads", "hid\n", "\nhid", "x\nhid y"};
  // clang-format on
  EXPECT_EQ(MatchHints(""), 0u);
  for (const std::string_view hints : cases) {
    EXPECT_EQ(MatchHints(hints), MatchHintsAsUtf8(hints)) << "'" << hints << "'";
  }
}

TEST(HintMatchesTest, ConsentBannersByTheirOwnNamesNotByCookieAlone) {
  const auto consent = [](std::string_view hints) { return (MatchHints(hints) & kConsent) != 0; };
  for (const char* hints : {"global-cookie-banner ", "onetrust-banner-sdk ", "ot-sdk-container onetrust-consent-sdk ",
                            "cmplz-cookiebanner-container ", "cookieconsent ", "cc-window cc-banner ",
                            "qc-cmp2-container ", "consent-manager ", "gdpr-banner "}) {
    EXPECT_TRUE(consent(hints)) << hints;
  }
  for (const char* hints : {"cookie-recipes ", "fltonetrustpoplive ", "cookie-policy-page ", "privacy-content ",
                            "cmp-container container-cb1af09fdd ", "trusted-people "}) {
    EXPECT_FALSE(consent(hints)) << hints;
  }
}

// Where the build found Hyperscan, its database is what matches ASCII hints
// (the tests around this one hold its matches equal to RE2's UTF-8 set).
TEST(HintMatchesTest, TheBuildsMatcherIsInUse) {
#ifdef TEXTMILL_HYPERSCAN
  EXPECT_STREQ(HintMatcherName(), "hyperscan");
#else
  EXPECT_STREQ(HintMatcherName(), "re2");
#endif
}

TEST(HintMatchesTest, SameAsTheUtf8SetOnRandomStrings) {
  // Pieces of the patterns, their boundaries and bytes outside them.
  const std::vector<std::string> pieces = {"ad",  "s",    "hid",  " ",    "-",  "x",  "repl", "y",      "ies",
                                           "com", "ment", "nav",  "foot", "er", "2",  "_",    "\u00e9", "e",
                                           "tab", "le",   "main", "$",    "^",  "\n", "\t"};
  std::mt19937 random(15);
  for (int n = 0; n < 200000; ++n) {
    std::string hints;
    for (size_t k = random() % 8; k > 0; --k) hints += pieces[random() % pieces.size()];
    ASSERT_EQ(MatchHints(hints), MatchHintsAsUtf8(hints)) << "'" << hints << "'";
  }
}

TEST(HintMatchesTest, SameAsTheUtf8SetOnRealPages) {
  const std::vector<std::string> paths = testing::ExtractionBenchPages();
  ASSERT_GT(paths.size(), 1600u);
  size_t strings = 0;
  for (size_t p = 0; p < paths.size(); p += testing::kSanitized ? 5 : 1) {
    const HtmlTree tree(testing::ReadMaybeCompressed(paths[p]), 0);
    for (const HtmlNode& node : tree.nodes()) {
      if (node.hints.empty()) continue;
      ++strings;
      ASSERT_EQ(MatchHints(node.hints), MatchHintsAsUtf8(node.hints)) << paths[p] << ": '" << node.hints << "'";
    }
  }
  EXPECT_GT(strings, 100000u);
}

}  // namespace
}  // namespace textmill
