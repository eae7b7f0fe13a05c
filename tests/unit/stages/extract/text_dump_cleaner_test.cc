#include "stages/extract/text_dump_cleaner.h"

#include <gtest/gtest.h>

#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::ShippedPhrases;

TEST(TextDumpCleanerTest, SharedScrapedArticle) {
  const std::string input = testing::ReadFile(testing::SharedDir() + "/examples/scraped-article.txt");
  ASSERT_FALSE(input.empty());
  const std::string out = CleanTextDump(input, &ShippedPhrases());
  EXPECT_TRUE(out.starts_with("Russia Seek To Rebuild Mutual Relationship With The United States\n")) << out;
  EXPECT_NE(out.find("It takes two to tango"), std::string::npos);
  EXPECT_TRUE(out.ends_with("“in a very bad position.”")) << out;
  for (const char* junk : {"Leave a Reply", "Log Out", "Connecting to", "commenting using", "Fill in your details"}) {
    EXPECT_EQ(out.find(junk), std::string::npos) << junk;
  }
}

TEST(TextDumpCleanerTest, DropsMenusAndTrailingBlock) {
  const std::string input =
      "Home | News | Sport | Weather | Contact\n"
      "Local Team Wins Cup\n"
      "The local football team won the regional cup on Sunday after a dramatic penalty shoot-out that "
      "kept thousands of fans in the stadium until after dark.\n"
      "Advertisement\n"
      "The coach praised the young goalkeeper, who saved two penalties in his first season with the "
      "senior squad, and said the club would celebrate with a parade.\n"
      "Share this:\nFacebook\nTwitter\n"
      "Related\n"
      "12 Comments\n"
      "Great result, well deserved by the whole team and the coach, who worked very hard all season long!\n";
  const std::string out = CleanTextDump(input, &ShippedPhrases());
  EXPECT_TRUE(out.starts_with("Local Team Wins Cup\n")) << out;
  EXPECT_NE(out.find("senior squad"), std::string::npos);
  EXPECT_EQ(out.find("Home |"), std::string::npos);
  EXPECT_EQ(out.find("Advertisement"), std::string::npos);
  EXPECT_EQ(out.find("Great result"), std::string::npos) << out;  // comments after "12 Comments"
}

TEST(TextDumpCleanerTest, NoContentGivesEmpty) {
  EXPECT_EQ(CleanTextDump("Home\nAbout\nContact\n", &ShippedPhrases()), "");
  EXPECT_EQ(CleanTextDump("", &ShippedPhrases()), "");
}


TEST(BoilerplatePhrasesTest, ShopControlsAndForumWidgetsAreFurnitureTheirSentencesAreNot) {
  for (const char* line : {"Sort by:", "Sort by price: low to high", "Showing 1-24 of 70 results", "70 results",
                           "Filters", "Clear all", "Add to cart", "Quick view", "Page 2 of 9", "11 Likes",
                           "Replies: 4", "Reply with quote", "Report post",
                           "Last edited by Outer Armatonisdaristan on Sun Feb 22, 2026 2:08 am, edited 108 times in total.",
                           "- Home", "* Careers", "- Blog", "Loading...",
                           "Decrease quantity for Cascade Kettle 1.0 L Increase quantity for Cascade Kettle 1.0 L",
                           "Post #12", "Who is online", "Users browsing this forum: No registered users and 4 guests",
                           "Thread starter dieselfan", "Start date Mar 3, 2024",
                           "Not the answer you're looking for? Browse other questions tagged bash cron.",
                           "Posts: 8,904", "1,204 views", "« Reply #1 on: June 17, 2008, 01:14:55 AM »",
                           "« on: June 16, 2008, 11:52:07 PM »", "Logged", "votes", "Helpful", "Report abuse",
                           "Add to Wish List Add to Compare", "Rating:", "41 Reviews", "Items 1-12 of 38",
                           "View as Grid List", "Show 12 per page", "per page", "You're currently reading page 1",
                           "- Page 2", "Page Next", "Join Date: Aug 2019", "Member since: March 2012",
                           "You may not post attachments", "BB code is On", "[IMG] code is On", "Junior Member",
                           "Moderator", "Quote: Originally Posted by TorqueSpec"}) {
    EXPECT_TRUE(ShippedPhrases().Matches(line)) << line;
  }
  for (const char* line : {"Sort the beans by size before roasting them.", "The study had 70 results worth noting.",
                           "Add to cart only what you need for this week.", "11 likes are not a reason to post.",
                           "- Home is where the heart is, they say.", "-Home",
                           "Decrease the quantity of salt if the stock is already seasoned.",
                           "Who is online matters less than who reads the thread later.",
                           "Start the engine and let it idle for a minute.", "Logged in users see the prices.",
                           "Posts: more on this later", "Helpful staff made our stay easy.",
                           "Rating: four stars from the jury.", "41 reviews later, the café is still full.",
                           "View as a guest what the page shows.", "Page 2 explains the setup.",
                           "Joined the club in 2019 and never looked back.", "The moderator closed the thread."}) {
    EXPECT_FALSE(ShippedPhrases().Matches(line)) << line;
  }
}

