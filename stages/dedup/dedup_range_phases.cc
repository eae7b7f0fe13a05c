// The range phases of a phased dedup run (see dedup_phases.cc for the files
// they read and write): each works on one hash range of the records every
// input slice wrote, or, merge (dedup_merge_phase.cc), on all of them in one
// task. The index phase (in dedup_phases.cc) commits the index partitions of
// its range.
#include <algorithm>
#include <filesystem>

#include "pipeline/errors.h"
#include "stages/dedup/bucket_file.h"
#include "stages/dedup/dedup.h"
#include "stages/dedup/dedup_keys.h"
#include "stages/dedup/phase_records.h"

namespace fs = std::filesystem;

namespace textmill {

std::vector<RangePhase> DedupStage::RangePhases() {
  // Each runs in its own process: `phase_` (and PhaseFile) must name its work dir.
  const auto in_phase = [this](Json (DedupStage::*phase)(const PhaseContext&) const) {
    return [this, phase](const PhaseContext& context) {
      phase_ = context;
      fs::create_directories(fs::path(phase_.work_dir) / "dedup");
      return (this->*phase)(context);
    };
  };
  return {{"count", DocumentPass::kObserve, false, in_phase(&DedupStage::CountPhase)},
          {"pairs", DocumentPass::kAnalyze, false, in_phase(&DedupStage::PairsPhase)},
          {"merge", DocumentPass::kAnalyze, true, in_phase(&DedupStage::MergePhase)},
          {"lines", DocumentPass::kAnalyze, false, in_phase(&DedupStage::LinesPhase)},
          {"index", DocumentPass::kApply, false, in_phase(&DedupStage::IndexPhase)}};
}

// A range phase's sort budget: the config's memory_mib, less what the task's
// stages hold (see BufferBytes).
Json DedupStage::CountPhase(const PhaseContext& context) const {
  SortedRuns<LineRecord> records(BufferBytes(1));  // (line key, text hash): the same shape
  if (options_.lines) {
    ForEachBucketRecord<ObservedRecord>(RankFiles(PhaseFile("observed"), context.count),
                                        static_cast<uint32_t>(context.rank), static_cast<uint32_t>(context.count),
                                        [&records](const ObservedRecord& r) { records.Add({r.line_key, r.text_hash}); });
  }
  const uint64_t observed = records.records();
  const std::vector<uint64_t> keys =
      KeysWithOwners(records, static_cast<uint32_t>(2 * options_.line_min_docs), state_.get());
  WriteRecords(PhaseFile(Numbered("first", 'b', context.rank)), keys);
  return {{"observed_records", observed}, {"first_cut_lines", keys.size()}};
}

Json DedupStage::PairsPhase(const PhaseContext& context) const {
  const auto range = static_cast<uint32_t>(context.rank), ranges = static_cast<uint32_t>(context.count);
  std::vector<Edge> edges;
  SparseUnionFind joined;  // pairs already joined in this range need no comparison
  int64_t exact_records = 0, band_records = 0, comparisons = 0;
  if (options_.exact) {
    struct Exact {
      uint64_t high, low, input_order;
      auto operator<=>(const Exact&) const = default;
    };
    SortedRuns<Exact> records(BufferBytes(1));
    ForEachBucketRecord<ExactRecord>(RankFiles(PhaseFile("exact"), context.count), range, ranges,
                                     [&records](const ExactRecord& r) { records.Add({r.high, r.low, r.input_order}); });
    exact_records = static_cast<int64_t>(records.records());
    bool first = true;
    Exact previous{};
    records.Merge([&](const Exact& r) {
      if (!first && r.high == previous.high && r.low == previous.low && joined.Union(previous.input_order, r.input_order)) {
        edges.push_back({previous.input_order, r.input_order});
      }
      previous = r;
      first = false;
    });
  }
  if (options_.near) {
    // Sorted by bucket (band, key), then input order; the rest rides along.
    struct Band {
      uint32_t band, key;
      uint64_t input_order;
      uint32_t shingles, rank, spool_position;
      auto operator<=>(const Band&) const = default;
    };
    SortedRuns<Band> records(BufferBytes(1));
    ForEachBucketRecord<BandRecord>(RankFiles(PhaseFile("band"), context.count), range, ranges,
                                    [&records](const BandRecord& r) {
                                      records.Add({r.band & ~kHasShingles, r.key, r.input_order, r.band & kHasShingles,
                                                   r.rank, r.spool_position});
                                    });
    band_records = static_cast<int64_t>(records.records());
    SignatureFiles signatures(PhaseFile("sig"), context.count, options_.num_perm);
    std::vector<Band> bucket;  // its first kMaxComparedPerBucket members
    const auto compare = [&] {
      for (size_t i = 0; i < bucket.size(); ++i) {
        const Band& a = bucket[i];
        if (!a.shingles) continue;
        for (size_t j = i + 1; j < bucket.size(); ++j) {
          const Band& c = bucket[j];
          if (!c.shingles || joined.Find(a.input_order) == joined.Find(c.input_order)) continue;
          ++comparisons;
          if (EstimatedJaccard(signatures.Get(a.rank, a.spool_position, 0), signatures.Get(c.rank, c.spool_position, 1),
                               options_.num_perm) >= options_.threshold) {
            joined.Union(a.input_order, c.input_order);
            edges.push_back({a.input_order, c.input_order});
          }
        }
      }
    };
    records.Merge([&](const Band& r) {
      if (!bucket.empty() && (r.band != bucket.front().band || r.key != bucket.front().key)) {
        compare();
        bucket.clear();
      }
      if (bucket.size() < kMaxComparedPerBucket) bucket.push_back(r);
    });
    compare();
  }
  WriteRecords(PhaseFile(Numbered("edges", 'b', context.rank)), edges);
  return {{"exact_records", exact_records},
          {"band_records", band_records},
          {"comparisons", comparisons},
          {"pairs", edges.size()}};
}

Json DedupStage::LinesPhase(const PhaseContext& context) const {
  SortedRuns<LineRecord> records(BufferBytes(1));
  if (options_.lines) {
    // The documents in clusters (duplicates and their keepers), sorted by
    // input order as merge writes them: 16 bytes each, searched, not hashed.
    const std::vector<ClusterRecord> clusters = ReadRecords<ClusterRecord>(PhaseFile("clusters.bin"));
    if (!std::is_sorted(clusters.begin(), clusters.end(),
                        [](const ClusterRecord& a, const ClusterRecord& b) { return a.input_order < b.input_order; })) {
      throw RuntimeError(PhaseFile("clusters.bin") + ": not in input order (written by another version?)");
    }
    // Copies of one article count once: owners are clusters, not documents.
    ForEachBucketRecord<LineRecord>(RankFiles(PhaseFile("lines"), context.count), static_cast<uint32_t>(context.rank),
                                    static_cast<uint32_t>(context.count), [&](LineRecord r) {
                                      const auto it = std::lower_bound(
                                          clusters.begin(), clusters.end(), r.input_order,
                                          [](const ClusterRecord& c, uint64_t order) { return c.input_order < order; });
                                      if (it != clusters.end() && it->input_order == r.input_order) r.input_order = it->cluster;
                                      if (r.input_order != kNotCounted) records.Add(r);
                                    });
  }
  const uint64_t line_records = records.records();
  StreamedFile counts(PhaseFile(Numbered("counts", 'b', context.rank)));  // this run's counts, for the index
  std::vector<uint64_t> weak;
  const std::vector<uint64_t> keys =
      KeysWithOwners(records, static_cast<uint32_t>(options_.line_min_docs), state_.get(),
                     [&counts](const CountRecord& c) { counts.Write(&c, sizeof c); },
                     static_cast<uint32_t>(options_.line_block_min_docs), &weak);
  WriteRecords(PhaseFile(Numbered("final", 'b', context.rank)), keys);
  WriteRecords(PhaseFile(Numbered("weak", 'b', context.rank)), weak);
  counts.Commit();
  return {{"line_records", line_records}, {"repeated_lines", keys.size()}};
}

}  // namespace textmill
