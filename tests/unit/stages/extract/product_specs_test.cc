// A product's specification rows are kept on product pages, whatever the
// block model scores them.
#include "stages/extract/product_specs.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stages/extract/hint_matches.h"
#include "stages/extract/html_extractor.h"

namespace textmill {
namespace {

std::string ProductWithSpecifications() {
  std::string rows;
  const char* specs[][2] = {{"Screen Size", "64.5 inches"}, {"Refresh Rate", "144Hz"}, {"Brand", "Voltaro"}};
  for (const auto& [label, value] : specs) {
    rows += std::string("<li><div class='row'><div class='title'>") + label + "</div><div class='row-value'>" + value +
            "</div></div></li>";
  }
  // Inside the list too: a row seven levels down, and a row of links.
  rows += "<li><div><div><div><div><div><p>Seven levels down</p></div></div></div></div></div></li>";
  rows += "<li><div class='row'><a href='/manuals/q9.pdf'>Download the user manual as a PDF file</a></div></li>";
  // <body> and <main> with spec classes: never the list, whatever their classes say.
  return "<html><body class='product-specs-page'><main class='spec'><h1>Q9 Series 65-inch TV</h1><p>See every "
         "detail the way it was meant to be seen.</p>"
         "<div id='specifications-accordion' class='shop-specifications'><h2>Specifications</h2><ul "
         "class='spec-categories'><li><ul class='specs-list'>" +
         rows +
         "</ul></li></ul></div></main>"
         "<div class='recommendations'><h2>Customers also viewed</h2><p>Soundbar with wireless subwoofer</p>"
         "<p><a href='/p/1'>Wall mount for 55 to 85 inch TVs</a></p></div></body></html>";
}

size_t BlockWith(const PageBlocks& blocks, const std::string& text) {
  for (size_t b = 0; b < blocks.text.size(); ++b) {
    if (blocks.text[b] == text) return b;
  }
  ADD_FAILURE() << "no block " << text;
  return 0;
}

// On a product page the rows of a "spec" container are kept (labels and
// values), and only they: not a row more than kSpecsReach levels down, nor a
// row of links, nor the recommendations, nor the description in a <main> whose
// class says "spec"; on other page types nothing changes.
TEST(ProductSpecsTest, SpecificationRowsAreKeptOnProductPagesOnly) {
  const HtmlTree tree(ProductWithSpecifications(), 0);
  const PageBlocks blocks = ComputePageBlocks(tree, HtmlExtractOptions{}, StructuredData{});
  const std::vector<uint8_t> flags = MatchRuleHints(tree.nodes());
  const std::vector<uint8_t> never(blocks.text.size(), 0);
  std::vector<uint8_t> keep(blocks.text.size(), 0);
  KeepSpecificationRows(tree, blocks, flags, PageType{"product", 0.5F}, never, keep);
  for (const char* text : {"Specifications", "Screen Size", "64.5 inches", "Refresh Rate", "144Hz", "Voltaro"}) {
    EXPECT_TRUE(keep[BlockWith(blocks, text)]) << text;
  }
  for (const char* text : {"Customers also viewed", "Soundbar with wireless subwoofer",
                           "Wall mount for 55 to 85 inch TVs", "See every detail the way it was meant to be seen.",
                           "Seven levels down", "Download the user manual as a PDF file"}) {
    EXPECT_FALSE(keep[BlockWith(blocks, text)]) << text;
  }
  std::vector<uint8_t> other(blocks.text.size(), 0);
  KeepSpecificationRows(tree, blocks, flags, PageType{"article", 0.5F}, never, other);
  EXPECT_EQ(std::count(other.begin(), other.end(), 1), 0);
  // A block no rule may keep stays out.
  std::vector<uint8_t> never_value = never;
  never_value[BlockWith(blocks, "144Hz")] = 1;
  std::vector<uint8_t> kept(blocks.text.size(), 0);
  KeepSpecificationRows(tree, blocks, flags, PageType{"product", 0.5F}, never_value, kept);
  EXPECT_FALSE(kept[BlockWith(blocks, "144Hz")]);
}

}  // namespace
}  // namespace textmill
