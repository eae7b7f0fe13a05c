// The learned extraction path: blocks and their features, structured data,
// the model file's checks, and whole pages of the kinds beyond articles
// (forum threads, documentation, listings, products), written for these tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/errors.h"
#include "stages/extract/block_features.h"
#include "stages/extract/extract.h"
#include "stages/extract/html_extractor.h"
#include "stages/extract/html_tree.h"
#include "stages/extract/page_signals.h"
#include "stages/extract/page_type.h"
#include "stages/extract/structured_data.h"
#include "stages/extract/thread_posts.h"
#include "stages/extract/tree_model.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::ShippedPhrases;

// The shipped model, loaded once for the suite and freed before the
// process exits (XGBoost's own statics may be gone by then).
class BlockExtractionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = TreeModel::Load(testing::SourceDir() + "/models/extraction_blocks.ubj", FeatureNames()).release();
    page_model_ =
        TreeModel::Load(testing::SourceDir() + "/models/extraction_page_types.ubj", PageFeatureNames()).release();
  }
  static void TearDownTestSuite() {
    delete model_;
    delete page_model_;
    model_ = page_model_ = nullptr;
  }
  static const TreeModel* model_;
  static const TreeModel* page_model_;

 public:
  static const TreeModel* model() { return model_; }
  static const TreeModel* page_model() { return page_model_; }
};
const TreeModel* BlockExtractionTest::model_ = nullptr;
const TreeModel* BlockExtractionTest::page_model_ = nullptr;

const TreeModel& Model() { return *BlockExtractionTest::model(); }

HtmlExtractResult ExtractWithModel(const std::string& html) {
  const HtmlTree tree(html, 0);
  return ExtractMainText(tree, HtmlExtractOptions{}, &ShippedPhrases(), &Model(), BlockExtractionTest::page_model());
}

size_t Find(const std::string& text, const std::string& needle) { return text.find(needle); }

std::string ForumThread();
std::string ForumThreadForFeatures() { return ForumThread(); }

PageBlocks Blocks(const std::string& html) {
  const HtmlTree tree(html, 0);
  return ComputePageBlocks(tree, HtmlExtractOptions{}, ReadStructuredData(tree.meta()));
}

// Posts, comments and cards of one kind differ in the numbers of their ids
// ("post-101", Reddit's "t1_l0f3c9d-comment"): they are one group all the
// same; a block laid out otherwise is not in it.
TEST(BlockFeaturesTest, ItemsThatDifferOnlyInTheirNumbersShareAGroup) {
  const PageBlocks blocks = Blocks(
      "<html><body><div class='thread'>"
      "<div class='post' id='post-101'><div class='body' id='t1_l0f3c9d-content'><p>First reply.</p></div></div>"
      "<div class='post' id='post-102'><div class='body' id='t1_m8k2x7q-content'><p>Second reply.</p></div></div>"
      "<div class='post' id='post-2093'><div class='body' id='t1_z9q4w1e-content'><p>Third reply.</p></div></div>"
      "<div class='ad'><div class='slot' id='ad-1'><p>An advert.</p></div></div></div></body></html>");
  ASSERT_EQ(blocks.text.size(), 4u);
  EXPECT_EQ(blocks.group[0], blocks.group[1]);
  EXPECT_EQ(blocks.group[0], blocks.group[2]);
  EXPECT_NE(blocks.group[0], blocks.group[3]);
}

TEST(BlockFeaturesTest, BlocksAreInlineRunsOfTheirBlockElement) {
  const PageBlocks blocks = Blocks("<html><body><div>Intro <b>bold</b><p>Para <a href='#'>link</a> end</p>"
                                   "tail</div><ul><li>one</li><li>two</li></ul></body></html>");
  ASSERT_EQ(blocks.text.size(), 4u);
  EXPECT_EQ(blocks.text[0], "Intro bold tail");  // the div's own runs, before and after the <p>
  EXPECT_EQ(blocks.text[1], "Para link end");
  EXPECT_EQ(blocks.text[2], "one");
  EXPECT_EQ(blocks.text[3], "two");
  EXPECT_EQ(blocks.features.size(), 4 * FeatureNames().size());
}

float Feature(const PageBlocks& blocks, size_t block, const std::string& name) {
  const std::vector<std::string>& names = FeatureNames();
  const size_t f = static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  EXPECT_LT(f, names.size()) << name;
  return blocks.features[block * names.size() + f];
}

TEST(BlockFeaturesTest, LinkRatioHintDistanceAndRepetition) {
  std::string cards;
  for (int i = 0; i < 5; ++i) cards += "<div class='card'><h3>Item " + std::to_string(i) + "</h3></div>";
  const PageBlocks blocks = Blocks("<html><body><nav class='menu'><a href='/'>Home page link</a></nav>"
                                   "<div class='grid'>" + cards + "</div></body></html>");
  ASSERT_EQ(blocks.text.size(), 6u);
  EXPECT_FLOAT_EQ(Feature(blocks, 0, "link_ratio"), 1.0F);
  EXPECT_FLOAT_EQ(Feature(blocks, 0, "hint_nav"), 0.0F);  // the nav element itself is the owner
  EXPECT_FLOAT_EQ(Feature(blocks, 0, "tag_nav"), 0.0F);
  EXPECT_FLOAT_EQ(Feature(blocks, 1, "link_ratio"), 0.0F);
  EXPECT_FLOAT_EQ(Feature(blocks, 1, "hint_card"), 1.0F);  // h3 -> div.card: one level up
  EXPECT_FLOAT_EQ(Feature(blocks, 1, "owner_h3"), 1.0F);
  EXPECT_FLOAT_EQ(Feature(blocks, 1, "rep_level"), 1.0F);  // the card repeats among its siblings
  EXPECT_NEAR(Feature(blocks, 1, "rep_count"), std::log1p(5.0F), 1e-5);
}

