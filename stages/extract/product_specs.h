// A product's specification rows: kept on a product page whatever the block
// model scores them. Used by html_extractor.cc on the blocks the model keeps.
#pragma once

#include <cstdint>
#include <vector>

#include "stages/extract/block_features.h"
#include "stages/extract/html_tree.h"
#include "stages/extract/page_type.h"

namespace textmill {

// On a page typed product, keeps the blocks near a specification container
// (`flags`: MatchRuleHints' per node, kSpecs), unless `never` or mostly link
// text.
void KeepSpecificationRows(const HtmlTree& tree, const PageBlocks& blocks, const std::vector<uint8_t>& flags,
                           const PageType& page_type, const std::vector<uint8_t>& never,
                           std::vector<uint8_t>& keep_block);

}  // namespace textmill
