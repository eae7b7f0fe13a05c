// The rules that take furniture out of the model's kept blocks.
#include "stages/extract/furniture.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace textmill