// Training reads its rows from textmill-block-features: they must be the
// features the stage computes for the same page (decoded as `run` decodes it).
TEST(BlockFeaturesTest, TrainingRowsEqualTheStagesFeatures) {
  const std::string html = ForumThreadForFeatures();
  const testing::TempDir dir;
  testing::WriteFile(dir / "page.html.gz", testing::GzipCompress(html));
  const std::string tool = std::filesystem::path(TEXTMILL_BINARY).parent_path() / "textmill-block-features";
  const std::string command = tool + " " + (dir / "page.html.gz") + " > " + (dir / "rows.tsv");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::istringstream rows(testing::ReadFile(dir / "rows.tsv"));
  std::string line;
  std::getline(rows, line);  // header
  const PageBlocks blocks = Blocks(html);
  const size_t width = FeatureNames().size();
  size_t b = 0;
  for (; std::getline(rows, line); ++b) {
    std::istringstream fields(line);
    std::string page, index;
    std::getline(fields, page, '\t');
    std::getline(fields, index, '\t');
    EXPECT_EQ(page, "page");
    EXPECT_EQ(index, std::to_string(b));
    for (size_t f = 0; f < width; ++f) {
      std::string value;
      std::getline(fields, value, '\t');
      ASSERT_LT(b, blocks.owner.size());
      EXPECT_NEAR(std::stod(value), blocks.features[b * width + f], 1e-4 * (1 + std::fabs(std::stod(value))))
          << "block " << b << " feature " << FeatureNames()[f];
    }
  }
  EXPECT_EQ(b, blocks.owner.size());
  EXPECT_GT(b, 10u);
}

TEST(StructuredDataTest, ReadsProductAndNestedGraph) {
  const HtmlTree tree(
      "<html><head><script type='application/ld+json'>{\"@context\":\"https://schema.org\",\"@graph\":["
      "{\"@type\":\"WebPage\"},{\"@type\":\"Product\",\"name\":\"Trail Shoe\",\"description\":\"A light "
      "shoe for wet trails.\",\"offers\":{\"@type\":\"Offer\",\"price\":\"89\"}}]}</script></head>"
      "<body><div itemscope itemtype='https://schema.org/Review'>ok</div></body></html>",
      0);
  const StructuredData data = ReadStructuredData(tree.meta());
  EXPECT_EQ(data.main_type, "product");
  EXPECT_EQ(data.name, "Trail Shoe");
  EXPECT_EQ(data.description, "A light shoe for wet trails.");
  EXPECT_EQ(data.types, (std::vector<std::string>{"webpage", "product", "offer", "review"}));
  EXPECT_EQ(data.malformed, 0);
}

TEST(StructuredDataTest, MalformedAndDeepJsonLdIsSkippedAndCounted) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "{\"@type\":\"Thing\",\"x\":";
  deep += "1";
  for (int i = 0; i < 5000; ++i) deep += "}";
  const HtmlTree tree("<html><head><script type=\"application/ld+json\">{\"@type\": \"Product\", </script>"
                      "<script type=\"application/ld+json\">" + deep + "</script></head><body>x</body></html>",
                      0);
  const StructuredData data = ReadStructuredData(tree.meta());
  EXPECT_GE(data.malformed, 1);  // the truncated one; simdjson may also refuse the 5,000-deep one
  EXPECT_LE(data.types.size(), 13u);  // nesting past the depth bound is not followed
  EXPECT_TRUE(data.main_type.empty());
}

TEST_F(BlockExtractionTest, ButtonWithUnclosedDivDoesNotSwallowThePage) {
  // libxml2 ignores </button> while the <div> inside it is open.
  const std::string text = ExtractWithModel(
      "<html><body><header><button aria-label='Menu'><div>Menu</button></header><article><h1>Planting "
      "tomatoes</h1><p>Tomatoes need six to eight hours of sun a day, soil that drains well and a stake or "
      "cage to climb, and they should be planted deeper than they grew in the pot.</p><p>Water them at the "
      "base in the morning, two or three times a week, so the leaves stay dry and the roots grow deep.</p>"
      "</article></body></html>").text;
  EXPECT_NE(Find(text, "Tomatoes need six to eight hours"), std::string::npos) << text;
  EXPECT_NE(Find(text, "Water them at the base"), std::string::npos) << text;
}

// A short label whose text is all in buttons (a code block's "Copy", a
// search page's filters) is a control; a short heading outside any button
// stays.
TEST_F(BlockExtractionTest, ButtonLabelsAreNotContent) {
  const auto code_block = [](const std::string& code) {
    return "<div class='group/codeblock grid'><div class='overflow-auto'><pre><code>" + code +
           "</code></pre></div><div class='absolute right-2 top-2 text-xs'><button class='p-1' type='button'>Copy"
           "</button></div></div>";
  };
  const HtmlExtractResult result = ExtractWithModel(
      "<html><head><title>Verifying webhooks - Docs</title></head><body><main><h1>Verifying webhooks</h1>"
      "<p>Every webhook request carries a signature header. Compute the expected signature with your signing "
      "secret and compare the two before you trust the payload.</p>" +
      code_block("const sig = req.headers['x-signature'];\nconst ok = verify(sig, body, secret);") +
      "<h2>Rotating secrets</h2><p>When you rotate a secret, both the old and the new one are accepted for "
      "twenty-four hours, so deploy the new secret to every server within that window.</p>" +
      code_block("export WEBHOOK_SECRET=whsec_new\nsystemctl restart api") + "</main></body></html>");
  const std::string& text = result.text;
  EXPECT_NE(text.find("const ok = verify(sig, body, secret);"), std::string::npos) << text;
  EXPECT_NE(text.find("Rotating secrets"), std::string::npos) << text;
  EXPECT_EQ(text.find("Copy"), std::string::npos) << text;
}

