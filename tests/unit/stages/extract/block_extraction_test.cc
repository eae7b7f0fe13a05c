// The learned extraction path: blocks and their features, structured data,
// the model file's checks, and whole pages of the kinds beyond articles
// (forum threads, documentation, listings, products), written for these tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "pipeline/errors.h"
#include "stages/extract/block_features.h"
#include "stages/extract/block_model.h"
#include "stages/extract/extract.h"
#include "stages/extract/html_extractor.h"
#include "stages/extract/html_tree.h"
#include "stages/extract/structured_data.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

const BoilerplatePhrases& Phrases() {
  static const BoilerplatePhrases phrases(testing::SourceDir() + "/configs/boilerplate_phrases.txt");
  return phrases;
}

// The shipped model, loaded once for the suite and freed before the
// process exits (XGBoost's own statics may be gone by then).
class BlockModelExtractionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = BlockModel::Load(testing::SourceDir() + "/models/extraction_blocks.ubj").release();
  }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
  }
  static const BlockModel* model_;

 public:
  static const BlockModel* model() { return model_; }
};
const BlockModel* BlockModelExtractionTest::model_ = nullptr;

const BlockModel& Model() { return *BlockModelExtractionTest::model(); }

HtmlExtractResult ExtractWithModel(const std::string& html) {
  const HtmlTree tree(html, 0);
  return ExtractMainText(tree, HtmlExtractOptions{}, &Phrases(), &Model());
}

size_t Find(const std::string& text, const std::string& needle) { return text.find(needle); }

std::string ForumThread();
std::string ForumThreadForFeatures() { return ForumThread(); }

PageBlocks Blocks(const std::string& html) {
  const HtmlTree tree(html, 0);
  return ComputePageBlocks(tree, HtmlExtractOptions{}, ReadStructuredData(tree.meta()));
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

TEST_F(BlockModelExtractionTest, ButtonWithUnclosedDivDoesNotSwallowThePage) {
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

TEST_F(BlockModelExtractionTest, ForumThreadKeepsEveryPostInOrder) {
  const HtmlExtractResult result = ExtractWithModel(ForumThread());
  const std::string& text = result.text;
  EXPECT_EQ(result.method, "model");
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

TEST_F(BlockModelExtractionTest, ForumPostsSurviveKeepCommentsFalse) {
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

TEST_F(BlockModelExtractionTest, DocumentationKeepsCodeVerbatimDropsSidebar) {
  std::string sidebar = "<nav class='sidebar'><ul>";
  for (const char* page : {"Installation", "Configuration", "Plugins", "Command line", "FAQ", "Changelog"}) {
    sidebar += std::string("<li><a href='/docs/") + page + "'>" + page + "</a></li>";
  }
  sidebar += "</ul></nav>";
  const std::string text = ExtractWithModel(
      "<html><body><header><a href='/'>mytool</a><select class='version-picker'><option>v2.1</option>"
      "</select></header><div class='layout'>" + sidebar +
      "<main class='docs-content'><h1>Configuration</h1><p>mytool reads its settings from a YAML file given "
      "with the -c option. Every key has a default, so an empty file is a valid configuration.</p><h2>An "
      "example</h2><pre><code>threads: 4\noutput:\n  dir: out/\n  compression: zstd</code></pre><p>Keys that "
      "mytool does not know are an error, so a typo is caught before the run starts.</p><a class='edit-link' "
      "href='https://example.com/edit/config.md'>Edit this page</a></main><aside class='toc'><p>On this "
      "page</p><ul><li><a href='#example'>An example</a></li></ul></aside></div></body></html>").text;
  EXPECT_NE(Find(text, "threads: 4\noutput:\n  dir: out/\n  compression: zstd"), std::string::npos) << text;
  EXPECT_NE(Find(text, "reads its settings from a YAML file"), std::string::npos) << text;
  EXPECT_NE(Find(text, "a typo is caught"), std::string::npos) << text;
  EXPECT_EQ(Find(text, "Changelog"), std::string::npos) << text;
  EXPECT_EQ(Find(text, "Edit this page"), std::string::npos) << text;
}

TEST_F(BlockModelExtractionTest, ListingKeepsEachItemsTitleAndDescription) {
  std::string items;
  const char* titles[] = {"Cast iron skillet, 26 cm", "Enamelled Dutch oven", "Carbon steel wok",
                          "Stainless saucepan set", "Ceramic baking dish"};
  for (int i = 0; i < 5; ++i) {
    items += std::string("<li class='product-card'><a href='/p/") + std::to_string(i) + "'><h3>" + titles[i] +
             "</h3></a><p class='desc'>Item " + std::to_string(i) + " is made to last for decades of everyday "
             "cooking, and it goes from the hob to the oven without a second thought.</p><span "
             "class='price'>$" + std::to_string(30 + i * 5) + "</span></li>";
  }
  const std::string text = ExtractWithModel(
      "<html><body><nav><a href='/'>Shop</a><a href='/cart'>Cart</a></nav><h1>Cookware</h1>"
      "<div class='filters'><h4>Filter by</h4><ul><li><a href='?m=iron'>Cast iron (12)</a></li><li><a "
      "href='?m=steel'>Steel (30)</a></li></ul><select class='sort'><option>Sort by price</option></select>"
      "</div><ul class='product-grid'>" + items + "</ul><div class='pagination'><a href='?p=2'>2</a><a "
      "href='?p=3'>3</a><a href='?p=2'>Next</a></div></body></html>").text;
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

TEST_F(BlockModelExtractionTest, HundredThousandCardsFinishWithinTheTimeLimit) {
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

TEST(BlockModelTest, MissingCorruptOrForeignModelIsAConfigErrorNamingThePath) {
  const testing::TempDir dir;
  // Through the command line too: exit 2 before any work, naming the file.
  std::string output;
  EXPECT_EQ(testing::RunTextmill({"validate", "-c", testing::SourceDir() + "/configs/default.yaml", "--set",
                                  "stages.extract.model=" + (dir / "absent.json")},
                                 &output),
            2);
  EXPECT_NE(output.find(dir / "absent.json"), std::string::npos) << output;
  try {
    BlockModel::Load(dir / "absent.json");
    FAIL() << "no error for a missing model";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(dir / "absent.json"), std::string::npos) << e.what();
  }
  testing::WriteFile(dir / "corrupt.json", "{\"learner\": [1, 2");
  try {
    BlockModel::Load(dir / "corrupt.json");
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
    BlockModel::Load(dir / "foreign.ubj");
    FAIL() << "no error for a model of other features";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("other block features"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace textmill
