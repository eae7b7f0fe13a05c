// Page types: which kind of page a block classification is for.
//
// A second, small model (TreeModel, multi-class) reads one row per page: the
// mean of its blocks' features (block_features.h), weighted by text length and
// plain, with the number of blocks and the page's text length, then what its
// address and <head> say (page_signals.h). It names the
// page's type (article, collection, documentation, forum, listing, product,
// service: the kinds of the WCXB set it is trained on), written to
// metadata.page_type, and gives the block threshold for that kind of page:
// an article keeps only what the block model is sure of (its related-story
// teasers look like content), a listing keeps its doubtful cards. A page
// without blocks is "other".
#pragma once

#include <string>
#include <vector>

#include "stages/extract/block_features.h"
#include "stages/extract/tree_model.h"

namespace textmill {

const std::vector<std::string>& PageFeatureNames();

// One row, PageFeatureNames() order; `signals`: PageSignals() of the page.
std::vector<float> PageFeatures(const PageBlocks& blocks, const std::vector<float>& signals);

struct PageType {
  std::string name;       // "other" when the page has no blocks
  float block_threshold;  // for the block classifier on this page
};

// `default_threshold`: the block model's own, used for "other".
PageType ClassifyPage(const TreeModel& model, const PageBlocks& blocks, const std::vector<float>& signals,
                      float default_threshold);

}  // namespace textmill
