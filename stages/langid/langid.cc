#include "stages/langid/langid.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "pipeline/errors.h"

namespace textmill {

LangidOptions LangidOptions::Parse(OptionReader& reader) {
  LangidOptions o;
  reader.GetEnum("backend", o.backend, {"auto", "combined", "fasttext", "cld2"});
  reader.Get("model", o.model);
  reader.Get("keep", o.keep);
  reader.Get("min_score", o.min_score, 0.0, 1.0);
  reader.Get("min_score_by_lang", o.min_score_by_lang, 0.0, 1.0);
  reader.Get("sample_bytes", o.sample_bytes, 64, int64_t{1} << 30);
  reader.Get("lowercase_shouting", o.lowercase_shouting);
  reader.Get("paragraphs", o.paragraphs);
  reader.Get("min_paragraph_chars", o.min_paragraph_chars, 0, 100000);
  reader.Get("dictionaries", o.dictionaries);
  reader.Get("apertium", o.apertium);
  reader.Get("spelling_tables", o.spelling_tables);
  for (std::string& lang : o.keep) lang = CanonicalLanguage(lang);
  return o;
}

std::unique_ptr<LanguageIdentifier> MakeLanguageIdentifier(const LangidOptions& options,
                                                           const StageContext& context) {
  namespace fs = std::filesystem;
  const std::string model = context.ResolveModelPath(options.model);
  using Backend = LanguageIdentifier::Backend;
  Backend backend = Backend::kCombined;
  if (options.backend == "fasttext") backend = Backend::kFastText;
  if (options.backend == "cld2") backend = Backend::kCld2;
  if (options.backend == "auto" && !fs::exists(model)) {
    spdlog::warn("langid: fastText model {} not found (scripts/fetch_model.sh fetches it); using CLD2 alone",
                 model);
    backend = Backend::kCld2;
  }
  if (!options.dictionaries.empty() && !fs::is_directory(options.dictionaries)) {
    spdlog::warn("langid: dictionary directory {} not found (scripts/setup.sh installs Debian's hunspell-* "
                 "packages); close languages are not split",
                 options.dictionaries);
  }
  if (!options.apertium.empty() && !fs::is_directory(options.apertium)) {
    spdlog::warn("langid: Apertium directory {} not found (scripts/setup.sh installs apertium-ind-zlm); Malay "
                 "and Indonesian are not split",
                 options.apertium);
  }
  // Optional, like the tables in it: without them the dictionaries answer alone.
  const std::string spelling = options.spelling_tables.empty() ? "" : context.ResolveModelPath(options.spelling_tables);
  return std::make_unique<LanguageIdentifier>(backend, model, options.lowercase_shouting, options.dictionaries,
                                              options.apertium, spelling);
}

LangidStage::LangidStage(const LangidOptions& options, const StageContext& context)
    : options_(options), context_(context) {}

void LangidStage::Load() {
  identifier_ = MakeLanguageIdentifier(options_, context_);
  loaded_.Set();
}

namespace {

// The first `max_bytes` of `text`, cut at a character boundary.
std::string_view Sample(std::string_view text, int64_t max_bytes) {
  if (static_cast<int64_t>(text.size()) <= max_bytes) return text;
  size_t cut = static_cast<size_t>(max_bytes);
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace

void LangidStage::ProcessDoc(Document& doc) {
  loaded_.Check("langid");
  const LanguageGuess guess = identifier_->Identify(Sample(doc.text, options_.sample_bytes));
  doc.lang = guess.lang;
  doc.lang_score = guess.score;
  counters_.Add("lang." + guess.lang);
  if (options_.paragraphs) TagParagraphs(doc);
  if (!options_.keep.empty() &&
      std::find(options_.keep.begin(), options_.keep.end(), guess.lang) == options_.keep.end()) {
    doc.Reject("lang_not_kept");
    return;
  }
  const auto it = options_.min_score_by_lang.find(guess.lang);
  const double floor = it != options_.min_score_by_lang.end() ? it->second : options_.min_score;
  if (guess.score < floor) doc.Reject("lang_low_score");
}

void LangidStage::TagParagraphs(Document& doc) const {
  Json spans = Json::array();
  std::map<std::string, double> bytes_by_lang;
  const std::string& text = doc.text;
  size_t start = 0;
  while (start < text.size()) {
    // A paragraph ends at a blank line; short ones join the next so that a
    // heading is classified with its paragraph.
    size_t end = start;
    do {
      const size_t blank = text.find("\n\n", end);
      end = blank == std::string::npos ? text.size() : blank + 2;
    } while (end < text.size() && static_cast<int>(end - start) < options_.min_paragraph_chars);
    const std::string_view paragraph(text.data() + start, end - start);
    const LanguageGuess guess = identifier_->Identify(Sample(paragraph, options_.sample_bytes));
    spans.push_back({{"start", start}, {"end", end}, {"lang", guess.lang},
                     {"score", std::round(guess.score * 1e4) / 1e4}});
    bytes_by_lang[guess.lang] += static_cast<double>(end - start);
    start = end;
  }
  Json shares = Json::object();
  for (const auto& [lang, bytes] : bytes_by_lang) {
    shares[lang] = std::round(bytes / static_cast<double>(text.size()) * 1e4) / 1e4;
  }
  doc.metadata["lang_spans"] = std::move(spans);
  doc.metadata["lang_shares"] = std::move(shares);
}

Json LangidStage::Stats() const { return counters_.ToJson(); }

void RegisterLangidStage(Registry& registry) {
  registry.Add("langid", [](OptionReader& reader, const StageContext& context) {
    return std::make_unique<LangidStage>(LangidOptions::Parse(reader), context);
  });
}

}  // namespace textmill
