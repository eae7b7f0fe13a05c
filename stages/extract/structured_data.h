// StructuredData: what a page says about itself in schema.org JSON-LD
// (<script type="application/ld+json">) and microdata (itemtype).
//
// Used for page features (the declared types), for metadata, and as text
// where the visible page holds little (a product's description, an
// article's body, a Q&A page's answers). Malformed, huge or deeply nested
// JSON-LD is skipped and counted, never an error: HtmlTree already caps how
// many bytes of it a page may carry, and nesting deeper than kMaxDepth is not
// followed.
#pragma once

#include <string>
#include <vector>

#include "stages/extract/html_tree.h"

namespace textmill {

struct StructuredData {
  std::vector<std::string> types;  // lowercase, without the schema.org prefix, in order found
  std::string main_type;           // the first content type (product, article, qapage...)
  std::string name;                // name or headline of the main entity
  std::string description;         // its description
  std::string body;                // articleBody / text, and answers or posts, one per paragraph
  int malformed = 0;               // JSON-LD blocks that did not parse
};

StructuredData ReadStructuredData(const HtmlMeta& meta);

}  // namespace textmill
