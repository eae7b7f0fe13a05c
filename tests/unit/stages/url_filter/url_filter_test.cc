#include "stages/url_filter/url_filter.h"

#include <gtest/gtest.h>

#include "pipeline/errors.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::string Host(std::string_view url) {
  const std::optional<UrlParts> parts = ParseUrl(url);
  return parts ? parts->host : "<malformed>";
}

TEST(UrlParts, NormalisesCasePortUserinfoAndTrailingDot) {
  EXPECT_EQ(Host("HTTP://WWW.Example.COM/Path"), "www.example.com");
  EXPECT_EQ(Host("https://example.com:8443/x"), "example.com");
  EXPECT_EQ(Host("https://user:secret@example.com:80/"), "example.com");
  EXPECT_EQ(Host("https://a@b@example.com/"), "example.com");
  EXPECT_EQ(Host("http://example.com./"), "example.com");
  EXPECT_EQ(Host("  example.com/page  "), "example.com");  // no scheme, as UT1 url lists
  EXPECT_EQ(Host("//example.com?q"), "example.com");
  EXPECT_EQ(Host("http://[2001:DB8::1]:8080/"), "2001:db8::1");
  EXPECT_EQ(Host("http://ex%41mple.com/"), "example.com");
}

TEST(UrlParts, IdnHostsBecomePunycode) {
  EXPECT_EQ(Host("https://bücher.example/"), "xn--bcher-kva.example");
  EXPECT_EQ(Host("https://BÜCHER.example/"), "xn--bcher-kva.example");
  EXPECT_EQ(Host("https://XN--BCHER-KVA.example/"), "xn--bcher-kva.example");
  EXPECT_EQ(Host("http://пример.рф/"), "xn--e1afmkfd.xn--p1ai");
  EXPECT_EQ(NormalizeHost("Bücher.Example."), "xn--bcher-kva.example");
}

TEST(UrlParts, MalformedUrlsAreNulloptNotCrashes) {
  for (const char* url : {"", "http://", "http:///path", "http://exa mple.com/", "http://a..b.com/",
                          "http://example.com:80a/", "http://example.com:123456/", "http://[::1/", "http://[zz]/",
                          "http://.com/", "http://example.com\x01/", "http://\xff\xfe.com/", "javascript:void(0)",
                          "http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com/"}) {
    EXPECT_FALSE(ParseUrl(url).has_value()) << url;
  }
}

TEST(UrlParts, UrlKeyDropsWwwSchemeFragmentAndTrailingSlash) {
  const std::optional<UrlParts> parts = ParseUrl("https://WWW.Example.org:81/Dir/Page/?A=1#frag");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->url_key, "example.org/dir/page/?a=1");
  EXPECT_EQ(ParseUrl("http://example.org/dir/")->url_key, "example.org/dir");
}

class HostListsTest : public ::testing::Test {
 protected:
  void SetUp() override { psl_ = psl_latest(nullptr); }
  void TearDown() override { psl_free(psl_); }

  HostLists Load(const std::string& text) {
    const std::string path = dir_ / "list.txt";
    WriteFile(path, text);
    HostLists lists(psl_);
    lists.Load({path}, {}, "test");
    return lists;
  }
  static bool Blocks(const HostLists& lists, std::string_view url) {
    const std::optional<UrlParts> parts = ParseUrl(url);
    return parts && (lists.MatchHost(*parts) || lists.MatchUrl(*parts));
  }

  psl_ctx_t* psl_ = nullptr;
  TempDir dir_;
};

TEST_F(HostListsTest, HostAndParentsDownToTheRegistrableDomain) {
  const HostLists lists = Load("example.co.uk\nb.example.com\nco.jp\n");
  EXPECT_TRUE(Blocks(lists, "http://a.b.example.co.uk/"));
  EXPECT_TRUE(Blocks(lists, "http://example.co.uk/"));
  EXPECT_FALSE(Blocks(lists, "http://other.co.uk/"));
  EXPECT_FALSE(Blocks(lists, "http://notexample.co.uk/"));
  EXPECT_TRUE(Blocks(lists, "http://a.b.example.com/"));
  EXPECT_TRUE(Blocks(lists, "http://B.EXAMPLE.COM:8080/"));
  EXPECT_FALSE(Blocks(lists, "http://example.com/"));
  EXPECT_FALSE(Blocks(lists, "http://c.example.com/"));
  // A public suffix on the list matches that host, not the domains under it.
  EXPECT_TRUE(Blocks(lists, "http://co.jp/"));
  EXPECT_FALSE(Blocks(lists, "http://shop.co.jp/"));
  EXPECT_EQ(lists.stats().public_suffix_entries, 1);
}

TEST_F(HostListsTest, IdnEntriesMatchEitherSpelling) {
  const HostLists lists = Load("bücher.example\nxn--e1afmkfd.xn--p1ai\n");
  EXPECT_TRUE(Blocks(lists, "http://XN--BCHER-KVA.example/"));
  EXPECT_TRUE(Blocks(lists, "http://shop.Bücher.example/"));
  EXPECT_TRUE(Blocks(lists, "http://пример.рф/"));
  EXPECT_TRUE(Blocks(lists, "http://www.ПРИМЕР.рф/"));
  EXPECT_FALSE(Blocks(lists, "http://buecher.example/"));
}

