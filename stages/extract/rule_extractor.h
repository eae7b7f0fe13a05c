// The rule-based extractor (the method before the learned one, now its
// fallback and one of its features). It combines the signals the best
// extractors use (Readability's paragraph scoring, trafilatura's and
// jusText's pruning):
//  1. Prune subtrees that are page furniture by tag (nav, aside, footer,
//     header, noscript) and by class/id/role hints (comment, share, cookie,
//     related, sidebar, ...), unless a hint also says "content".
//  2. Score paragraph-like blocks (length, commas) into their ancestors, scale
//     by (1 - link density) and class weight, and pick the best container;
//     when several strong candidates share an ancestor, take the ancestor.
//  3. Add sibling blocks that look like content; drop link-dense, list-heavy
//     and short unweighted blocks inside the result.
// kRelaxed skips step 1's hint pruning; kBody renders the whole body minus
// link-dense blocks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stages/extract/html_tree.h"

namespace textmill {

struct HtmlExtractOptions {
  bool keep_comments = false;  // comment sections as content
  bool include_title = false;  // title as the first line of text
  int min_text_chars = 250;    // shorter results trigger the fallbacks
};

enum class RuleMode { kStrict, kRelaxed, kBody };

// Which hint patterns each node's class/id/role matches: computed once per
// page and shared by the attempts.
std::vector<uint8_t> RuleHintFlags(const std::vector<HtmlNode>& nodes);

// Per node: inside a comment section (an element, not a link, whose hints say
// comment, disqus, replies, respond...; not inside <pre> or <code>).
std::vector<uint8_t> InCommentSection(const std::vector<HtmlNode>& nodes, const std::vector<uint8_t>& hint_flags);

// The text the rules choose in `mode`, rendered (before phrase filtering).
std::string RuleExtractText(const HtmlTree& tree, const std::vector<uint8_t>& hint_flags,
                            const HtmlExtractOptions& options, RuleMode mode);

// The nodes RuleExtractText would render (1 = rendered).
std::vector<uint8_t> RuleSelection(const HtmlTree& tree, const std::vector<uint8_t>& hint_flags,
                                   const HtmlExtractOptions& options, RuleMode mode);

}  // namespace textmill
