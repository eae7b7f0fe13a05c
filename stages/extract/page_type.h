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
  // The model's probability that the page is a forum thread, whatever it is
  // named: a thread whose opening post reads like an article is still one.
  float forum_probability = 0;
};

// The index of the class a page is typed as, from the page model's
// probabilities (`classes`: its class names, in the same order).
size_t LikeliestClass(const std::vector<float>& probabilities, const std::vector<std::string>& classes);

// `default_threshold`: the block model's own, used for "other".
PageType ClassifyPage(const TreeModel& model, const PageBlocks& blocks, const std::vector<float>& signals,
                      float default_threshold);

// Whether keep_comments: false drops the comment sections of a page of this
// type (an empty name: not classified). A forum thread's replies, a
// documentation page's notes, a listing's entries are the page's content,
// however they are marked up. Grouped cross-validation on the WCXB set,
// keeping comments vs dropping them on every page: forum +0.013,
// documentation +0.003, but article -0.004, product -0.004 (reviews) and news
// articles -0.009.
// An article or product page that the model still gives a fair chance of being
// a thread keeps them too: on a Slashdot-like story page the comments are most
// of the content.
bool DropsCommentsOn(const PageType& type);

}  // namespace textmill
