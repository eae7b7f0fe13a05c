// The rules that take furniture out of the model's kept blocks.
#include "stages/extract/furniture.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stages/extract/html_extractor.h"

namespace textmill {
namespace {

const PageType kForum{"forum", 0.5F};
const PageType kListing{"listing", 0.2F};

TEST(FurnitureTest, PostDatesOnForumPagesOnly) {
  for (const char* date : {"Mar 3, 2024", "April 26, 2024, 6:28am", "Tue, May 7, 2024 at 10:41 PM", "3 Mar 2024",
                           "2024-03-03", "5h ago", "2 years ago", "a month ago", "yesterday", "\u00a0 Mar 4, 2024 "}) {
    EXPECT_TRUE(IsPostDate(date, kForum)) << date;
    EXPECT_FALSE(IsPostDate(date, kListing)) << date;
  }
  for (const char* text : {"March 2024 was the coldest on record.", "Posted on Mar 3, 2024 by lena_k", "5 hours",
                           "Mar 3", "Today we look at valves."}) {
    EXPECT_FALSE(IsPostDate(text, kForum)) << text;
  }
}

TEST(FurnitureTest, PostNumbersOnForumPagesOnly) {
  for (const char* number : {"#1", "#12", "# 3", "\u00a0 # 1", "#204 \u00a0"}) {
    EXPECT_TRUE(IsPostNumber(number, kForum)) << number;
    EXPECT_FALSE(IsPostNumber(number, kListing)) << number;  // a ranked list keeps its ranks
  }
  for (const char* text : {"#", "#1 tip", "#hashtag", "12", "#12345678"}) {
    EXPECT_FALSE(IsPostNumber(text, kForum)) << text;
  }
}

TEST(FurnitureTest, BareCountsAreWholeNumbersOnly) {
  for (const char* count : {"13", "1,204", "0"}) EXPECT_TRUE(IsBareCount(count)) << count;
  for (const char* text : {"", "13 likes", "1.5", "-3", "1234567890"}) EXPECT_FALSE(IsBareCount(text)) << text;
}

// The blocks of `html` a rule leaves kept when given them all, printed as a list.
std::string KeptAfter(const std::string& html,
                      void (*rule)(const HtmlTree&, const PageBlocks&, std::vector<uint8_t>&)) {
  const HtmlTree tree(html, 0);
  const PageBlocks blocks = ComputePageBlocks(tree, HtmlExtractOptions{}, StructuredData{});
  std::vector<uint8_t> keep(blocks.text.size(), 1);
  rule(tree, blocks, keep);
  std::vector<std::string> kept;
  for (size_t b = 0; b < keep.size(); ++b) {
    if (keep[b]) kept.push_back(blocks.text[b]);
  }
  return ::testing::PrintToString(kept);
}

// Of the blocks kept, those whose text is all in checkbox labels go: a
// search form's filters ("include nearby areas", the areas, "Main Hall (3)"
// with its count inside the label); a radio button's label, a label with text
// outside it, a CSS-only accordion's question, a label around a whole card
// and the posts stay.
TEST(FurnitureTest, BlocksAllInCheckboxLabelsAreDropped) {
  const std::string all_kept = KeptAfter(
      "<html><body><form><div>\n  <label><input type='checkbox' name='pic'>has image</label>\n  <label><input "
      "type='checkbox' name='near'><span></span>include nearby areas</label>\n</div><ul>"
      "<li><label><input type='checkbox' name='area'>chico</label></li>"
      "<li><input type='checkbox' id='hall'><label for='hall'>Main Hall <span class='count'>(3)</span></label></li>"
      "<li><label><input type='radio' name='size'>Size 38</label></li>"
      "<li><label><input type='checkbox' name='x'>Wool</label> blend, 70 percent</li></ul></form>"
      "<input type='checkbox' id='q1'><label for='q1'>How do I reset my password?</label>"
      "<label><input type='checkbox' name='card'><div><p>Weekend city break: two nights in a central hotel with "
      "breakfast, a museum pass and a river cruise for two</p></div></label>"
      "<ul><li><p>Solid oak dining table with six chairs, pick up only.</p></li></ul></body></html>",
      DropCheckboxLabels);
  for (const char* text : {"has image", "include nearby areas", "chico", "Main Hall"}) {
    EXPECT_EQ(all_kept.find(text), std::string::npos) << text << " kept: " << all_kept;
  }
  for (const char* text : {"Size 38", "blend, 70 percent", "Solid oak dining table", "How do I reset my password?",
                           "Weekend city break"}) {
    EXPECT_NE(all_kept.find(text), std::string::npos) << text << " kept: " << all_kept;
  }
}

// A row of short button labels laid out one a line ("Save" and "Share",
// white space between them) is a control; a question in a button stays, and
// so does a block with text outside the buttons.
TEST(FurnitureTest, ShortLabelsAllInButtonsAreDroppedWhateverTheWhiteSpace) {
  const std::string all_kept = KeptAfter(
      "<html><body><div class='actions'>\n  <button>Save</button>\n  <button>Share</button>\n</div>"
      "<div class='faq'><button>How long does delivery take?</button></div>"
      "<div>Sold by <button>Acme Tools</button></div></body></html>",
      DropButtonLabels);
  EXPECT_EQ(all_kept.find("Save"), std::string::npos) << all_kept;
  EXPECT_NE(all_kept.find("How long does delivery take?"), std::string::npos) << all_kept;
  EXPECT_NE(all_kept.find("Sold by"), std::string::npos) << all_kept;
}

}  // namespace
}  // namespace textmill