TEST_F(HostListsTest, IpHostsMatchExactly) {
  const HostLists lists = Load("192.0.2.7\n");
  EXPECT_TRUE(Blocks(lists, "http://192.0.2.7:8080/x"));
  EXPECT_FALSE(Blocks(lists, "http://10.192.0.2.7/"));  // no IPv4, and no name either
  EXPECT_FALSE(ParseUrl("http://10.192.0.2.7/").has_value());
  EXPECT_FALSE(Blocks(lists, "http://192.0.2.8/"));
}

TEST_F(HostListsTest, UrlEntriesBlockThemselvesAndWhatIsUnderThem) {
  const HostLists lists = Load("www.example.org/bad\nhttp://example.net/a/b.html\n");
  EXPECT_TRUE(Blocks(lists, "https://example.org/bad"));
  EXPECT_TRUE(Blocks(lists, "https://www.example.org/BAD/page?x=1"));
  EXPECT_TRUE(Blocks(lists, "https://example.org/bad?x=1"));
  EXPECT_FALSE(Blocks(lists, "https://example.org/badness"));
  EXPECT_FALSE(Blocks(lists, "https://example.org/"));
  EXPECT_TRUE(Blocks(lists, "example.net/a/b.html"));
  EXPECT_FALSE(Blocks(lists, "http://example.net/a/"));
}

TEST_F(HostListsTest, FormatsCommentsBlankAndGarbageLines) {
  const HostLists lists = Load(
      "# a comment\n\n! adblock comment\n0.0.0.0 ads.example tracker.example\n127.0.0.1 localhost\n"
      "::1 ip6-localhost\nplain.example  # trailing comment\n*.wild.example\r\nnot a host line\n"
      "bad..host\nexa mple\n");
  EXPECT_TRUE(Blocks(lists, "http://ads.example/"));
  EXPECT_TRUE(Blocks(lists, "http://x.tracker.example/"));
  EXPECT_TRUE(Blocks(lists, "http://plain.example/"));
  EXPECT_TRUE(Blocks(lists, "http://a.wild.example/"));
  EXPECT_FALSE(Blocks(lists, "http://localhost/"));
  EXPECT_EQ(lists.stats().domains, 4);
  EXPECT_EQ(lists.stats().skipped, 5);  // comment, blank, adblock comment, localhost, ip6-localhost
  EXPECT_EQ(lists.stats().garbage, 3);
}

TEST_F(HostListsTest, Ut1FolderWithChosenCategories) {
  WriteFile(dir_ / "ut1/adult/domains", "adult.example\n");
  WriteFile(dir_ / "ut1/adult/urls", "mixed.example/adult\n");
  WriteFile(dir_ / "ut1/gambling/domains", "casino.example\n");
  WriteFile(dir_ / "ut1/README", "not a category\n");
  HostLists lists(psl_);
  lists.Load({dir_ / "ut1"}, {"adult"}, "test");
  EXPECT_TRUE(Blocks(lists, "http://www.adult.example/"));
  EXPECT_TRUE(Blocks(lists, "http://mixed.example/adult/1"));
  EXPECT_FALSE(Blocks(lists, "http://casino.example/"));
  EXPECT_EQ(lists.Label(*lists.MatchHost(*ParseUrl("adult.example"))), "adult");
  HostLists all(psl_);
  all.Load({dir_ / "ut1"}, {}, "test");
  EXPECT_TRUE(Blocks(all, "http://casino.example/"));
  HostLists wrong(psl_);
  EXPECT_THROW(wrong.Load({dir_ / "ut1"}, {"nope"}, "test"), ConfigError);
}

TEST_F(HostListsTest, MissingListIsAConfigErrorNamingIt) {
  HostLists lists(psl_);
  try {
    lists.Load({dir_ / "missing.txt"}, {}, "url_filter.block_lists");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("url_filter.block_lists"), std::string::npos) << e.what();
  }
}

TEST(SubwordMatcher, FindsAnyWordAsSubstring) {
  SubwordMatcher m;
  for (const char* w : {"he", "she", "his", "hers", "abc123"}) m.Add(w);
  m.Build();
  EXPECT_TRUE(m.Matches("ushers"));
  EXPECT_TRUE(m.Matches("xxhisx"));
  EXPECT_TRUE(m.Matches("zzabc123"));
  EXPECT_FALSE(m.Matches("abc12"));
  EXPECT_FALSE(m.Matches("hxsx"));
}