TEST(BoilerplatePhrasesTest, ReadAlsoTeasersAndPhotoCreditsAreFurnitureTheirSentencesAreNot) {
  for (const char* line : {"Also read: Who is Demis Hassabis: CEO of DeepMind", "See also:", "Read next",
                           "Lesen Sie auch: Die besten Wanderwege im Harz", "VEA TAMBIÉN: Entre heces y guaricha",
                           "LE PUEDE INTERESAR: La ficha de Juan Orlando Hernández", "Lire aussi : Le budget 2024",
                           "CZYTAJ WIĘCEJ W", "Foto: Sascha Klahn", "Credit:"}) {
    EXPECT_TRUE(ShippedPhrases().Matches(line)) << line;
  }
  for (const char* line : {"See also the discussion of the budget in chapter 3.", "Read the manual before you start.",
                           "Lesen Sie die Anleitung, bevor Sie beginnen.", "The photo credit went to her brother."}) {
    EXPECT_FALSE(ShippedPhrases().Matches(line)) << line;
  }
}

// The phrase set runs a relaxed form of each pattern first (bounded repeats
// made unbounded); the exact pattern still decides.
TEST(BoilerplatePhrasesTest, BoundedRepeatsKeepTheirBounds) {
  testing::TempDir dir;
  testing::WriteFile(dir / "phrases.txt", "powered by .{0,10}\n@end .{0,5} comments\nx{2,3}y\n");
  const BoilerplatePhrases phrases(dir / "phrases.txt");
  EXPECT_TRUE(phrases.Matches("Powered by WordPress"));
  EXPECT_FALSE(phrases.Matches("Powered by a very long sentence that goes on"));
  EXPECT_EQ(phrases.Classify("12 comments"), BoilerplatePhrases::Match::kSectionEnd);
  EXPECT_EQ(phrases.Classify("there are 12 comments"), BoilerplatePhrases::Match::kNone);
  EXPECT_TRUE(phrases.Matches("xxy"));
  EXPECT_TRUE(phrases.Matches("xxxy"));
  EXPECT_FALSE(phrases.Matches("xy"));
  EXPECT_FALSE(phrases.Matches("xxxxy"));
}

TEST(BoilerplatePhrasesTest, EscapedBracesAreLiteral) {
  testing::TempDir dir;
  testing::WriteFile(dir / "phrases.txt", "a\\{2\\}\n");
  const BoilerplatePhrases phrases(dir / "phrases.txt");
  EXPECT_TRUE(phrases.Matches("a{2}"));
  EXPECT_FALSE(phrases.Matches("aa"));
}

}  // namespace
}  // namespace textmill
