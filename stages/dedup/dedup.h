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
//
// Memory (single machine): what grows with the documents is on disk, within
// the config's memory_mib: the (line key, text) pairs of pass 1 and the
// (line key, cluster) pairs of pass 3 are sorted in runs (SortedRuns), the
// keys and signatures of pass 2 are in a DocTable. In memory per document:
// the union-find parent and a shingles flag while deciding (5 bytes), and a
// record per duplicate. Heap maps of line keys were ~1.9 KB a document
// (scripts/bench_scale.sh, issue 17).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <tbb/concurrent_unordered_set.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_arena.h>

#include "pipeline/counters.h"
#include "stages/dedup/bucket_file.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"
#include "stages/dedup/dedup_state.h"
#include "stages/dedup/doc_table.h"
#include "stages/dedup/minhash.h"
#include "stages/dedup/sorted_runs.h"

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
  // Hash partitions of a new index (DedupState); an existing one keeps its count.
  int index_partitions = DedupState::kDefaultPartitions;
  std::string state_dir;    // from `run --state`; empty: no cross-run index
  uint64_t memory_bytes = uint64_t{256} << 20;  // from the config's memory_mib: the sort buffers' budget

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
  // A dropped document of a single-machine run (one per duplicate, sorted by position).
  struct Decision {
    uint32_t position = 0;   // spool position of the dropped copy
    bool exact = false;      // exact copy (else near)
    bool published = false;  // the kept copy was published by an earlier run
    std::string dup_of;      // the kept copy's id
  };
  // Sort records (SortedRuns): a total order, so any budget gives the same sequence.
  struct ObservedLine {  // pass 1: a line key and the text it is in
    uint64_t key, text_hash;
    auto operator<=>(const ObservedLine&) const = default;
  };
  struct LineOwner {  // pass 2: a line key and its document (a spool position)
    uint64_t key;
    uint32_t position;
  };
  struct ClusterLine {  // pass 3: a line key (byte-swapped: LMDB's key order) and its cluster
    uint64_t key_be;
    uint32_t root;
    auto operator<=>(const ClusterLine&) const = default;
  };
  struct LineCount {
    uint64_t key;
    uint32_t count;
  };
  // Published-copy matches of this run's documents, by position.
  struct PublishedMatch {
    uint32_t position;
    bool exact;
    std::string id;
  };
  size_t BufferBytes(int parts) const;
  std::vector<PublishedMatch> MatchPublished(const std::vector<uint8_t>* has_shingles = nullptr);
  void ClusterRun(std::vector<int32_t>& parent, std::vector<uint8_t>& has_shingles);
  void DecideClusters(std::vector<int32_t>& parent, const std::vector<PublishedMatch>& published,
                      std::vector<uint8_t>& published_cluster);
  void CountClusterLines(std::vector<int32_t>& parent, const std::vector<uint8_t>& published_cluster);
  void AddFinalLine(uint64_t key, uint32_t count);

  // Phased runs: what each phase writes and reads (dedup_phases.cc).
  struct PhaseDecision {
    std::string keeper_id;
    bool exact = false;
    bool published = false;  // the keeper was published by an earlier run
  };
  std::string PhaseFile(const std::string& name) const;
  void WriteObserved(uint64_t text_hash, const std::vector<uint64_t>& line_keys);
  void WriteSigned(const Document& doc, const DocKeys& keys, const std::vector<uint64_t>& line_keys);
  void FinishSigned();
  void CommitPhased(int64_t run_id);
  using PublishedRunFn =
      std::function<void(uint64_t count, const DedupState::DocFn& doc, const DedupState::CountSource& counts)>;
  void ReadPublishedRun(const std::function<bool(uint64_t)>& signature_wanted, const PublishedRunFn& fn) const;
  std::string PhasedAttempt() const;
  Json CountPhase(const PhaseContext& context) const;
  Json PairsPhase(const PhaseContext& context) const;
  Json MergePhase(const PhaseContext& context) const;
  Json MergeOutOfCore(const PhaseContext& context) const;  // dedup_merge_external.cc
  Json LinesPhase(const PhaseContext& context) const;
  Json IndexPhase(const PhaseContext& context) const;

  DedupOptions options_;
  MinHasher hasher_;
  std::unique_ptr<DedupState> state_;

  // Pass 1.
  tbb::concurrent_unordered_set<uint64_t> seen_texts_;  // phased: exact copies count lines once
  tbb::enumerable_thread_specific<std::unique_ptr<SortedRuns<ObservedLine>>> observed_lines_;
  std::unordered_set<uint64_t> repeated_lines_;  // first cut (pass 2), then final (pass 3)
  std::unordered_set<uint64_t> weak_lines_;      // final: removed only next to removed lines
  std::unordered_map<uint64_t, uint32_t> cluster_line_counts_;  // phased report: this run's counts
  RecordLog<LineCount> run_line_counts_;  // single machine: this run's counts per cluster, for the state

  // Pass 2, by spool position.
  uint64_t documents_ = 0;
  std::unique_ptr<DocTable> docs_;
  tbb::enumerable_thread_specific<std::unique_ptr<RecordLog<LineOwner>>> line_owners_;

  // Phased runs: empty phase = a single-machine run.
  PhaseContext phase_;
  std::unique_ptr<BucketFileWriter> observed_, band_records_, exact_records_, line_records_;
  std::unordered_map<uint64_t, PhaseDecision> phase_decisions_;  // finalize: by input_order
  RecordLog<uint64_t> kept_input_orders_;                              // finalize: what to publish

  // Decide / Process.
  std::vector<Decision> decisions_;
  RecordLog<uint32_t> kept_positions_;  // with --state: what Commit publishes, in input order
  mutable Counters counters_;
};

void RegisterDedupStage(Registry& registry);

}  // namespace textmill