std::string ForumThread() {
  std::string posts;
  const char* bodies[] = {
      "I replaced the thermostat in my 2009 hatchback last weekend and now the engine takes twenty minutes "
      "to warm up on the motorway. Did I buy the wrong part, or is something else going on here?",
      "Check the opening temperature printed on the flange. Aftermarket units are often rated at 82 degrees "
      "while the original was 88, and on a cold morning that difference shows at cruising speed.",
      "Also bleed the cooling system properly. An air pocket around the sensor makes the gauge read low even "
      "when the coolant is at the right temperature, which looks exactly like what you describe.",
      "Thanks both, the new one was indeed rated at 82 degrees. I swapped it for an 88 degree unit and bled "
      "the system, and the gauge now sits in the middle after five minutes of driving."};
  const char* users[] = {"gearhead77", "coolant_carl", "mira_k", "gearhead77"};
  for (int i = 0; i < 4; ++i) {
    posts += std::string("<div class='post' id='post-") + std::to_string(i) + "'><div class='post-author'><a "
             "href='/u/" + users[i] + "'>" + users[i] + "</a><span class='post-count'>Posts: " +
             std::to_string(100 + i * 37) + "</span></div><div class='post-body'><p>" + bodies[i] +
             "</p></div><div class='post-actions'><a href='#'>Reply</a> <a href='#'>Quote</a> <span "
             "class='votes'>" + std::to_string(i + 2) + " likes</span></div></div>";
  }
  return "<html><head><title>Engine slow to warm up after thermostat change - Car Forum</title></head><body>"
         "<nav class='breadcrumb'><a href='/'>Forums</a> &gt; <a href='/c/engine'>Engine</a></nav>"
         "<h1>Engine slow to warm up after thermostat change</h1><div class='thread'>" + posts +
         "</div><div class='pagination'><a href='?page=2'>Next page</a></div>"
         "<footer>Car Forum is run by volunteers. Terms. Privacy.</footer></body></html>";
}

// A cookie or consent banner's paragraphs read like prose: they go whatever
// the model says (on this thread, laid out as new Reddit serves one, the
// model alone keeps them). The class a site sets on <body> while its banner
// shows ("cookie-banner-open") does not make the whole page a banner.
std::string ThreadUnderACookieBanner(const std::string& body_class) {
  const char* replies[] = {"Feed it twice a day at the same hours and keep the jar warm.",
                           "Rye flour wakes a sluggish starter faster than white flour does.",
                           "Mine took nine days before it doubled reliably, so be patient.",
                           "Put it in the oven with only the light on, it stays around 26 degrees.",
                           "Discard before feeding or the jar fills up in three days."};
  std::string comments;
  for (const char* reply : replies) {
    comments +=
        "<shreddit-comment depth='0'><div slot='commentMeta'><a href='/user/u'>u</a> <time>5h ago</time></div>"
        "<div slot='comment'><div class='md'><p>" +
        std::string(reply) + "</p></div></div></shreddit-comment>";
  }
  return "<html><head><title>Starter not rising : r/Sourdough</title></head><body class='" + body_class +
         "'><shreddit-app><div id='global-cookie-banner'><shreddit-async-loader bundlename='cookie_banner'>"
         "<reddit-cookie-banner class='fixed bottom-0 z-[100] w-full'><div class='flex flex-col gap-md p-md'>"
         "<p class='text-14'>Reddit and its partners use cookies and similar technologies to provide you with a "
         "better experience. By accepting all cookies, you agree to our use of cookies to deliver and maintain our "
         "services and site, improve the quality of Reddit, personalize Reddit content and advertising, and measure "
         "the effectiveness of advertising.</p><p class='text-14'>By rejecting non-essential cookies, Reddit may "
         "still use certain cookies to ensure the proper functionality of our platform.</p><p class='text-14'>For "
         "more information, please see our <a href='/policies/cookies'>Cookie Notice</a> and our <a "
         "href='/policies/privacy-policy'>Privacy Policy</a>.</p></div></reddit-cookie-banner></shreddit-async-loader>"
         "</div>"
         "<div class='grid-container grid'><main class='main w-full'><shreddit-post><h1 slot='title'>Starter not "
         "rising after a week</h1><div slot='text-body'><div class='md'><p>My starter bubbled on day two and has done "
         "nothing since. I feed it flour and water every morning.</p></div></div></shreddit-post>"
         "<shreddit-comment-tree>" +
         comments + "</shreddit-comment-tree></main></div></shreddit-app></body></html>";
}

TEST_F(BlockExtractionTest, ConsentBannersGoTheirPageStays) {
  for (const std::string body_class : {"v2", "v2 cookie-banner-open"}) {
    const HtmlExtractResult result = ExtractWithModel(ThreadUnderACookieBanner(body_class));
    EXPECT_EQ(result.method, "model") << body_class;
    EXPECT_NE(result.text.find("My starter bubbled on day two"), std::string::npos) << body_class << result.text;
    EXPECT_NE(result.text.find("Discard before feeding"), std::string::npos) << body_class << result.text;
    EXPECT_EQ(result.text.find("cookies"), std::string::npos) << body_class << result.text;
  }
}

// A product page whose description container a script fills: the HTML
// shows the name, the price and related products; the description is in the
// Product JSON-LD only. It is added. A page that shows a paragraph of its
// own does not get the JSON-LD's other wording of it.
std::string ProductPage(const std::string& visible_description) {
  std::string related;
  // Enough of them that the page's text is not short (min_text_chars).
  for (const char* name : {"Oatmeal Lambswool Cushion Cover", "Undyed Alpaca Scarf", "Linen Waffle Bath Towel",
                           "Cedar Wool Storage Bag", "Herringbone Lap Blanket", "Fisherman Rib Hot Water Bottle",
                           "Shetland Tweed Footstool Cover", "Moss Stitch Baby Blanket", "Borders Check Picnic Rug"}) {
    related += "<li class='product-miniature'><h3 class='product-title'><a href='/p'>" + std::string(name) +
               "</a></h3><span class='price'>£34.00</span></li>";
  }
  return "<html><head><title>Charcoal Merino Throw</title><script type='application/ld+json'>{\"@context\": "
         "\"https://schema.org\", \"@type\": \"Product\", \"name\": \"Charcoal Merino Throw\", \"description\": "
         "\"Woven on a century-old shuttle loom in the Scottish Borders, this throw is made from extra-fine merino "
         "that is soft enough for bare shoulders and warm enough for a cold stone cottage.\"}</script></head><body>"
         "<nav class='breadcrumb'><a href='/'>Home</a> <a href='/living'>Living Room</a></nav>"
         "<div class='product-container'><h1 class='h1'>Charcoal Merino Throw</h1><span class='current-price'>£89.00"
         "</span><div class='product-description' id='product-description'>" +
         visible_description +
         "</div><table class='data-sheet'><tr><th>Composition</th><td>100% extra-fine merino wool</td></tr>"
         "<tr><th>Size</th><td>130 x 180 cm, fringed on both short ends</td></tr><tr><th>Weight</th><td>1.1 kg"
         "</td></tr><tr><th>Weave</th><td>Herringbone twill on a shuttle loom</td></tr><tr><th>Care</th><td>Hand "
         "wash cold, dry flat in the shade</td></tr><tr><th>Origin</th><td>Woven and finished in the Scottish "
         "Borders</td></tr></table></div><section class='featured-products'><h2>You might also like</h2><ul>" +
         related + "</ul></section><footer>Copyright Borders Wool Co.</footer></body></html>";
}

