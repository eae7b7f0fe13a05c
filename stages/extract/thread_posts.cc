#include "stages/extract/thread_posts.h"

#include <algorithm>
#include <cmath>

namespace textmill {
namespace {

// A forum thread's posts are one repeated group of prose blocks, and every
// post is the page's content, however the model scores the later replies
// (WCXB's threads: replies scored 0.1-0.4 against the forum threshold of 0.5,
// as an article's comments would be). On a page typed forum, a group of at
// least kMinThreadPosts blocks of kMinPostWords words on average, with little
// link text, is kept whole once one of its posts scores half the threshold.
// Grouped cross-validation on WCXB: forum 0.795 -> 0.805, the same with 6 or
// 10 words and 0.3 or 0.5 of the threshold; no other page type gained, and
// article pages that may be threads (forum probability 0.15) lost 0.001.
constexpr int kMinThreadPosts = 3;
constexpr double kMinPostWords = 10;
constexpr double kMaxPostLinkRatio = 0.3;
// Replies are prose: "Aug 1, 2013 · Replies 3" lines of a similar-threads box
// (digit ratio 0.43) are not.
constexpr double kMaxPostDigitRatio = 0.2;
// A signature under a post (hint_signature: levels up to a "signature" class).
constexpr double kSignatureReach = 4;
constexpr double kMaxLinkRatioOfAPost = 0.5;
// One post the model half believes makes the group a thread's.
constexpr float kBestPostShareOfThreshold = 0.5F;

}  // namespace

std::vector<uint8_t> ThreadPosts(const PageBlocks& blocks, const std::vector<float>& scores,
                                 const PageType& page_type) {
  const size_t rows = blocks.owner.size();
  std::vector<uint8_t> post(rows, 0);
  if (page_type.name != "forum") return post;
  static const size_t words_at = FeatureIndex("words"), digits_at = FeatureIndex("digit_ratio"),
                      links_at = FeatureIndex("link_ratio"), signature_at = FeatureIndex("hint_signature");
  const size_t width = FeatureNames().size();
  if (std::max({words_at, digits_at, links_at, signature_at}) >= width) return post;  // not features any more
  const auto feature = [&](size_t b, size_t at) { return static_cast<double>(blocks.features[b * width + at]); };
  // Groups without zebra hints: a thread's alternating "odd" and "even"
  // posts are one group.
  const std::vector<int>& group = blocks.post_group;
  int groups = 0;
  for (const int g : group) groups = std::max(groups, g + 1);
  std::vector<int> members(static_cast<size_t>(groups), 0);
  std::vector<double> words(static_cast<size_t>(groups), 0), digits(static_cast<size_t>(groups), 0),
      links(static_cast<size_t>(groups), 0);
  std::vector<float> best(static_cast<size_t>(groups), 0);
  for (size_t b = 0; b < rows; ++b) {
    const size_t g = static_cast<size_t>(group[b]);
    ++members[g];
    words[g] += std::expm1(feature(b, words_at));  // the count is a feature as log1p
    digits[g] += feature(b, digits_at);
    links[g] += feature(b, links_at);
    best[g] = std::max(best[g], scores[b]);
  }
  for (size_t b = 0; b < rows; ++b) {
    const size_t g = static_cast<size_t>(group[b]);
    const double n = members[g];
    post[b] = members[g] >= kMinThreadPosts && words[g] >= kMinPostWords * n && links[g] <= kMaxPostLinkRatio * n &&
              digits[g] <= kMaxPostDigitRatio * n && best[g] >= kBestPostShareOfThreshold * page_type.block_threshold &&
              feature(b, links_at) <= kMaxLinkRatioOfAPost && feature(b, signature_at) > kSignatureReach;
  }
  return post;
}

}  // namespace textmill
