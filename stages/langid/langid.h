// Stage `langid`: tags every document with `lang` and `lang_score`.
//
// Backends (see language_identifier.h): fasttext (lid.176.ftz), cld2 (model
// built in), combined (both, voting), auto (combined when the fastText model
// file is there, else cld2 with a warning). Long documents are classified on
// a bounded sample (sample_bytes from the start). With `paragraphs`, every
// paragraph (text between blank lines) is tagged too: metadata.lang_spans =
// [{start, end, lang, score}] (byte offsets into text) and metadata.lang_shares
// = {lang: share of text bytes}.
//
// Reads: text. Writes: lang, lang_score, metadata.lang_spans/lang_shares.
// Rejects: lang_not_kept (not in `keep`), lang_low_score (under min_score or
// min_score_by_lang). Counters: docs per language (lang.<code>).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/counters.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"
#include "stages/langid/language_identifier.h"

namespace textmill {

struct LangidOptions {
  std::string backend = "auto";        // auto | combined | fasttext | cld2
  std::string model = "lid.176.ftz";   // in models_dir, or a path
  std::vector<std::string> keep;       // empty: keep every language
  double min_score = 0.0;
  std::map<std::string, double> min_score_by_lang;
  int64_t sample_bytes = 2048;         // classify at most this much of a document
  bool lowercase_shouting = true;
  bool paragraphs = false;             // per-paragraph spans in metadata
  int min_paragraph_chars = 40;        // shorter paragraphs join the next
  std::string dictionaries = "/usr/share/hunspell";  // Hunspell dictionaries for close languages; "" = off
  std::string apertium = "/usr/share/apertium";      // Apertium analysers (ms/id); "" = off
  // The dictionaries' spelling tables (`textmill spelling-tables`), in
  // models_dir or a path: the same answers with fewer dictionaries loaded.
  std::string spelling_tables = "spelling";

  static LangidOptions Parse(OptionReader& reader);
};

// Builds the identifier an options struct describes (auto resolved here).
std::unique_ptr<LanguageIdentifier> MakeLanguageIdentifier(const LangidOptions& options,
                                                           const StageContext& context);

class LangidStage : public Stage {
 public:
  LangidStage(const LangidOptions& options, const StageContext& context);
  std::string_view Name() const override { return "langid"; }
  void Load() override;  // the fastText model (Hunspell dictionaries load on first need)
  void ProcessDoc(Document& doc) override;
  Json Stats() const override;

 private:
  void TagParagraphs(Document& doc) const;

  LangidOptions options_;
  StageContext context_;
  std::unique_ptr<LanguageIdentifier> identifier_;
  LoadedFlag loaded_;
  mutable Counters counters_;
};

void RegisterLangidStage(Registry& registry);
// `textmill langid` (langid_command.cc).
void RegisterLangidCommand(Registry& registry);
void RegisterSpellingTablesCommand(Registry& registry);

}  // namespace textmill