TEST_F(BlockExtractionTest, AProductDescriptionOnlyItsStructuredDataHoldsIsAdded) {
  const HtmlExtractResult empty = ExtractWithModel(ProductPage(""));
  EXPECT_NE(empty.text.find("Woven on a century-old shuttle loom"), std::string::npos) << empty.text;
  EXPECT_TRUE(empty.completed_from_structured_data);

  const HtmlExtractResult shown = ExtractWithModel(ProductPage(
      "<p>Our heaviest throw, loomed slowly from fine merino in the Borders and finished by hand with a twisted "
      "fringe, for the sofa or the foot of the bed.</p><p>Each one takes a weaver most of a day; the wool is washed in "
      "soft Tweed water and left undyed where the fleece allows, so no two throws are quite the same shade.</p>"));
  EXPECT_NE(shown.text.find("Our heaviest throw"), std::string::npos) << shown.text;
  EXPECT_EQ(shown.text.find("Woven on a century-old shuttle loom"), std::string::npos) << shown.text;
}

// A page whose blocks the model keeps none of falls back to the rules or
// the visible text; it keeps the type the page model gave it.
TEST_F(BlockExtractionTest, APageTheModelKeepsNothingOfKeepsItsPageType) {
  const HtmlExtractResult result = ExtractWithModel(
      "<html><head><title>Links</title></head><body><nav class='menu'><ul><li><a href='/a'>Home</a></li>"
      "<li><a href='/b'>About us</a></li><li><a href='/c'>Contact</a></li></ul></nav></body></html>");
  EXPECT_NE(result.method, "model") << result.text;
  EXPECT_FALSE(result.page_type.empty()) << result.method;
}

TEST_F(BlockExtractionTest, ForumThreadKeepsEveryPostInOrder) {
  const HtmlExtractResult result = ExtractWithModel(ForumThread());
  const std::string& text = result.text;
  EXPECT_EQ(result.method, "model");
  EXPECT_EQ(result.page_type, "forum");
  const size_t first = Find(text, "I replaced the thermostat");
  const size_t second = Find(text, "Check the opening temperature");
  const size_t third = Find(text, "Also bleed the cooling system");
  const size_t fourth = Find(text, "Thanks both, the new one");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  ASSERT_NE(third, std::string::npos) << text;
  ASSERT_NE(fourth, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_LT(third, fourth);
  EXPECT_EQ(Find(text, "Posts: 137"), std::string::npos) << text;
  EXPECT_EQ(Find(text, "likes"), std::string::npos) << text;
  EXPECT_EQ(Find(text, "Next page"), std::string::npos) << text;
  EXPECT_EQ(Find(text, "run by volunteers"), std::string::npos) << text;
}

TEST_F(BlockExtractionTest, ForumPostsSurviveKeepCommentsFalse) {
  // A thread is not an article with comments: class names with "comment"
  // must not drop the posts when keep_comments is false (the default).
  std::string html = ForumThread();
  for (size_t at = 0; (at = html.find("class='post'", at)) != std::string::npos;) {
    html.replace(at, 12, "class='comment'");
  }
  const std::string text = ExtractWithModel(html).text;
  EXPECT_NE(Find(text, "Check the opening temperature"), std::string::npos) << text;
  EXPECT_NE(Find(text, "Thanks both, the new one"), std::string::npos) << text;
}

TEST(BlockFeaturesTest, KeepCommentsDoesNotChangeTheFeaturesTheModelReads) {
  // The model was trained on features computed with the default options;
  // keep_comments decides what is kept, not what the model is shown.
  std::string html = ForumThread();
  html.insert(html.find("<div class='post' id='post-1'>"), "<div class='comments' id='comments'>");
  html.insert(html.find("</div><div class='pagination'>"), "</div>");
  const HtmlTree tree(html, 0);
  HtmlExtractOptions keep;
  keep.keep_comments = true;
  const PageBlocks by_default = ComputePageBlocks(tree, HtmlExtractOptions{}, ReadStructuredData(tree.meta()));
  const PageBlocks keeping = ComputePageBlocks(tree, keep, ReadStructuredData(tree.meta()));
  ASSERT_FALSE(by_default.features.empty());
  EXPECT_EQ(by_default.features, keeping.features);
}

TEST_F(BlockExtractionTest, BareCountsAreNotContent) {
  // Vote and reply counts sit in the post's own block layout, where the model
  // may keep them; a block that is only a number is never a sentence.
  std::string html = ForumThread();
  for (size_t at = 0; (at = html.find("<div class='post-body'><p>", at)) != std::string::npos; at += 30) {
    html.insert(at + 23, "<p>" + std::to_string(1200 + at % 7) + "</p>");
  }
  const std::string text = ExtractWithModel(html).text;
  ASSERT_NE(Find(text, "Check the opening temperature"), std::string::npos) << text;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) EXPECT_NE(line.rfind("120", 0), 0u) << line;
}

