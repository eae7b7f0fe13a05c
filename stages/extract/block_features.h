// Blocks of a page and the features the learned block classifier reads.
//
// A block is the inline text of one block-level element (its "owner"): the
// text nodes whose nearest non-inline ancestor is that element. `<p>A <b>B</b></p>`
// is one block; `<div>A<p>B</p>C</div>` gives the blocks of div ("A C") and p.
// Blocks are listed in document order of their first text node.
//
// Features describe the block's own text (length, links, punctuation), its
// place in the tree (owner tag, distance to ancestors by tag and by class/id
// hint families, repeated siblings such as posts or cards, the containers
// around it), its neighbours, the page (size, structured-data types) and what
// the rule-based extractor chose. The training script
// (scripts/train_extraction_model.py) reads the same rows through
// `textmill-block-features`, so training and inference share one definition;
// FeatureNames() is written into the model's metadata and checked at load.
// There is no position feature (how far down the page a block is): with one,
// the model learnt that late posts and cards are not content (grouped CV
// without it: 0.861 vs 0.860), and a 100,000-card listing lost its last 70%.
//
// Thread-compatible: one call per page.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/extract/html_tree.h"

namespace textmill {

struct PageBlocks {
  std::vector<int> owner;          // owner element of each block
  std::vector<std::string> text;   // each block's text, whitespace collapsed
  // Per tree node: the block of a text node (white space included), else -1.
  std::vector<int> block_of_text;
  // Blocks whose owner, parent and grandparent have the same tags and hints
  // share a group (a post body, a card description): its index, by first use.
  std::vector<int> group;
  // The same, with zebra hints ("odd", "even", "alt") left out: a thread's
  // alternating posts are one group of posts (thread_posts.h). Not a feature:
  // the model was trained on `group`.
  std::vector<int> post_group;
  std::vector<float> features;     // row-major, blocks x FeatureNames().size()
};

// The rule-based extractor's choice, per tree node (1 = rendered).
struct RuleSelections {
  std::vector<uint8_t> strict;
  std::vector<uint8_t> relaxed;
};

// `hint_families`: per node, the hint families its hints match
// (hint_matches.h); `page_types`: the schema.org types the page declares
// (JSON-LD @type, microdata itemtype), lowercase; `structured_text`: the text
// its structured data gives (name, description, body).
PageBlocks ComputeBlocks(const HtmlTree& tree, const RuleSelections& rules, const std::vector<uint64_t>& hint_families,
                         const std::vector<std::string>& page_types, std::string_view structured_text);

const std::vector<std::string>& FeatureNames();

// Whether a text node is all HTML white space (space, tab, line feed, form
// feed, carriage return): no block's text.
bool IsBlankText(std::string_view text);

// The position of a feature in a block's row, FeatureNames().size() if none
// has that name.
size_t FeatureIndex(std::string_view name);

}  // namespace textmill
