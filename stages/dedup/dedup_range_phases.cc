// The range phases of a phased dedup run (see dedup_phases.cc for the files
// they read and write): each works on one hash range of the records every
// input slice wrote, or, merge (dedup_merge_phase.cc), on all of them in one
// task. The index phase (in dedup_phases.cc) commits the index partitions of
// its range.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/errors.h"
#include "stages/dedup/bucket_file.h"
#include "stages/dedup/dedup.h"
#include "stages/dedup/dedup_keys.h"
#include "stages/dedup/phase_records.h"

namespace fs = std::filesystem;

namespace textmill {

namespace {

// A line record keyed by its document first, for the join with clusters.bin.
struct LineByDocument {
  uint64_t input_order, line_key;
  auto operator<=>(const LineByDocument&) const = default;  // a total order, for SortedRuns
};

// clusters.bin read forward, a buffer at a time: each document in a cluster
// (duplicates and their keepers) with its cluster, in input order.
class ClusterCursor {
 public:
  explicit ClusterCursor(std::string path) : path_(std::move(path)), file_(std::fopen(path_.c_str(), "rb")) {
    if (!file_) throw RuntimeError("cannot read " + path_ + ": " + std::strerror(errno));
  }
  ~ClusterCursor() { std::fclose(file_); }
  ClusterCursor(const ClusterCursor&) = delete;
  ClusterCursor& operator=(const ClusterCursor&) = delete;

  // The cluster of the document `input_order`, or the document itself when
  // it is in none. Asked in ascending input order.
  uint64_t OwnerOf(uint64_t input_order) {
    while (Fill() && buffer_[at_].input_order < input_order) Advance();
    return Fill() && buffer_[at_].input_order == input_order ? buffer_[at_].cluster : input_order;
  }

 private:
  bool Fill() {
    if (at_ < size_) return true;
    const size_t got = std::fread(buffer_.data(), 1, buffer_.size() * sizeof(ClusterRecord), file_);
    if (std::ferror(file_)) throw RuntimeError("cannot read " + path_ + ": " + std::strerror(errno));
    if (got % sizeof(ClusterRecord) != 0) throw RuntimeError(path_ + ": truncated record file");
    size_ = got / sizeof(ClusterRecord);
    at_ = 0;
    if (size_ > 0) CheckOrder(buffer_[0].input_order);
    return size_ > 0;
  }
  void Advance() {
    ++at_;
    if (at_ < size_) CheckOrder(buffer_[at_].input_order);
  }
  void CheckOrder(uint64_t input_order) {
    if (input_order < last_) throw RuntimeError(path_ + ": not in input order (written by another version?)");
    last_ = input_order;
  }

  std::string path_;
  std::FILE* file_;
  std::vector<ClusterRecord> buffer_ = std::vector<ClusterRecord>(4096);
  size_t size_ = 0, at_ = 0;
  uint64_t last_ = 0;
};

}  // namespace

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
  // Two sort buffers are alive at once (the records by document, merged while
  // the records by line fill): each gets half of the step's share.
  SortedRuns<LineRecord> records(BufferBytes(2));
  if (options_.lines) {
    // Copies of one article count once: owners are clusters, not documents.
    // The records are sorted by document so that clusters.bin (the documents
    // in clusters, in input order, as merge writes them) is read once,
    // forward: this task's memory does not grow with the duplicates.
    SortedRuns<LineByDocument> by_document(BufferBytes(2));
    ForEachBucketRecord<LineRecord>(RankFiles(PhaseFile("lines"), context.count), static_cast<uint32_t>(context.rank),
                                    static_cast<uint32_t>(context.count), [&by_document](const LineRecord& r) {
                                      by_document.Add({r.input_order, r.line_key});
                                    });
    ClusterCursor clusters(PhaseFile("clusters.bin"));
    by_document.Merge([&](const LineByDocument& r) {
      const uint64_t owner = clusters.OwnerOf(r.input_order);
      if (owner != kNotCounted) records.Add({r.line_key, owner});
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