TEST_F(BlockExtractionTest, DocumentationKeepsCodeVerbatimDropsSidebar) {
  std::string sidebar = "<nav class='sidebar'><ul>";
  for (const char* page : {"Installation", "Configuration", "Plugins", "Command line", "FAQ", "Changelog"}) {
    sidebar += std::string("<li><a href='/docs/") + page + "'>" + page + "</a></li>";
  }
  sidebar += "</ul></nav>";
  const HtmlExtractResult result = ExtractWithModel(
      "<html><body><header><a href='/'>mytool</a><select class='version-picker'><option>v2.1</option>"
      "</select></header><div class='layout'>" + sidebar +
      "<main class='docs-content'><h1>Configuration</h1><p>mytool reads its settings from a YAML file given "
      "with the -c option. Every key has a default, so an empty file is a valid configuration.</p><h2>An "
      "example</h2><pre><code>threads: 4\noutput:\n  dir: out/\n  compression: zstd</code></pre><p>Keys that "
      "mytool does not know are an error, so a typo is caught before the run starts.</p><h2>Options</h2>"
      "<h3><code>threads</code></h3><p>The number of worker threads. The default, 0, uses every core of the "
      "machine.</p><h3><code>output.dir</code></h3><p>Where the results are written. The directory is created "
      "when it does not exist.</p><pre><code>mytool run -c config.yaml --set output.dir=/tmp/out</code></pre>"
      "<h3><code>output.compression</code></h3><p>One of <code>none</code>, <code>gzip</code> or "
      "<code>zstd</code>.</p><a class='edit-link' "
      "href='https://example.com/edit/config.md'>Edit this page</a></main><aside class='toc'><p>On this "
      "page</p><ul><li><a href='#example'>An example</a></li></ul></aside></div></body></html>");
  const std::string& text = result.text;
  EXPECT_EQ(result.page_type, "documentation");
  EXPECT_NE(Find(text, "threads: 4\noutput:\n  dir: out/\n  compression: zstd"), std::string::npos) << text;
  EXPECT_NE(Find(text, "reads its settings from a YAML file"), std::string::npos) << text;
  EXPECT_NE(Find(text, "a typo is caught"), std::string::npos) << text;
  EXPECT_EQ(Find(text, "Changelog"), std::string::npos) << text;
  EXPECT_EQ(Find(text, "Edit this page"), std::string::npos) << text;
}

TEST_F(BlockExtractionTest, ListingKeepsEachItemsTitleAndDescription) {
  std::string items;
  const char* titles[] = {"Cast iron skillet, 26 cm", "Enamelled Dutch oven", "Carbon steel wok",
                          "Stainless saucepan set", "Ceramic baking dish"};
  for (int i = 0; i < 5; ++i) {
    items += std::string("<li class='product-card'><a href='/p/") + std::to_string(i) + "'><h3>" + titles[i] +
             "</h3></a><p class='desc'>Item " + std::to_string(i) + " is made to last for decades of everyday "
             "cooking, and it goes from the hob to the oven without a second thought.</p><span "
             "class='price'>$" + std::to_string(30 + i * 5) + "</span></li>";
  }
  const HtmlExtractResult result = ExtractWithModel(
      "<html><body><nav><a href='/'>Shop</a><a href='/cart'>Cart</a></nav><h1>Cookware</h1>"
      "<div class='filters'><h4>Filter by</h4><ul><li><a href='?m=iron'>Cast iron (12)</a></li><li><a "
      "href='?m=steel'>Steel (30)</a></li></ul><select class='sort'><option>Sort by price</option></select>"
      "</div><ul class='product-grid'>" + items + "</ul><div class='pagination'><a href='?p=2'>2</a><a "
      "href='?p=3'>3</a><a href='?p=2'>Next</a></div></body></html>");
  const std::string& text = result.text;
  // A shop's category grid: WCXB calls it a collection, a listing is close.
  EXPECT_TRUE(result.page_type == "collection" || result.page_type == "listing") << result.page_type;
  size_t previous = 0;
  for (int i = 0; i < 5; ++i) {
    const size_t at = Find(text, "Item " + std::to_string(i) + " is made to last");
    ASSERT_NE(at, std::string::npos) << text;
    if (i > 0) {
      EXPECT_GT(at, previous);
    }
    previous = at;
  }
  EXPECT_EQ(Find(text, "Cast iron (12)"), std::string::npos) << text;
}

TEST_F(BlockExtractionTest, HundredThousandCardsFinishWithinTheTimeLimit) {
  std::string html = "<html><body><h1>All parts</h1><div class='grid'>";
  for (int i = 0; i < 100000; ++i) {
    html += "<div class='card'><a href='/p/" + std::to_string(i) + "'>Part " + std::to_string(i) +
            "</a><p>Spare part number " + std::to_string(i) + " for the model line.</p></div>";
  }
  html += "</div></body></html>";
  StageContext context;
  context.config_dir = testing::SourceDir() + "/configs";
  context.models_dir = testing::SourceDir() + "/models";
  ExtractOptions options;
  options.phrases = "boilerplate_phrases.txt";
  // Linear work, not a timed assertion: the limit is far above the ~2 s a
  // Release build needs (6 s under ASan), so only a blow-up trips it.
  options.timeout_ms = 60'000;
  ExtractStage stage(options, context);
  stage.Load();
  Document doc;
  doc.kind = ContentKind::kHtml;
  doc.raw = html;
  stage.ProcessDoc(doc);
  // Done within the stage's CPU limit, not rejected as timeout, and every
  // card kept, in order, to the last. (This page is far outside what the model was trained on: it keeps
  // the cards' titles but not their one-line descriptions.)
  ASSERT_FALSE(doc.rejected()) << doc.reject_reason;
  const std::string lines = "\n" + doc.text + "\n";
  size_t previous = 0;
  for (const int item : {0, 1, 5000, 50000, 99999}) {
    const size_t at = lines.find("\nPart " + std::to_string(item) + "\n");
    ASSERT_NE(at, std::string::npos) << item;
    if (item > 0) {
      EXPECT_GT(at, previous);
    }
    previous = at;
  }
}

