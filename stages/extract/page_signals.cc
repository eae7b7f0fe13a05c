#include "stages/extract/page_signals.h"

#include <array>
#include <initializer_list>

#include "pipeline/util/strings.h"
#include "stages/url_filter/url_parts.h"

namespace textmill {
namespace {

using Words = std::initializer_list<std::string_view>;

// Path segments (lower case) that name a kind of page in common URL schemes.
const Words kForumSegments = {"t",      "topic",         "topics",         "thread",    "threads",   "forum",
                              "forums", "discussion",    "discussions",    "community", "questions", "question",
                              "q",      "viewtopic.php", "showthread.php", "comments",  "board",     "boards",
                              "r",      "answers"};
const Words kDocsSegments = {"docs",   "doc",      "documentation", "api",        "reference", "manual", "guide",
                             "guides", "tutorial", "tutorials",     "learn",      "wiki",      "kb",     "help",
                             "howto",  "library",  "developer",     "developers", "latest",    "stable"};
const Words kProductSegments = {"p", "product", "products", "dp", "itm", "item", "items", "pd", "sku", "app"};
const Words kCollectionSegments = {"c",       "collections", "collection",       "category",  "categories",
                                   "catalog", "catalogue",   "browse",           "shop",      "store",
                                   "b",       "l",           "product-category", "department"};
const Words kArticleSegments = {"blog", "blogs", "news", "article", "articles", "post", "story", "stories", "magazine"};
const Words kServiceSegments = {"services", "service", "solutions", "pricing",   "features",
                                "about",    "contact", "company",   "industries"};
// First label of the host ("forum.example.org", "docs.example.com").
const Words kForumHosts = {"forum", "forums", "community", "discuss", "discussions", "answers", "boards", "talk"};
const Words kDocsHosts = {"docs", "doc", "developer", "developers", "api", "learn", "support", "help", "wiki", "kb"};
// Substrings of <meta name="generator">.
const Words kForumSoftware = {"discourse", "vbulletin", "phpbb",   "xenforo", "invision",
                              "mybb",      "smf",       "vanilla", "nodebb",  "flarum"};
const Words kDocsSoftware = {"sphinx", "mkdocs", "docusaurus", "gitbook", "vuepress", "antora", "docfx"};
const Words kShopSoftware = {"shopify", "woocommerce", "magento", "prestashop", "bigcommerce", "opencart"};
const Words kCmsSoftware = {"drupal", "joomla", "wix", "squarespace", "webflow", "ghost", "hugo", "jekyll"};

bool IsOneOf(std::string_view word, const Words& words) {
  for (const std::string_view w : words) {
    if (word == w) return true;
  }
  return false;
}

bool ContainsAny(std::string_view text, const Words& words) {
  for (const std::string_view w : words) {
    if (text.find(w) != std::string_view::npos) return true;
  }
  return false;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Tracking parameters a crawler's links carry; they say nothing about the page.
bool IsTrackingQuery(std::string_view query) {
  for (const std::string_view prefix : {"utm_", "srsltid", "gclid", "fbclid", "ref="}) {
    if (query.starts_with(prefix)) return true;
  }
  return false;
}

struct SplitUrl {
  std::string host;  // lower case, empty when the URL is relative or malformed
  std::string path;  // lower case, without the query
  std::string query;
};

SplitUrl Split(std::string_view url) {
  SplitUrl out;
  std::string rest;
  if (url.starts_with("/") && !url.starts_with("//")) {
    rest = AsciiLower(url);  // relative: a path only
  } else if (const std::optional<UrlParts> parts = ParseUrl(url)) {
    out.host = parts->host;
    rest = parts->url_key.substr(parts->host_end);
  }
  const size_t fragment = rest.find('#');
  if (fragment != std::string::npos) rest.resize(fragment);
  const size_t query = rest.find('?');
  if (query != std::string::npos) {
    out.query = rest.substr(query + 1);
    rest.resize(query);
  }
  out.path = rest;
  return out;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Words of a slug ("how-to-choose-a-helmet.html": 5).
float SlugWords(std::string_view segment) {
  for (const std::string_view extension : {".html", ".htm", ".php", ".aspx", ".asp"}) {
    if (segment.ends_with(extension)) segment.remove_suffix(extension.size());
  }
  return static_cast<float>(CountRuns(segment, [](char c) { return c == '-' || c == '_' || c == '+'; }));
}

bool HasDigitRun(std::string_view text, size_t length) {
  size_t run = 0;
  for (const char c : text) {
    run = IsDigit(c) ? run + 1 : 0;
    if (run >= length) return true;
  }
  return false;
}

// A /2024/ or /2024/05/ date in the path, as blogs and news sites file posts.
bool HasDateSegment(const std::vector<std::string_view>& segments) {
  for (const std::string_view s : segments) {
    if (s.size() == 4 && (s.starts_with("19") || s.starts_with("20")) && IsDigit(s[2]) && IsDigit(s[3])) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& PageSignalNames() {
  static const std::vector<std::string> names = {
      "url_known",     "url_depth",  "url_root",   "url_slug_words", "url_numeric_id", "url_date",
      "url_query",     "url_forum",  "url_docs",   "url_product",    "url_collection", "url_article",
      "url_service",   "host_forum", "host_docs",  "gen_forum",      "gen_docs",       "gen_shop",
      "gen_wordpress", "gen_cms",    "og_article", "og_product",     "og_website"};
  return names;
}

std::vector<float> PageSignals(const HtmlMeta& meta) {
  const SplitUrl split = Split(meta.url);
  const std::vector<std::string_view> segments = Segments(split.path);
  const bool known = !split.host.empty() || !split.path.empty();
  const auto any_segment = [&segments](const Words& words) {
    for (const std::string_view s : segments) {
      if (IsOneOf(s, words)) return 1.0F;
    }
    return 0.0F;
  };
  std::string_view first_label = split.host;
  if (first_label.starts_with("www.")) first_label.remove_prefix(4);
  const size_t dot = first_label.find('.');
  // "forum.example.org" but not "forum.org": the site itself is not a section.
  const bool subdomain = dot != std::string_view::npos && first_label.find('.', dot + 1) != std::string_view::npos;
  first_label = subdomain ? first_label.substr(0, dot) : std::string_view();
  const std::string_view generator = meta.generator;
  const std::string_view og = meta.og_type;
  return {known ? 1.0F : 0.0F,
          static_cast<float>(segments.size()),
          known && segments.empty() ? 1.0F : 0.0F,
          segments.empty() ? 0.0F : SlugWords(segments.back()),
          HasDigitRun(split.path, 5) ? 1.0F : 0.0F,
          HasDateSegment(segments) ? 1.0F : 0.0F,
          !split.query.empty() && !IsTrackingQuery(split.query) ? 1.0F : 0.0F,
          any_segment(kForumSegments),
          any_segment(kDocsSegments),
          any_segment(kProductSegments),
          any_segment(kCollectionSegments),
          any_segment(kArticleSegments),
          any_segment(kServiceSegments),
          IsOneOf(first_label, kForumHosts) ? 1.0F : 0.0F,
          IsOneOf(first_label, kDocsHosts) ? 1.0F : 0.0F,
          ContainsAny(generator, kForumSoftware) ? 1.0F : 0.0F,
          ContainsAny(generator, kDocsSoftware) ? 1.0F : 0.0F,
          ContainsAny(generator, kShopSoftware) ? 1.0F : 0.0F,
          ContainsAny(generator, {"wordpress"}) ? 1.0F : 0.0F,
          ContainsAny(generator, kCmsSoftware) ? 1.0F : 0.0F,
          og == "article" ? 1.0F : 0.0F,
          og.starts_with("product") || og == "og:product" ? 1.0F : 0.0F,
          og == "website" ? 1.0F : 0.0F};
}

}  // namespace textmill
