// Stage `extract`: main-content extraction and boilerplate removal.
//
// HTML documents (kind kHtml, UTF-8 in `raw`): parsed with libxml2 and reduced
// to the main content (see html_extractor.h). Text documents (page dumps):
// line-level cleaning (see text_dump_cleaner.h). Both drop lines matching the
// phrase list (configs/boilerplate_phrases.txt).
//
// Reads: raw, kind, text, url. Writes: text; url (canonical link or og:url
// when the input has none, else metadata.canonical_url); metadata.title,
// metadata.html_lang, metadata.date (from meta tags); frees raw.
// Rejects: no_content (nothing left), too_large (HTML over max_html_mib when
// oversize: reject), timeout (a page over timeout_ms of CPU time).
// metadata.structured {type, name, description} from schema.org JSON-LD;
// metadata.page_type (article, collection, documentation, forum, listing,
// product, service; other: no blocks) with the page-type model.
// Counters: html_pages, text_pages, truncated; by_model (the block classifier
// chose the text), fallback_article, fallback_relaxed, fallback_body (the rule
// chain did: the model kept nothing, or there is no model), fallback_visible
// (all visible text: nothing else found any); structured_data_text (a short
// page completed from its structured data), structured_data_malformed,
// page_type_<type>, fallback_description (a script-built page's meta description).
#pragma once

#include <memory>
#include <string>

#include "pipeline/counters.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"
#include "stages/extract/boilerplate_phrases.h"
#include "stages/extract/html_extractor.h"

namespace textmill {

struct ExtractOptions {
  HtmlExtractOptions html;
  bool clean_text_dumps = true;  // line-level cleaning of text documents
  std::string phrases = "configs/boilerplate_phrases.txt";
  // The learned block classifier, in models_dir unless a path; "none" = the
  // rule-based extractor alone.
  std::string model = "extraction_blocks.ubj";
  // The page-type classifier (page_type.h): metadata.page_type and the block
  // threshold for that kind of page; "none" = one threshold for all pages.
  std::string page_type_model = "extraction_page_types.ubj";
  int64_t max_html_bytes = int64_t{16} << 20;
  std::string oversize = "truncate";  // truncate | reject
  int64_t timeout_ms = 5000;          // CPU time per document; 0 = none

  static ExtractOptions Parse(OptionReader& reader);
};

class ExtractStage : public Stage {
 public:
  ExtractStage(const ExtractOptions& options, const StageContext& context);
  std::string_view Name() const override { return "extract"; }
  void Load() override;
  void ProcessDoc(Document& doc) override;
  Json Stats() const override;

 private:
  void ExtractHtml(Document& doc);

  ExtractOptions options_;
  std::string phrases_path_, model_path_, page_model_path_;  // resolved; "" for none
  std::unique_ptr<BoilerplatePhrases> phrases_;
  std::unique_ptr<TreeModel> model_;
  std::unique_ptr<TreeModel> page_model_;
  LoadedFlag loaded_;
  mutable Counters counters_;
};

void RegisterExtractStage(Registry& registry);

}  // namespace textmill
