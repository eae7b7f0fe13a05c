#include "stages/extract/furniture.h"

#include <re2/re2.h>

#include <algorithm>

#include "pipeline/util/strings.h"
#include "stages/extract/hint_matches.h"

namespace textmill {

// A block that is only a whole number ("13", "1,204"): a vote, reply or like
// count, a pagination link, a cart badge; never a sentence of content.
bool IsBareCount(std::string_view text) {
  if (text.empty() || text.size() > 9) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == ','; });
}

namespace {

// A block's text without the no-break spaces and blanks around it (vBulletin
// writes "&nbsp; #1").
std::string_view TrimNbsp(std::string_view text) {
  for (;;) {
    const std::string_view trimmed = TrimBlanks(text);
    if (trimmed.starts_with("\u00a0")) {
      text = trimmed.substr(2);
    } else if (trimmed.ends_with("\u00a0")) {
      text = trimmed.substr(0, trimmed.size() - 2);
    } else {
      return trimmed;
    }
  }
}

}  // namespace

// "#12" alone on a forum page: a post's permalink number. On a listing it is
// an item's rank, which stays (WCXB's ranked lists keep theirs).
bool IsPostNumber(std::string_view text, const PageType& page_type) {
  if (page_type.name != "forum") return false;
  text = TrimNbsp(text);
  if (text.empty() || text[0] != '#') return false;
  const std::string_view number = TrimBlanks(text.substr(1));  // "# 1": the '#' outside the number's link
  return !number.empty() && number.size() <= 7 &&
         std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A block that is only a date or a time on a forum page: a post's header
// ("Mar 3, 2024", "April 26, 2024, 6:28am", "5h ago", "2 years ago"), not
// what the post says.
bool IsPostDate(std::string_view text, const PageType& page_type) {
  if (page_type.name != "forum") return false;
  text = TrimNbsp(text);
  if (text.size() > 40) return false;
  static const RE2 date(
      "(?i)(((mon|tue|wed|thu|fri|sat|sun)[a-z]*,? )?"
      "(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.? \\d{1,2}(st|nd|rd|th)?,? \\d{4}"
      "|\\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.? \\d{4}"
      "|\\d{4}-\\d{2}-\\d{2})"
      "(,? (at )?\\d{1,2}:\\d{2}( ?[ap]\\.?m\\.?)?)?"
      "|(\\d+|a|an) ?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mo|months?|y|yrs?|years?)"
      " ago"
      "|yesterday|today|just now");
  return RE2::FullMatch(text, date);
}

// A cookie or consent banner's blocks go whatever the model says: its long
// paragraphs ("... use cookies and similar technologies to provide you with a
// better experience ...") read like prose. A page's body or main element is
// never a banner, whatever its classes say ("cookie-banner-open").
void DropConsentBanners(const HtmlTree& tree, const PageBlocks& blocks, const std::vector<uint8_t>& flags,
                        std::vector<uint8_t>& keep_block) {
  const std::vector<HtmlNode>& nodes = tree.nodes();
  std::vector<uint8_t> inside(nodes.size(), 0);
  for (size_t k = 1; k < nodes.size(); ++k) {
    const std::string_view tag(nodes[k].tag);
    const bool banner = (flags[k] & kConsent) != 0 && tag != "body" && tag != "html" && tag != "main";
    inside[k] = inside[static_cast<size_t>(nodes[k].parent)] || banner;
    const int b = blocks.block_of_text[k];
    if (inside[k] && b >= 0) keep_block[static_cast<size_t>(b)] = 0;
  }
}

namespace {

// A block whose text is all inside <button>s and is a short label ("Save
// search", "Beds & Baths", "Add to bag") is a control, not content. A
// question is kept: an accordion's FAQ question is often a button. Grouped
// CV on WCXB: 71 pages up, 15 down, mean +0.0002 (collection +0.002); news
// unchanged.
constexpr size_t kMaxButtonLabelWords = 3;

// A label of at most `max_words` words that is not a question.
bool IsShortNonQuestion(std::string_view text, size_t max_words) {
  text = TrimBlanks(text);
  if (text.empty() || text.back() == '?') return false;
  return CountRuns(text, [](char c) { return c == ' ' || c == '\n' || c == '\t'; }) <= max_words;
}

bool IsShortLabel(std::string_view text) { return IsShortNonQuestion(text, kMaxButtonLabelWords); }

// A filter's label: "Main Hall (3)", "include nearby areas", "Show only my
// schedule"; a block of several such labels is counted whole.
constexpr size_t kMaxFilterLabelWords = 12;
bool IsFilterLabel(std::string_view text) { return IsShortNonQuestion(text, kMaxFilterLabelWords); }

}  // namespace

void DropButtonLabels(const HtmlTree& tree, const PageBlocks& blocks, std::vector<uint8_t>& keep_block) {
  const std::vector<HtmlNode>& nodes = tree.nodes();
  // Per block: 1 while every text node seen so far is inside a button, 0 once one is not.
  std::vector<uint8_t> all_in_button(keep_block.size(), 1);
  for (size_t k = 0; k < nodes.size(); ++k) {
    const int b = blocks.block_of_text[k];
    if (b >= 0 && !nodes[k].in_button && !IsBlankText(nodes[k].text)) {
      all_in_button[static_cast<size_t>(b)] = 0;
    }
  }
  for (size_t b = 0; b < keep_block.size(); ++b) {
    if (keep_block[b] && all_in_button[b] && IsShortLabel(blocks.text[b])) keep_block[b] = 0;
  }
}

// A search form's filter options ("include nearby areas", "Main Hall (3)",
// "Show only my schedule") are checkbox labels: a short block whose text is
// all inside labels of checkboxes is a control, not content. A question stays
// (a CSS-only accordion toggles its answer with a checkbox the question
// labels), and so does a longer text (a label around a whole card). Radio
// buttons stay: a product's or a card's colours and sizes are often radio
// labels that annotators keep. Grouped CV on WCXB: 0.88070 -> 0.88085, 22
// pages changed, 4 down (collection pages whose truths keep their filters);
// tests/layouts listing 0.822 -> 0.834.
void DropCheckboxLabels(const HtmlTree& tree, const PageBlocks& blocks, std::vector<uint8_t>& keep_block) {
  const std::vector<HtmlNode>& nodes = tree.nodes();
  std::vector<uint8_t> in_label(nodes.size(), 0);
  // Per block: 1 while every text node seen so far is in a checkbox label, 0 once one is not.
  std::vector<uint8_t> all_in_label(keep_block.size(), 1);
  for (size_t k = 1; k < nodes.size(); ++k) {
    in_label[k] = in_label[static_cast<size_t>(nodes[k].parent)] || nodes[k].checkbox_label;
    const int b = blocks.block_of_text[k];
    if (b >= 0 && !in_label[k] && nodes[k].tag.empty() && !IsBlankText(nodes[k].text)) {
      all_in_label[static_cast<size_t>(b)] = 0;
    }
  }
  for (size_t b = 0; b < keep_block.size(); ++b) {
    if (keep_block[b] && all_in_label[b] && IsFilterLabel(blocks.text[b])) keep_block[b] = 0;
  }
}

}  // namespace textmill
