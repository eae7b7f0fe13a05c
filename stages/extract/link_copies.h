// Link copies: blocks that are only a link repeating text the page already
// keeps, such as a documentation page's table of contents ("On this page")
// or a sidebar entry naming the page itself.
//
// The block model keeps them: a TOC entry has the words of a heading it
// links to, and headings are content (a Docusaurus page kept its whole
// right-hand TOC, scored 0.86-0.90).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/extract/block_features.h"

namespace textmill {

// The text as it is compared: letters and digits, ASCII lower-cased, words
// separated by one space; the marks that anchor a heading (¶, §, #, a
// zero-width space) and other punctuation dropped.
std::string LooseText(std::string_view text);

// LooseText, stopped once it is longer than `limit` bytes (then longer than
// any text of `limit` bytes, which is all its callers ask).
std::string LooseTextUpTo(std::string_view text, size_t limit);

// Clears keep_block[b] for every kept block that is all link text and whose
// LooseText equals that of a kept block that is not a link.
void DropLinkCopiesOfKeptText(const PageBlocks& blocks, std::vector<uint8_t>& keep_block);

}  // namespace textmill
