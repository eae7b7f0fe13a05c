// Fuzzes the HTML path: libxml2 parse -> HtmlTree -> main-content extraction.
#include <cstddef>
#include <cstdint>
#include <string>

#include "stages/extract/boilerplate_phrases.h"
#include "stages/extract/html_extractor.h"
#include "stages/extract/html_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const textmill::BoilerplatePhrases phrases(TEXTMILL_PHRASES);
  const std::string html(reinterpret_cast<const char*>(data), size);
  const textmill::HtmlTree tree(html, 0);
  textmill::HtmlExtractOptions options;
  options.keep_comments = size % 2 == 0;
  textmill::ExtractMainText(tree, options, &phrases);
  return 0;
}
