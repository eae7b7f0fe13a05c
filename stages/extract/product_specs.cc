#include "stages/extract/product_specs.h"

#include <algorithm>
#include <string_view>

#include "stages/extract/hint_matches.h"

namespace textmill {
namespace {

// A product's specification rows ("Screen Size" / "64.5 inches") are short
// label and value blocks the model scores like a shop's furniture; on a page
// typed product, the blocks within kSpecsReach levels of a specification
// container (kSpecs) are kept, unless they are mostly link text. Grouped CV
// on WCXB: 8 product pages changed (4 up, 4 down: some truths leave a shop's
// "Tech Specs" out), product 0.674 -> 0.675; tests/layouts product 0.889 ->
// 0.893 (an electronics retailer's specification list 0.861 -> 0.901).
constexpr int kSpecsReach = 5;
constexpr double kMaxSpecsLinkShare = 0.5;

}  // namespace

void KeepSpecificationRows(const HtmlTree& tree, const PageBlocks& blocks, const std::vector<uint8_t>& flags,
                           const PageType& page_type, const std::vector<uint8_t>& never,
                           std::vector<uint8_t>& keep_block) {
  if (page_type.name != "product") return;
  const std::vector<HtmlNode>& nodes = tree.nodes();
  std::vector<uint8_t> distance(nodes.size(), kSpecsReach + 1);
  static const size_t links_at = FeatureIndex("link_ratio");
  const size_t width = FeatureNames().size();
  for (size_t k = 1; k < nodes.size(); ++k) {
    const uint8_t parent = distance[static_cast<size_t>(nodes[k].parent)];
    // A page's body or main element is never the specification list, whatever
    // its classes say ("product-specs-page").
    const std::string_view tag(nodes[k].tag);
    const bool specs = (flags[k] & kSpecs) != 0 && tag != "body" && tag != "html" && tag != "main";
    distance[k] = specs ? 0 : static_cast<uint8_t>(std::min<int>(parent + 1, kSpecsReach + 1));
  }
  for (size_t b = 0; b < keep_block.size(); ++b) {
    if (keep_block[b] || never[b] || distance[static_cast<size_t>(blocks.owner[b])] > kSpecsReach) continue;
    if (links_at < width && blocks.features[b * width + links_at] > kMaxSpecsLinkShare) continue;
    keep_block[b] = 1;
  }
}

}  // namespace textmill
