// Main-content extraction from an HtmlTree.
//
// The approach combines the signals the best extractors use (Readability's
// paragraph scoring, trafilatura's and jusText's pruning):
//  1. Prune subtrees that are page furniture by tag (nav, aside, footer,
//     header, form-like widgets) and by class/id/role hints (comment, share,
//     cookie, related, sidebar, ...), unless a hint also says "content".
//  2. Score paragraph-like blocks (length, commas) into their ancestors, scale
//     by (1 - link density) and class weight, and pick the best container;
//     when several strong candidates share an ancestor, take the ancestor.
//  3. Add sibling blocks that look like content; drop link-dense, list-heavy
//     and short unweighted blocks inside the result.
//  4. Render with structure: blank lines between paragraphs and headings,
//     "- " list items, " | " between table cells, <pre> kept verbatim, <br>.
//  5. Drop whole lines that are known boilerplate phrases.
// If the result is short (listings, product pages), retry without step 1's
// hint pruning, then fall back to the whole body minus link-dense blocks, so
// no page with text comes out empty.
#pragma once

#include <cstdint>
#include <string>

#include "stages/extract/boilerplate_phrases.h"
#include "stages/extract/html_tree.h"

namespace textmill {

struct HtmlExtractOptions {
  bool keep_comments = false;  // comment sections as content
  bool include_title = false;  // title as the first line of text
  int min_text_chars = 250;    // shorter results trigger the fallbacks
};

struct HtmlExtractResult {
  std::string text;
  std::string method;  // "article" | "relaxed" | "body"
};

HtmlExtractResult ExtractMainText(const HtmlTree& tree, const HtmlExtractOptions& options,
                                  const BoilerplatePhrases* phrases);

}  // namespace textmill
