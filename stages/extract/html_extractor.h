// Main-content extraction from an HtmlTree.
//
// With the learned model (tree_model.h), every block of the page (the inline
// text of one block element, block_features.h) is scored as content or not
// and the kept blocks are rendered in document order with their structure
// (text_renderer.h); a block repeating one already kept is left out. The
// rule-based extractor (rule_extractor.h) is the fallback when the model keeps
// nothing, and the method without a model: strict, then relaxed when short,
// then the body minus link-dense blocks, then every visible text run, so no
// page with text comes out empty. Lines that are known boilerplate phrases are
// dropped. A page left shorter than min_text_chars gets the description and
// body its structured data gives (structured_data.h), and its meta
// description when that is longer than what was found.
#pragma once

#include <cstdint>
#include <string>

#include "stages/extract/block_features.h"
#include "stages/extract/tree_model.h"
#include "stages/extract/boilerplate_phrases.h"
#include "stages/extract/html_tree.h"
#include "stages/extract/rule_extractor.h"
#include "stages/extract/structured_data.h"

namespace textmill {

struct HtmlExtractResult {
  std::string text;
  std::string method;  // "model" | "article" | "relaxed" | "body" | "visible" | "description"
  // JSON-LD text added: a short text's description/body, or a product description the text lacks.
  bool completed_from_structured_data = false;
  bool completed_from_description = false;      // a text shorter than the meta description got it
  std::string page_type;  // with a page-type model (page_type.h): its class, "other" without blocks
  StructuredData structured;
};

// With a `model`, the blocks it scores as content are rendered; the rule
// chain (article, relaxed, body) is the fallback when that leaves nothing,
// and the whole method without a model. With a `page_model` too, the page's
// type chooses the block threshold.
HtmlExtractResult ExtractMainText(const HtmlTree& tree, const HtmlExtractOptions& options,
                                  const BoilerplatePhrases* phrases, const TreeModel* model = nullptr,
                                  const TreeModel* page_model = nullptr);

// The blocks of a page with their features, as ExtractMainText computes them
// for the model (also used by textmill-block-features for training).
PageBlocks ComputePageBlocks(const HtmlTree& tree, const HtmlExtractOptions& options,
                             const StructuredData& structured);

}  // namespace textmill
