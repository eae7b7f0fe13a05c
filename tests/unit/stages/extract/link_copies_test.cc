// Link copies (link_copies.h): a table of contents and a sidebar entry that
// repeat kept headings go; links with text of their own and repeated prose stay.
#include "stages/extract/link_copies.h"

#include <gtest/gtest.h>

#include "stages/extract/html_extractor.h"
#include "stages/extract/html_tree.h"
#include "stages/extract/structured_data.h"

namespace textmill {
namespace {

TEST(LinkCopiesTest, LooseTextDropsAnchorsCaseAndPunctuation) {
  EXPECT_EQ(LooseText("How the signature is built\xE2\x80\x8B"), "how the signature is built");
  EXPECT_EQ(LooseText("Installation\xC2\xB6"), "installation");
  EXPECT_EQ(LooseText("  Step 2: Install the CLI! "), "step 2 install the cli");
  EXPECT_EQ(LooseText("Café au lait"), "café au lait");  // letters beyond ASCII stay as they are
  EXPECT_EQ(LooseText("# ¶ §"), "");
  // Stopped past the limit: longer than it, so never equal to a text that short.
  EXPECT_GT(LooseTextUpTo("Compute the HMAC over the raw body", 7).size(), 7u);
  EXPECT_LT(LooseTextUpTo("Compute the HMAC over the raw body", 7).size(), 12u);
  EXPECT_EQ(LooseTextUpTo("Use the raw body\xE2\x80\x8B", 16), "use the raw body");
}

size_t BlockWithText(const PageBlocks& blocks, const std::string& text, size_t from = 0) {
  for (size_t b = from; b < blocks.text.size(); ++b) {
    if (blocks.text[b] == text) return b;
  }
  ADD_FAILURE() << "no block " << text;
  return 0;
}

TEST(LinkCopiesTest, TableOfContentsEntriesRepeatingKeptHeadingsGo) {
  const std::string html =
      "<html><body><nav class='sidebar'><ul><li><a href='/webhooks'>Verifying signatures</a></li>"
      "<li><a href='/limits'>Limits and quotas</a></li></ul></nav><article>"
      "<h1>Verifying signatures</h1><p>Every request carries a signature header that you check first.</p>"
      "<h2 id='raw'>Use the raw body\xE2\x80\x8B</h2><p>Compute the HMAC over the exact bytes you received.</p>"
      "<p>Compute the HMAC over the exact bytes you received.</p>"
      "<p>See <a href='/errors'>the error reference</a> for the codes.</p></article>"
      "<div class='toc'><ul><li><a href='#raw'>Use the raw body</a></li></ul></div></body></html>";
  const HtmlTree tree(html, 0);
  const PageBlocks blocks = ComputePageBlocks(tree, HtmlExtractOptions{}, ReadStructuredData(tree.meta()));
  std::vector<uint8_t> keep(blocks.text.size(), 1);
  DropLinkCopiesOfKeptText(blocks, keep);
  const size_t sidebar_copy = BlockWithText(blocks, "Verifying signatures");
  const size_t heading = BlockWithText(blocks, "Verifying signatures", sidebar_copy + 1);
  const size_t toc_copy = BlockWithText(blocks, "Use the raw body");
  EXPECT_FALSE(keep[sidebar_copy]) << "a sidebar link naming the page's own heading";
  EXPECT_FALSE(keep[toc_copy]) << "a TOC entry repeating a heading (its anchor mark aside)";
  EXPECT_TRUE(keep[heading]);
  EXPECT_TRUE(keep[BlockWithText(blocks, "Use the raw body\xE2\x80\x8B")]);
  EXPECT_TRUE(keep[BlockWithText(blocks, "Limits and quotas")]) << "a link with text of its own";
  const size_t prose = BlockWithText(blocks, "Compute the HMAC over the exact bytes you received.");
  EXPECT_TRUE(keep[prose] &&
              keep[BlockWithText(blocks, "Compute the HMAC over the exact bytes you received.", prose + 1)])
      << "repeated prose is not a link copy";
  EXPECT_TRUE(keep[BlockWithText(blocks, "See the error reference for the codes.")]);

  // A link copy of a block that is not kept stays: there is nothing it repeats.
  std::vector<uint8_t> without_heading(blocks.text.size(), 1);
  without_heading[heading] = 0;
  DropLinkCopiesOfKeptText(blocks, without_heading);
  EXPECT_TRUE(without_heading[sidebar_copy]);
}

}  // namespace
}  // namespace textmill
