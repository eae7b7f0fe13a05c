// Stage `quality`: the published heuristic filters (Gopher repetition,
// Gopher quality, C4, FineWeb, checked in that order as FineWeb's recipe runs
// them), each switchable and tunable; definitions, sources and reject reasons
// in quality_rules.h.
//
// mode drop: a document failing a rule is rejected with the rule's reason
// (e.g. gopher_short_doc, c4_too_few_sentences) and C4's line filters are
// applied to the text. mode annotate: nothing is dropped or changed; the
// measured values go to metadata.quality so thresholds can be chosen later.
// Both modes measure FineWeb on the text C4 leaves, as datatrove's pipeline does.
// Language-aware: stop words per language (configs/stopwords.yaml); languages
// in `icu_word_languages` are split into words by ICU; rules listed in
// `no_word_length_languages` / `no_punctuation_rules_languages` (average
// word length; C4's line filters and sentence count, FineWeb's punctuation
// ratio) are not applied to those languages.
//
// Reads: text, lang. Writes: text (C4 line removal, drop mode),
// metadata.quality (annotate mode). Rejects: one reason per rule.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "pipeline/counters.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"
#include "stages/quality/quality_rules.h"

namespace textmill {

struct QualityOptions {
  std::string mode = "drop";  // drop | annotate
  struct Gopher {
    bool enabled = true;
    int min_words = 50, max_words = 100000;
    double min_avg_word_length = 3, max_avg_word_length = 10;
    double max_symbol_word_ratio = 0.1, max_bullet_lines_ratio = 0.9, max_ellipsis_lines_ratio = 0.3;
    double min_alpha_words_ratio = 0.8;
    int min_stop_words = 2;
  } gopher;
  struct Repetition {
    bool enabled = true;
    double dup_line_frac = 0.3, dup_para_frac = 0.3, dup_line_char_frac = 0.2, dup_para_char_frac = 0.2;
    std::map<int, double> top_ngram = {{2, 0.20}, {3, 0.18}, {4, 0.16}};
    std::map<int, double> dup_ngram = {{5, 0.15}, {6, 0.14}, {7, 0.13}, {8, 0.12}, {9, 0.11}, {10, 0.10}};
  } repetition;
  struct C4 {
    bool enabled = true;
    int min_words_per_line = 3, max_word_length = 1000, min_sentences = 5;  // -1: off
    bool filter_no_terminal_punct = true;  // FineWeb's recipe sets it false
    bool remove_citations = true;          // "[1]", "[edit]", "[citation needed]"
    // ” ’ » end a line too: web text quotes with them (datatrove, C4's code:
    // ASCII quotes only, so a line ending in a quoted sentence goes; false
    // gives their decisions).
    bool typographic_end_quotes = true;
  } c4;
  struct C4Paragraph {  // mC4's page rule; not in C4 (English) nor FineWeb
    bool enabled = false;
    int min_paragraphs = 3, min_paragraph_length = 200;
  } c4_paragraph;
  struct FineWeb {
    bool enabled = true;
    bool line_punct_exclude_zero = false;  // true: a text with no punctuated line passes the ratio
    double min_line_punct_ratio = 0.12, max_short_line_ratio = 0.67, max_char_dup_ratio = 0.01,
           max_list_ratio = 0.3;
    int short_line_length = 30;
  } fineweb;
  std::string stop_words = "configs/stopwords.yaml";
  // Languages split into words by ICU (no spaces between words; datatrove
  // uses a dictionary segmenter for each of them).
  std::vector<std::string> icu_word_languages = {"zh", "ja", "th", "lo", "km", "my", "bo"};
  // Languages whose writing makes a rule meaningless: no spaces between words
  // (zh, ja, th, ...) or other sentence punctuation.
  std::vector<std::string> no_word_length_languages = {"zh", "ja", "th", "lo", "km", "my", "bo"};
  std::vector<std::string> no_punctuation_rules_languages = {"zh", "ja", "th", "lo", "km", "my", "bo"};

  static QualityOptions Parse(OptionReader& reader);
};

class QualityStage : public Stage {
 public:
  QualityStage(const QualityOptions& options, const StageContext& context);
  std::string_view Name() const override { return "quality"; }
  void ProcessDoc(Document& doc) override;
  Json Stats() const override;

 private:
  // The first rule the document fails, or "" (and fills `annotation`).
  std::string Evaluate(Document& doc, Json& annotation) const;

  QualityOptions options_;
  std::map<std::string, StopWords> stop_words_;
  mutable Counters counters_;
};

void RegisterQualityStage(Registry& registry);

}  // namespace textmill