TEST(BannedWords, HardSoftAndSubwordsAsRefinedWeb) {
  TempDir dir;
  WriteFile(dir / "hard", "# hard words\nBadword\n\n---\n");
  WriteFile(dir / "soft", "spicy\nhot\nnight\n");
  WriteFile(dir / "sub", "xyz\n");
  BannedWordLists lists;
  lists.words = {dir / "hard"};
  lists.soft_words = {dir / "soft"};
  lists.subwords = {dir / "sub"};
  const BannedWords words(lists, "test");
  EXPECT_EQ(words.Check("http://example.com/BADWORD/page"), "url_banned_word");
  EXPECT_EQ(words.Check("http://badwords.example/"), "");  // a token, not a substring
  EXPECT_EQ(words.Check("http://example.com/spicy-night"), "url_soft_banned_words");
  EXPECT_EQ(words.Check("http://example.com/spicy-spicy"), "");  // distinct words
  EXPECT_EQ(words.Check("http://x-y-z.example/"), "url_banned_subword");
  EXPECT_EQ(words.Check("http://example.com/xy/"), "");
  EXPECT_EQ(words.skipped(), 2);
  EXPECT_EQ(words.garbage(), 1);
}

UrlFilterStage MakeUrlFilterStage(const TempDir& dir, const std::string& mode = "drop") {
  WriteFile(dir / "block.txt", "blocked.example\n");
  WriteFile(dir / "allow.txt", "good.blocked.example\n");
  WriteFile(dir / "words.txt", "casino\n");
  UrlFilterOptions options;
  options.block_lists = {"block.txt"};
  options.allow_lists = {"allow.txt"};
  options.banned_words.words = {"words.txt"};
  options.mode = mode;
  StageContext context;
  context.config_dir = dir.path();
  UrlFilterStage stage(options, context);
  stage.Load();
  return stage;
}

TEST(UrlFilterStage, DropsCountsAndAllowListsWin) {
  TempDir dir;
  UrlFilterStage stage = MakeUrlFilterStage(dir);
  Document blocked, allowed, worded, no_url, malformed, fine;
  blocked.url = "https://www.blocked.example/page";
  allowed.url = "https://good.blocked.example/page";
  worded.url = "https://example.com/casino-royale";
  malformed.url = "http://exa mple/casino";
  fine.url = "https://example.com/news";
  for (Document* doc : {&blocked, &allowed, &worded, &no_url, &malformed, &fine}) stage.ProcessDoc(*doc);
  EXPECT_EQ(blocked.reject_reason, "url_blocked_domain");
  EXPECT_FALSE(allowed.rejected());
  EXPECT_EQ(worded.reject_reason, "url_banned_word");
  EXPECT_FALSE(no_url.rejected());
  EXPECT_EQ(malformed.reject_reason, "url_banned_word");  // words apply to a malformed URL
  EXPECT_FALSE(fine.rejected());
  const Json stats = stage.Stats();
  EXPECT_EQ(stats["no_url"], 1);
  EXPECT_EQ(stats["malformed_url"], 1);
  EXPECT_EQ(stats["checked"], 5);
  EXPECT_EQ(stats["allowed_over_block"], 1);
  EXPECT_EQ(stats["list.block.txt"], 1);
  EXPECT_EQ(stats["lists"]["block_domains"], 1);
  EXPECT_TRUE(stats["summary"].is_object());
}

TEST(UrlFilterStage, AnnotateKeepsTheDocument) {
  TempDir dir;
  UrlFilterStage stage = MakeUrlFilterStage(dir, "annotate");
  Document doc;
  doc.url = "http://blocked.example/";
  stage.ProcessDoc(doc);
  EXPECT_FALSE(doc.rejected());
  EXPECT_EQ(doc.metadata["url_filter"]["reason"], "url_blocked_domain");
  EXPECT_EQ(doc.metadata["url_filter"]["list"], "block.txt");
  EXPECT_EQ(stage.Stats()["would_block.url_blocked_domain"], 1);
}

TEST(UrlFilterStage, WithoutListsItIsOff) {
  UrlFilterStage stage(UrlFilterOptions{}, StageContext{});
  stage.Load();
  Document doc;
  doc.url = "http://anything.example/";
  stage.ProcessDoc(doc);
  EXPECT_FALSE(doc.rejected());
  EXPECT_TRUE(stage.Stats().empty());
}

}  // namespace
}  // namespace textmill

namespace textmill {
namespace {

// A list that does not exist stops the run before any work: exit 2, naming it.
TEST(UrlFilterRun, MissingListIsExit2NamingIt) {
  TempDir dir;
  WriteFile(dir / "in/a.jsonl", "{\"id\": \"a\", \"text\": \"hello\", \"url\": \"http://a.example/\"}\n");
  WriteFile(dir / "config.yaml", "stages:\n  - url_filter:\n      block_lists: [no-such-list.txt]\n");
  std::string output;
  EXPECT_EQ(testing::RunTextmill({"run", "-c", dir / "config.yaml", "-i", dir / "in", "-o", dir / "out",
                                  "--progress", "none"},
                                 &output),
            2);
  EXPECT_NE(output.find("no-such-list.txt"), std::string::npos) << output;
}

}  // namespace
}  // namespace textmill
