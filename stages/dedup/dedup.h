// Stage `dedup`: exact, near-duplicate and repeated-line deduplication, within
// a run and against every earlier run (`textmill run --state DIR`).
//
// A GlobalStage (see pipeline/stage.h), in three passes:
//  1. Observe: counts, per distinct document (exact copies count once), the
//     normalized lines it contains.
//  2. Analyze: removes the lines seen in >= 2 * line_min_docs documents
//     (a conservative first cut: near copies of one article still inflate
//     these counts), then computes the exact key (128-bit XXH3 of the text
//     after NFKC, case folding and whitespace collapsing) and a MinHash
//     signature of its word n-grams with LSH band keys.
//  3. Decide, then Process: groups documents whose exact keys are equal or
//     whose signatures share an LSH band and agree on >= threshold of their
//     positions (estimated Jaccard). Which copy is kept: a copy published by
//     an earlier run always wins; otherwise the earliest by date (doc date,
//     e.g. WARC-Date or a JSONL date field; undated documents come after dated
//     ones), then the first in input order. Then the lines are counted again,
//     once per cluster of duplicates and per site (URL host, plus the counts
//     of earlier runs): a line in >= line_min_docs non-duplicate documents of
//     one site is that site's boilerplate (CCNet's idea, with a threshold
//     instead of "seen twice") and is removed from that site's documents.
//     Lines up to 160 bytes (menus, share bars, teaser links) are also
//     counted across all sites. Counting per cluster keeps an article's
//     copies from outvoting it; counting long lines per site keeps a paragraph
//     quoted on many sites (on make_corpus.py's corpus, whose pages reuse
//     paragraphs across hosts, global counting emptied 1,482 of 4,614 pages).
//
// Reads: text, date, id. Writes: text (repeated lines removed),
// metadata.dup_of and metadata.dup_kind on dropped documents.
// Rejects: duplicate_exact, duplicate_near, boilerplate_only.
// Thread safety: Observe and Analyze run in parallel (per-thread counters,
// per spool position slots); Decide and Process run on one thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <tbb/concurrent_unordered_set.h>
#include <tbb/enumerable_thread_specific.h>

#include "pipeline/counters.h"
#include "stages/dedup/bucket_file.h"
#include "pipeline/registry.h"
#include "stages/dedup/temp_mapping.h"
#include "pipeline/stage.h"
#include "stages/dedup/dedup_state.h"
#include "stages/dedup/minhash.h"

namespace textmill {

struct DedupOptions {
  bool exact = true;
  bool near = true;
  bool lines = true;
  // A line in this many non-duplicate documents is boilerplate. 4 was chosen
  // on the dedup dev set among 3, 4, 5, 8 and 10: 3 starts to take lines
  // from real content, 5 and more leave more template lines.
  int line_min_docs = 4;
  // A block of lines (between removed lines or the document's edges) whose
  // lines are all in at least this many non-duplicate documents of the site
  // is removed too, unless it is the document's largest block (teaser boxes;
  // dev set: template lines removed 82.7% -> 90.5%, content lost unchanged).
  // 0: off.
  int line_block_min_docs = 2;
  int ngram = 5;            // words per shingle
  int bands = 20;           // LSH bands ...
  int rows = 3;             // ... of this many signature positions
  int num_perm = 128;       // signature length (>= bands * rows); the rest sharpens the estimate
  double threshold = 0.5;   // estimated Jaccard that confirms a near duplicate
  uint64_t seed = 1;
  std::string state_dir;    // from `run --state`; empty: no cross-run index

  static DedupOptions Parse(OptionReader& reader);
  std::string ParamsString() const;  // what must match a stored index
};

class DedupStage : public GlobalStage {
 public:
  DedupStage(const DedupOptions& options, const StageContext& context);
  std::string_view Name() const override { return "dedup"; }

  void Observe(const Document& doc) override;
  void EndObserve(uint64_t documents) override;
  void Analyze(const Document& doc) override;
  void Decide() override;
  void ProcessDoc(Document& doc) override;
  void Commit(int64_t run_id) override;
  void Flush() override;
  int64_t LastCommittedRun() const override { return state_ ? state_->last_run_id() : 0; }
  Json Stats() const override;

