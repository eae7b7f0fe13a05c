// The range phases of a phased dedup run (see dedup_phases.cc for the files
// they read and write): each works on one hash range of the records every
// input slice wrote, or, merge, on all of them in one task. The index phase
// (in dedup_phases.cc) commits the index partitions of its range.
#include <algorithm>
#include <filesystem>
#include <tuple>

#include "pipeline/errors.h"
#include "pipeline/util/atomic_file.h"
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

Json DedupStage::MergePhase(const PhaseContext& context) const {
  SparseUnionFind clusters;
  int64_t pairs = 0;
  for (int b = 0; b < context.count; ++b) {
    for (const Edge& e : ReadRecords<Edge>(PhaseFile(Numbered("edges", 'b', b)))) {
      clusters.Union(e.a, e.b);
      ++pairs;
    }
  }
  // Copies of documents published by earlier runs, from the sign tasks.
  std::unordered_map<uint64_t, std::pair<std::string, bool>> published;
  for (int r = 0; r < context.count; ++r) {
    const std::string path = Numbered(PhaseFile("published"), 'r', r);
    const std::string bytes = ReadBytes(path);
    std::string_view in(bytes), id;
    uint64_t input_order = 0;
    uint8_t exact = 0;
    while (NextTagged(in, input_order, exact, id)) published[input_order] = {std::string(id), exact != 0};
    if (!in.empty()) throw RuntimeError(path + ": truncated");
  }
  // What the keep rule needs of each document in a cluster, from the slices' metadata.
  struct Member {
    uint64_t date = UINT64_MAX;
    ExactKey exact;
    std::string id;
    int rank = -1;
  };
  std::vector<uint64_t> input_orders = clusters.Members();
  for (const auto& [input_order, match] : published) input_orders.push_back(input_order);
  std::sort(input_orders.begin(), input_orders.end());
  input_orders.erase(std::unique(input_orders.begin(), input_orders.end()), input_orders.end());
  std::unordered_map<uint64_t, Member> members;
  for (const uint64_t input_order : input_orders) members[input_order];
  for (int r = 0; r < context.count && !members.empty(); ++r) {
    const auto meta = ReadRecords<MetaRecord>(Numbered(PhaseFile("meta"), 'r', r));
    const std::string ids = ReadBytes(Numbered(PhaseFile("ids"), 'r', r));
    std::string_view in(ids);
    for (const MetaRecord& m : meta) {
      std::string_view id;
      if (!NextString(in, id)) throw RuntimeError(Numbered(PhaseFile("ids"), 'r', r) + ": truncated");
      const auto it = members.find(m.input_order);
      if (it == members.end()) continue;
      it->second = {m.date, ExactKey{m.high, m.low}, std::string(id), r};
    }
  }
  // Per cluster: a published copy wins over every member (the first member in
  // input order that matched one names it); else the keeper is the earliest
  // date, then the first in input order (the smallest input_order).
  std::unordered_map<uint64_t, uint64_t> keeper_of_root;
  std::unordered_map<uint64_t, std::string> published_of_root;
  for (const uint64_t input_order : input_orders) {  // ascending
    const Member& m = members.at(input_order);
    if (m.rank < 0)
      throw RuntimeError("dedup merge: document " + std::to_string(input_order) +
                         " has no metadata (sign phase incomplete?)");
    const uint64_t root = clusters.Find(input_order);
    if (const auto match = published.find(input_order); match != published.end())
      published_of_root.try_emplace(root, match->second.first);
    auto [it, inserted] = keeper_of_root.try_emplace(root, input_order);
    const Member& k = members.at(it->second);
    if (!inserted && std::tie(m.date, input_order) < std::tie(k.date, it->second)) it->second = input_order;
  }
  std::vector<std::string> decisions(static_cast<size_t>(context.count));
  std::vector<ClusterRecord> cluster_records;
  int64_t dropped = 0, dropped_published = 0;
  for (const uint64_t input_order : input_orders) {  // ascending: each decisions file sorted by input_order
    const uint64_t root = clusters.Find(input_order);
    const Member& m = members.at(input_order);
    std::string keeper_id;
    uint8_t flags = 0;  // bit 0: exact copy, bit 1: of a published document
    if (const auto pub = published_of_root.find(root); pub != published_of_root.end()) {
      cluster_records.push_back({input_order, kNotCounted});
      const auto own = published.find(input_order);
      keeper_id = own != published.end() ? own->second.first : pub->second;
      flags = static_cast<uint8_t>(2 | (own != published.end() && own->second.second ? 1 : 0));
      ++dropped_published;
    } else {
      const uint64_t keeper = keeper_of_root.at(root);
      cluster_records.push_back({input_order, keeper});
      if (input_order == keeper) continue;
      const Member& k = members.at(keeper);
      keeper_id = k.id;
      flags = m.exact == k.exact ? 1 : 0;
    }
    AppendTagged(decisions[static_cast<size_t>(m.rank)], input_order, flags, keeper_id);
    ++dropped;
  }
  for (int r = 0; r < context.count; ++r) {
    WriteFileAtomic(Numbered(PhaseFile("decisions"), 'r', r), decisions[static_cast<size_t>(r)]);
  }
  WriteRecords(PhaseFile("clusters.bin"), cluster_records);
  return {{"pairs", pairs},
          {"clusters", keeper_of_root.size()},
          {"documents_in_clusters", input_orders.size()},
          {"dropped", dropped},
          {"dropped_as_published", dropped_published}};
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