TEST(TreeModelTest, MissingCorruptOrForeignModelIsAConfigErrorNamingThePath) {
  const testing::TempDir dir;
  // Through the command line too: exit 2 before any work, naming the file.
  std::string output;
  EXPECT_EQ(testing::RunTextmill({"validate", "-c", testing::SourceDir() + "/configs/default.yaml", "--set",
                                  "stages.extract.model=" + (dir / "absent.json")},
                                 &output),
            2);
  EXPECT_NE(output.find(dir / "absent.json"), std::string::npos) << output;
  try {
    TreeModel::Load(dir / "absent.json", FeatureNames());
    FAIL() << "no error for a missing model";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(dir / "absent.json"), std::string::npos) << e.what();
  }
  testing::WriteFile(dir / "corrupt.json", "{\"learner\": [1, 2");
  try {
    TreeModel::Load(dir / "corrupt.json", FeatureNames());
    FAIL() << "no error for a corrupt model";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(dir / "corrupt.json"), std::string::npos) << e.what();
  }
  // A valid XGBoost model whose feature list is not ours.
  std::string model = testing::ReadFile(testing::SourceDir() + "/models/extraction_blocks.ubj");
  const size_t at = model.find("chars,words,");
  ASSERT_NE(at, std::string::npos);
  model.replace(at, 5, "CHARS");
  testing::WriteFile(dir / "foreign.ubj", model);
  try {
    TreeModel::Load(dir / "foreign.ubj", FeatureNames());
    FAIL() << "no error for a model of other features";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("other features"), std::string::npos) << e.what();
  }
  // The block model is not a page-type model: other features.
  try {
    TreeModel::Load(testing::SourceDir() + "/models/extraction_blocks.ubj", PageFeatureNames());
    FAIL() << "the block model loaded as a page-type model";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("other features"), std::string::npos) << e.what();
  }
}

TEST(PageTypeTest, AModelWithoutClassesIsAConfigErrorNamingIt) {
  const testing::TempDir dir;
  std::string model = testing::ReadFile(testing::SourceDir() + "/models/extraction_page_types.ubj");
  for (const std::string key : {"classes", "thresholds"}) {
    const size_t at = model.find(key);
    ASSERT_NE(at, std::string::npos) << key;
    model[at] = 'X';  // the attribute is gone under its own name
  }
  testing::WriteFile(dir / "classless.ubj", model);
  std::string output;
  EXPECT_EQ(testing::RunTextmill({"validate", "-c", testing::SourceDir() + "/configs/default.yaml", "--set",
                                  "stages.extract.page_type_model=" + (dir / "classless.ubj")},
                                 &output),
            2);
  EXPECT_NE(output.find("not a page-type model"), std::string::npos) << output;
  EXPECT_NE(output.find(dir / "classless.ubj"), std::string::npos) << output;
}

TEST(PageTypeTest, PageFeaturesAreMeansOfTheBlockFeaturesThenThePageSignals) {
  const PageBlocks blocks = Blocks("<html><body><p>A short one.</p><p>" + std::string(300, 'x') +
                                   "</p><p>Third block here.</p></body></html>");
  ASSERT_EQ(blocks.text.size(), 3u);
  HtmlMeta meta;
  meta.generator = "discourse";
  meta.url = "https://forum.example.org/t/a-question/12345";
  const std::vector<float> signals = PageSignals(meta);
  const std::vector<float> page = PageFeatures(blocks, signals);
  const size_t width = FeatureNames().size();
  ASSERT_EQ(page.size(), PageFeatureNames().size());
  ASSERT_EQ(page.size(), 2 * width + 2 + PageSignalNames().size());
  EXPECT_EQ(std::vector<float>(page.end() - static_cast<std::ptrdiff_t>(signals.size()), page.end()), signals);
  double bytes = 0;
  for (const std::string& text : blocks.text) bytes += static_cast<double>(text.size());
  for (size_t f = 0; f < width; ++f) {
    double weighted = 0, mean = 0;
    for (size_t b = 0; b < 3; ++b) {
      weighted += blocks.features[b * width + f] * static_cast<double>(blocks.text[b].size()) / bytes;
      mean += blocks.features[b * width + f] / 3.0;
    }
    EXPECT_NEAR(page[f], weighted, 1e-3 * (1 + std::abs(weighted))) << FeatureNames()[f];
    EXPECT_NEAR(page[width + f], mean, 1e-3 * (1 + std::abs(mean))) << FeatureNames()[f];
  }
  EXPECT_NEAR(page[2 * width], std::log1p(3.0), 1e-5);
  EXPECT_NEAR(page[2 * width + 1], std::log1p(bytes), 1e-4);
}

TEST_F(BlockExtractionTest, PagesWithoutBlocksAreOtherWithTheBlockModelsThreshold) {
  const PageType type = ClassifyPage(*page_model(), PageBlocks{}, PageSignals(HtmlMeta{}), 0.42F);
  EXPECT_EQ(type.name, "other");
  EXPECT_FLOAT_EQ(type.block_threshold, 0.42F);
  EXPECT_EQ(page_model()->classes().size(), page_model()->class_thresholds().size());
  EXPECT_EQ(page_model()->classes().size(), 7u);
}

TEST_F(BlockExtractionTest, ForumProbabilityIsThePageModelsShareForForum) {
  const PageType forum = ClassifyPage(*page_model(), Blocks(ForumThread()), PageSignals(HtmlMeta{}), 0.5F);
  ASSERT_EQ(forum.name, "forum");
  EXPECT_GT(forum.forum_probability, 0.5F);
  EXPECT_LE(forum.forum_probability, 1.0F);
  EXPECT_FLOAT_EQ(ClassifyPage(*page_model(), PageBlocks{}, PageSignals(HtmlMeta{}), 0.5F).forum_probability, 0.0F);
}

