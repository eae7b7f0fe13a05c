// Furniture the block model scores like content, taken out whatever its
// score: counts and post headers (a forum post's number and date), cookie
// and consent banners, button labels. Used by html_extractor.cc on the
// blocks the model keeps.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "stages/extract/block_features.h"
#include "stages/extract/html_tree.h"
#include "stages/extract/page_type.h"

namespace textmill {

// A block that is only a whole number ("13", "1,204").
bool IsBareCount(std::string_view text);

// On a forum page: "#12" (a post's permalink number; "&nbsp; # 12" too).
bool IsPostNumber(std::string_view text, const PageType& page_type);

// On a forum page: a block that is only a date or a time ("Mar 3, 2024",
// "April 26, 2024, 6:28am", "5h ago").
bool IsPostDate(std::string_view text, const PageType& page_type);

// Unkeeps the blocks inside a cookie or consent banner (kConsent hints;
// `flags`: MatchRuleHints' per node). <body>, <html> and <main> never count.
void DropConsentBanners(const HtmlTree& tree, const PageBlocks& blocks, const std::vector<uint8_t>& flags,
                        std::vector<uint8_t>& keep_block);

// Unkeeps the blocks whose text is all inside <button>s and is a short
// label (a question stays).
void DropButtonLabels(const HtmlTree& tree, const PageBlocks& blocks, std::vector<uint8_t>& keep_block);

// Unkeeps the blocks whose text is all inside labels of checkboxes (a
// search form's filters).
void DropCheckboxLabels(const HtmlTree& tree, const PageBlocks& blocks, std::vector<uint8_t>& keep_block);

}  // namespace textmill