  // Phased runs (pipeline/phases.h): dedup_phases.cc, dedup_range_phases.cc.
  void BeginPhase(const PhaseContext& context) override;
  std::vector<RangePhase> RangePhases() override;

  // The text without the lines repeated on its site (valid after EndObserve).
  // `line_keys`, when given, gets the keys of every line (ForEachLineKey):
  // the caller needs them too, and normalizing a line is the costly part.
  std::string RemoveRepeatedLines(std::string_view text, uint64_t site, int64_t* removed = nullptr,
                                  std::vector<uint64_t>* line_keys = nullptr) const;

 private:
  struct Decision {
    int32_t keeper = -1;          // in-run keeper spool position, or -1
    std::string published_id;     // set when a published copy wins
    bool exact = false;           // exact copy (else near)
  };
  const uint32_t* Sig(uint64_t position) const { return signatures_ + position * static_cast<uint64_t>(options_.num_perm); }
  void MatchPublished(std::vector<std::string>& published_match, std::vector<uint8_t>& published_exact);
  void ClusterRun(std::vector<int32_t>& parent);
  void CountClusterLines(const std::vector<uint32_t>& members);
  void FinalRepeatedLines();

  // Phased runs: what each phase writes and reads (dedup_phases.cc).
  struct PhaseDecision {
    std::string keeper_id;
    bool exact = false;
    bool published = false;  // the keeper was published by an earlier run
  };
  std::string PhaseFile(const std::string& name) const;
  void WriteObserved(uint64_t text_hash, const std::vector<uint64_t>& line_keys);
  void WriteSigned(const Document& doc);
  void FinishSigned();
  void CommitPhased(int64_t run_id);
  Json CountPhase(const PhaseContext& context) const;
  Json PairsPhase(const PhaseContext& context) const;
  Json MergePhase(const PhaseContext& context) const;
  Json LinesPhase(const PhaseContext& context) const;

  DedupOptions options_;
  MinHasher hasher_;
  std::unique_ptr<DedupState> state_;

  // Pass 1.
  tbb::concurrent_unordered_set<uint64_t> seen_texts_;  // exact copies count lines once
  tbb::enumerable_thread_specific<std::unordered_map<uint64_t, uint32_t>> local_line_counts_;
  std::unordered_map<uint64_t, uint32_t> run_line_counts_;
  std::unordered_set<uint64_t> repeated_lines_;  // first cut (pass 2), then final (pass 3)
  std::unordered_set<uint64_t> weak_lines_;      // final: removed only next to removed lines
  std::unordered_map<uint64_t, uint32_t> cluster_line_counts_;  // this run's, saved to the state

  // Pass 2, one slot per spool position.
  uint64_t documents_ = 0;
  std::vector<ExactKey> exact_;
  // Signatures live in a file-backed mapping, not the heap: 512 bytes a
  // document is most of the index, and page cache can be written out.
  TempMapping signature_store_;
  uint32_t* signatures_ = nullptr;
  std::vector<uint32_t> band_keys_;
  std::vector<uint64_t> dates_;
  std::vector<uint64_t> input_orders_;  // Document::input_order
  std::vector<std::string> ids_;
  std::vector<uint8_t> has_shingles_;
  std::vector<std::vector<uint64_t>> line_keys_;  // distinct line keys of each document

  // Phased runs: empty phase = a single-machine run.
  PhaseContext phase_;
  std::unique_ptr<BucketFileWriter> observed_, band_records_, exact_records_, line_records_;
  std::unordered_map<uint64_t, PhaseDecision> phase_decisions_;  // finalize: by input_order
  std::vector<uint64_t> kept_input_orders_;                              // finalize: what to publish

  // Decide / Process.
  std::vector<Decision> decisions_;
  std::vector<PublishedDoc> to_publish_;
  mutable Counters counters_;
};

void RegisterDedupStage(Registry& registry);

}  // namespace textmill