// A thread of five replies, each with a signature, a similar-threads box
// whose rows are mostly dates and counts, and a related-threads box whose
// rows are 40% link text.
std::string ThreadWithSignaturesAndSimilarThreads() {
  std::string html = "<html><body><h1>Sourdough starter smells of nail polish</h1><div class='thread'>";
  const char* bodies[] = {
      "My starter is three weeks old and since Tuesday it smells sharply of nail polish remover after a feed.",
      "That smell is acetone from a hungry starter, so feed it twice a day at a higher ratio for a while.",
      "Keep it somewhere a little warmer as well, because a cold kitchen slows the yeast more than the bacteria.",
      "I had the same thing last winter and a week of feeding at one to five to five sorted it out for good.",
      "Thanks everyone, after four days of twice daily feeds the smell is gone and the loaf rose really well."};
  for (const char* body : bodies) {
    html += std::string("<div class='message'><div class='message-body'><p>") + body +
            "</p></div><div class='signature'><p>Baking since 1998 and still learning something new "
            "every single week in this kitchen</p></div></div>";
  }
  html += "</div><div class='similar'><ul>";
  for (int i = 0; i < 5; ++i) {
    html += "<li><p>Aug " + std::to_string(i + 1) + ", 2013 · Replies " + std::to_string(3 + i) + " · Views " +
            std::to_string(1200 + i) + " · Aug " + std::to_string(i + 3) + ", 2013 · 14:0" + std::to_string(i) +
            "</p></li>";
  }
  html += "</ul></div><div class='related'>";
  for (int i = 0; i < 4; ++i) {
    html += "<p><a href='/t/" + std::to_string(i) + "'>Starter smells of acetone after feeding, thread " +
            std::to_string(i) + "</a> was answered by members who bake sourdough bread at home every week</p>";
  }
  return html + "</div></body></html>";
}

size_t BlockStarting(const PageBlocks& blocks, const std::string& prefix) {
  for (size_t b = 0; b < blocks.text.size(); ++b) {
    if (blocks.text[b].rfind(prefix, 0) == 0) return b;
  }
  ADD_FAILURE() << "no block starts with " << prefix;
  return 0;
}

TEST(ThreadPostsTest, EveryReplyOfAForumThreadIsKeptNotSignaturesOrSimilarThreads) {
  const PageBlocks blocks = Blocks(ThreadWithSignaturesAndSimilarThreads());
  const size_t opening = BlockStarting(blocks, "My starter is three weeks old");
  const std::vector<size_t> replies = {BlockStarting(blocks, "That smell is acetone"),
                                       BlockStarting(blocks, "Keep it somewhere a little warmer"),
                                       BlockStarting(blocks, "I had the same thing last winter"),
                                       BlockStarting(blocks, "Thanks everyone, after four days")};
  const size_t signature = BlockStarting(blocks, "Baking since 1998");
  const size_t similar = BlockStarting(blocks, "Aug 1, 2013");
  const size_t related = BlockStarting(blocks, "Starter smells of acetone after feeding, thread 0");
  // The model keeps the opening post only and scores the replies as an
  // article's comments.
  // A signature and a similar and a related thread score as high as a reply may.
  std::vector<float> scores(blocks.text.size(), 0.1F);
  scores[opening] = 0.6F;
  scores[signature] = scores[similar] = scores[related] = 0.45F;
  const std::vector<uint8_t> posts = ThreadPosts(blocks, scores, PageType{"forum", 0.5F});
  ASSERT_EQ(posts.size(), blocks.text.size());
  EXPECT_TRUE(posts[opening]);
  for (const size_t reply : replies) EXPECT_TRUE(posts[reply]) << blocks.text[reply];
  EXPECT_FALSE(posts[signature]) << "a signature is not a post";
  EXPECT_FALSE(posts[similar]) << "dates and counts are not a post";
  EXPECT_FALSE(posts[related]) << "a list of links with a line each is not a post";

  // Not on other page types: an article's comments stay the model's call.
  for (const char* type : {"article", "product", "listing", ""}) {
    const std::vector<uint8_t> none = ThreadPosts(blocks, scores, PageType{type, 0.5F, 0.9F});
    EXPECT_EQ(std::count(none.begin(), none.end(), 1), 0) << type;
  }
  // Nor when no post reaches half the threshold: the group is not content.
  scores[opening] = scores[signature] = scores[similar] = scores[related] = 0.24F;
  const std::vector<uint8_t> unsure = ThreadPosts(blocks, scores, PageType{"forum", 0.5F});
  EXPECT_EQ(std::count(unsure.begin(), unsure.end(), 1), 0);
}

// bbPress marks its posts "odd" and "even" by turns: they are one thread all
// the same (post groups leave zebra hints out), while the model's groups, its
// features, keep them apart as it was trained.
TEST(ThreadPostsTest, PostsThatAlternateOddAndEvenAreOneThread) {
  std::string html = ThreadWithSignaturesAndSimilarThreads();
  int n = 0;
  for (size_t at = html.find("<div class='message'>"); at != std::string::npos;
       at = html.find("<div class='message'>", at + 1)) {
    html.replace(at, 21, std::string("<div class='message ") + (n++ % 2 ? "even" : "odd") + "'>");
  }
  ASSERT_EQ(n, 5);
  const PageBlocks blocks = Blocks(html);
  const std::vector<size_t> posts = {BlockStarting(blocks, "My starter is three weeks old"),
                                     BlockStarting(blocks, "That smell is acetone"),
                                     BlockStarting(blocks, "Keep it somewhere a little warmer"),
                                     BlockStarting(blocks, "I had the same thing last winter"),
                                     BlockStarting(blocks, "Thanks everyone, after four days")};
  EXPECT_NE(blocks.group[posts[0]], blocks.group[posts[1]]);  // the model's groups as before
  std::vector<float> scores(blocks.text.size(), 0.1F);
  scores[posts[0]] = 0.6F;
  const std::vector<uint8_t> kept = ThreadPosts(blocks, scores, PageType{"forum", 0.5F});
  for (const size_t post : posts) EXPECT_TRUE(kept[post]) << blocks.text[post];
  EXPECT_FALSE(kept[BlockStarting(blocks, "Baking since 1998")]) << "a signature is not a post";
}

