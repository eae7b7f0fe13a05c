#include "stages/extract/extract.h"

#include "stages/extract/html_tree.h"
#include "stages/extract/page_type.h"
#include "stages/extract/text_dump_cleaner.h"

namespace textmill {

ExtractOptions ExtractOptions::Parse(OptionReader& reader) {
  ExtractOptions o;
  reader.Get("keep_comments", o.html.keep_comments);
  reader.Get("include_title", o.html.include_title);
  reader.Get("min_text_chars", o.html.min_text_chars, 0, 100000);
  reader.Get("clean_text_dumps", o.clean_text_dumps);
  reader.Get("phrases", o.phrases);
  reader.Get("model", o.model);
  reader.Get("page_type_model", o.page_type_model);
  int64_t max_mib = o.max_html_bytes >> 20;
  reader.Get("max_html_mib", max_mib, 1, 4096);
  o.max_html_bytes = max_mib << 20;
  reader.GetEnum("oversize", o.oversize, {"truncate", "reject"});
  reader.Get("timeout_ms", o.timeout_ms, 0, 3'600'000);
  return o;
}

ExtractStage::ExtractStage(const ExtractOptions& options, const StageContext& context)
    : options_(options) {
  if (!options_.phrases.empty()) phrases_path_ = context.ResolvePath(options_.phrases);
  if (!options_.model.empty() && options_.model != "none") {
    model_path_ = context.ResolveModelPath(options_.model);
    // Page types refine the block model; without it they have nothing to do.
    if (!options_.page_type_model.empty() && options_.page_type_model != "none") {
      page_model_path_ = context.ResolveModelPath(options_.page_type_model);
    }
  }
}

void ExtractStage::Load() {
  if (!phrases_path_.empty()) phrases_ = std::make_unique<BoilerplatePhrases>(phrases_path_);
  if (!model_path_.empty()) {
    model_ = TreeModel::Load(model_path_, FeatureNames());
    if (!page_model_path_.empty()) {
      const std::string& path = page_model_path_;
      page_model_ = TreeModel::Load(path, PageFeatureNames());
      // Without classes every page would be "other", silently.
      if (page_model_->classes().empty()) {
        throw ConfigError(path + ": not a page-type model (it names no classes); retrain it with "
                                 "scripts/train_extraction_model.py");
      }
    }
  }
  loaded_.Set();
}

void ExtractStage::ProcessDoc(Document& doc) {
  loaded_.Check("extract");
  if (doc.kind == ContentKind::kHtml) {
    ExtractHtml(doc);
  } else if (options_.clean_text_dumps) {
    counters_.Add("text_pages");
    doc.text = CleanTextDump(doc.text, phrases_.get());
  }
  if (!doc.rejected() && doc.text.find_first_not_of(" \n") == std::string::npos) {
    doc.Reject("no_content");
  }
}

void ExtractStage::ExtractHtml(Document& doc) {
  counters_.Add("html_pages");
  if (static_cast<int64_t>(doc.raw.size()) > options_.max_html_bytes) {
    if (options_.oversize == "reject") {
      doc.raw.clear();
      doc.Reject("too_large");
      return;
    }
    // Cut at a character boundary so the parser sees valid UTF-8.
    size_t cut = static_cast<size_t>(options_.max_html_bytes);
    while (cut > 0 && (static_cast<unsigned char>(doc.raw[cut]) & 0xC0) == 0x80) --cut;
    doc.raw.resize(cut);
    counters_.Add("truncated");
  }
  const int64_t deadline =
      options_.timeout_ms > 0 ? ThreadCpuNow() + options_.timeout_ms * 1'000'000 : 0;
  const HtmlTree tree(doc.raw, deadline);
  doc.raw.clear();
  doc.raw.shrink_to_fit();
  if (tree.timed_out()) {
    doc.Reject("timeout");
    return;
  }
  HtmlExtractResult result = ExtractMainText(tree, options_.html, phrases_.get(), model_.get(), page_model_.get());
  if (deadline && ThreadCpuNow() > deadline) {
    doc.Reject("timeout");
    return;
  }
  if (result.completed_from_structured_data) counters_.Add("structured_data_text");
  if (result.completed_from_description) counters_.Add("description_text");
  counters_.Add(result.method == "model" ? "by_model" : "fallback_" + result.method);
  if (!result.page_type.empty()) {
    counters_.Add("page_type_" + result.page_type);
    doc.metadata["page_type"] = result.page_type;
  }
  const StructuredData& structured = result.structured;
  if (structured.malformed > 0) counters_.Add("structured_data_malformed", structured.malformed);
  if (!structured.main_type.empty()) {
    Json& fields = doc.metadata["structured"] = Json::object();
    fields["type"] = structured.main_type;
    if (!structured.name.empty()) fields["name"] = structured.name;
    if (!structured.description.empty()) fields["description"] = structured.description;
  }
  doc.text = std::move(result.text);
  const HtmlMeta& meta = tree.meta();
  if (!meta.title.empty()) doc.metadata["title"] = meta.title;
  if (!meta.lang.empty()) doc.metadata["html_lang"] = meta.lang;
  if (!meta.date.empty() && doc.date.empty()) doc.metadata["date"] = meta.date;
  if (!meta.url.empty()) {
    if (doc.url.empty()) {
      doc.url = meta.url;
    } else if (doc.url != meta.url) {
      doc.metadata["canonical_url"] = meta.url;
    }
  }
}

Json ExtractStage::Stats() const { return counters_.ToJson(); }

void RegisterExtractStage(Registry& registry) {
  registry.Add("extract", [](OptionReader& reader, const StageContext& context) {
    return std::make_unique<ExtractStage>(ExtractOptions::Parse(reader), context);
  });
}

}  // namespace textmill
