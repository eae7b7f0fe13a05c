// Stage `decontaminate`: removes evaluation benchmarks from the corpus. A
// document sharing a word n-gram (default 13, as GPT-3 and Dolma) with a
// benchmark example (benchmark_ngrams.h; words as ngram_words.h defines
// them) is contaminated. Off (does nothing) unless benchmarks are given.
//
// mode drop: a contaminated document is rejected (benchmark_overlap).
// mode cut: GPT-3's training-data filter (Brown et al. 2020, "Language Models
// are Few-Shot Learners", Appendix C): every matching n-gram is removed with
// `margin_chars` characters (200) on each side; what is left are pieces,
// pieces shorter than `min_piece_chars` (200) are dropped, and a document cut
// into more than `max_pieces` (10) pieces is rejected whole (as is one with
// nothing left). Kept pieces are joined by a blank line; the document gets
// metadata.decontaminate {ngrams, benchmarks}. mode annotate: only that
// metadata, the text is kept (to measure before choosing). GPT-3 also ignored n-grams
// frequent in the training data (in more than 10 documents): not done here,
// it needs a pass over the whole corpus first.
//
// Reads: text. Writes: text (cut mode), metadata.decontaminate (cut, annotate).
// Rejects: benchmark_overlap. Counters: docs_contaminated, ngram_hits,
// docs_cut, chars_removed, benchmark.<file> (documents matching it; an
// n-gram in several files counts for the first); under `benchmarks`, per
// file examples, n-grams, short examples, bad lines, and the table's memory.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pipeline/counters.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"
#include "stages/decontaminate/benchmark_ngrams.h"

namespace textmill {

struct DecontaminateOptions {
  std::vector<std::string> benchmarks;  // files and folders
  std::string field = "text";           // of JSON Lines records
  int ngram = 13;                       // words per n-gram
  std::string mode = "drop";            // drop | cut | annotate
  int margin_chars = 200;               // cut: removed on each side of a match (GPT-3)
  int min_piece_chars = 200;            // cut: shorter pieces are dropped (GPT-3)
  int max_pieces = 10;                  // cut: more pieces reject the document (GPT-3)

  static DecontaminateOptions Parse(OptionReader& reader);
};

// A matched n-gram: bytes [begin, end) of the text, and its benchmark file.
struct NgramHit {
  size_t begin, end;
  uint16_t file;
};

class DecontaminateStage : public Stage {
 public:
  DecontaminateStage(const DecontaminateOptions& options, const StageContext& context);
  std::string_view Name() const override { return "decontaminate"; }
  void Load() override;  // the benchmarks' n-grams
  void ProcessDoc(Document& doc) override;
  Json Stats() const override;

  std::vector<NgramHit> FindHits(std::string_view text) const;
  // The text without the hits and their margins; pieces counts the parts the
  // cuts made (before short ones are dropped).
  std::string Cut(std::string_view text, const std::vector<NgramHit>& hits, int& pieces) const;

 private:
  DecontaminateOptions options_;
  std::optional<BenchmarkNgrams> ngrams_;
  double load_seconds_ = 0;
  LoadedFlag loaded_;
  mutable Counters counters_;
};

void RegisterDecontaminateStage(Registry& registry);

}  // namespace textmill