TEST(ThreadPostsTest, TwoPostsAreNotAThreadAndAPageWithoutBlocksHasNone) {
  std::string html = ThreadWithSignaturesAndSimilarThreads();
  // Keep the first two messages only.
  const size_t third = html.find("<div class='message'>", html.find("That smell is acetone"));
  html.erase(third, html.find("</div><div class='similar'>") - third);
  const PageBlocks blocks = Blocks(html);
  std::vector<float> scores(blocks.text.size(), 0.1F);
  scores[BlockStarting(blocks, "My starter is three weeks old")] = 0.6F;
  const std::vector<uint8_t> posts = ThreadPosts(blocks, scores, PageType{"forum", 0.5F});
  EXPECT_FALSE(posts[BlockStarting(blocks, "That smell is acetone")]);
  EXPECT_TRUE(ThreadPosts(PageBlocks{}, {}, PageType{"forum", 0.5F}).empty());
}

std::string ReadPage(const std::string& path) {
  std::ifstream in(testing::SourceDir() + path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Threads as XenForo (examples/forum/) and phpBB lay them out, written for
// these tests: every post in order; the user panels, post numbers, reaction
// and reply bars, signatures, similar threads and who-is-online boxes out.
TEST_F(BlockExtractionTest, ForumSoftwareThreadsKeepEveryPostWithoutTheirWidgets) {
  const char* posts[] = {"I have a 2014 Golf TDI with 180k km",         "Cleaning works if the valve is only sooted up",
                         "Before you take anything apart, log the EGR", "Logged it this morning: the actual position",
                         "One more tip from someone who has done this", "Update for anyone finding this thread later"};
  for (const char* page :
       {"/examples/forum/egr-valve-thread.html", "/tests/unit/stages/extract/pages/phpbb-thread.html"}) {
    const std::string html = ReadPage(page);
    ASSERT_FALSE(html.empty()) << page;
    const HtmlExtractResult result = ExtractWithModel(html);
    const std::string& text = result.text;
    EXPECT_EQ(result.page_type, "forum") << page;
    size_t last = 0;
    for (const char* post : posts) {
      const size_t at = Find(text, post);
      ASSERT_NE(at, std::string::npos) << page << " lost: " << post << "\n" << text;
      EXPECT_GE(at, last) << page << ": out of order: " << post;
      last = at;
    }
    for (const char* widget : {"Well-known member", "Reaction score", "#2", "and 3 others", "lawnmower that never",
                               "Similar threads", "Replies 14", "Who is online", "guests", "Posts:", "Joined:",
                               "Post Reply", "Terms and rules", "phpBB Limited", "XenForo Ltd", "Mar 3, 2024"}) {
      EXPECT_EQ(Find(text, widget), std::string::npos) << page << " kept: " << widget << "\n" << text;
    }
  }
}

// vBulletin 3's table-laid posts: the header row's date and post number
// ("&nbsp; #1"), the user panel and the posting rules box are furniture.
TEST_F(BlockExtractionTest, VBulletinPostHeadersAndPanelsAreNotContent) {
  const std::string html = ReadPage("/tests/unit/stages/extract/pages/vbulletin3-thread.html");
  ASSERT_FALSE(html.empty());
  const HtmlExtractResult result = ExtractWithModel(html);
  const std::string& text = result.text;
  EXPECT_EQ(result.page_type, "forum");
  EXPECT_NE(Find(text, "Changed the spark plugs on my 2006 4.0"), std::string::npos) << text;
  EXPECT_NE(Find(text, "First thing I'd check on that engine"), std::string::npos) << text;
  for (const char* widget : {"02-11-2024", "#1", "#4", "Join Date", "Junior Member", "Originally Posted by",
                             "BB code is On", "You may not post"}) {
    EXPECT_EQ(Find(text, widget), std::string::npos) << "kept: " << widget << "\n" << text;
  }
}

TEST(PageTypeTest, ListingsAndCollectionsTogetherOutweighAnArticle) {
  const std::vector<std::string> classes = {"article", "collection", "documentation", "forum",
                                            "listing", "product",    "service"};
  // The likeliest class, as a rule.
  EXPECT_EQ(classes[LikeliestClass({0.6F, 0.1F, 0.0F, 0.1F, 0.1F, 0.05F, 0.05F}, classes)], "article");
  EXPECT_EQ(classes[LikeliestClass({0.1F, 0.1F, 0.1F, 0.5F, 0.1F, 0.05F, 0.05F}, classes)], "forum");
  // An article the model splits listing and collection against: the likelier of the two.
  EXPECT_EQ(classes[LikeliestClass({0.36F, 0.23F, 0.0F, 0.0F, 0.24F, 0.1F, 0.07F}, classes)], "listing");
  EXPECT_EQ(classes[LikeliestClass({0.40F, 0.25F, 0.0F, 0.0F, 0.20F, 0.1F, 0.05F}, classes)], "collection");
  // Not when the article still outweighs them, nor for another class.
  EXPECT_EQ(classes[LikeliestClass({0.45F, 0.2F, 0.0F, 0.0F, 0.2F, 0.1F, 0.05F}, classes)], "article");
  EXPECT_EQ(classes[LikeliestClass({0.1F, 0.2F, 0.0F, 0.0F, 0.2F, 0.45F, 0.05F}, classes)], "product");
  // A model without those classes: the likeliest.
  EXPECT_EQ(LikeliestClass({0.4F, 0.35F, 0.25F}, {"article", "collection", "forum"}), 0U);
}

TEST(PageTypeTest, CommentsAreDroppedOnArticlesAndProductsUnlessTheyMayBeThreads) {
  EXPECT_TRUE(DropsCommentsOn({"", 0.5F}));
  EXPECT_TRUE(DropsCommentsOn({"article", 0.5F, 0.1F}));
  EXPECT_TRUE(DropsCommentsOn({"product", 0.5F, 0.0F}));
  EXPECT_FALSE(DropsCommentsOn({"article", 0.5F, 0.2F}));
  EXPECT_FALSE(DropsCommentsOn({"product", 0.5F, 0.3F}));
  for (const char* kept : {"forum", "documentation", "listing", "collection", "service"}) {
    EXPECT_FALSE(DropsCommentsOn({kept, 0.5F, 0.0F})) << kept;
  }
}

}  // namespace
}  // namespace textmill
