// The merge phase of a phased dedup run (see dedup_phases.cc for its files):
// one task that joins the pairs of every hash range into clusters and picks
// each cluster's keeper.
//
// What it holds grows with the documents in clusters (the members), not with
// the corpus, and is kept small: the members' input orders, sorted, and a
// union-find over their positions that then holds their cluster numbers (12
// bytes a member), each cluster's keeper, its date and its published match
// (16 bytes a cluster, two or more members), and the keepers' exact keys and
// ids (32 bytes and the id, one per cluster). Everything else is streamed from the
// slices' files: their metadata twice, the pairs twice. Hash maps of
// members with their ids took about 6x that (issue 17: the task's peak RSS
// grew 1.86x from 200 k to 800 k documents). That is bounded by memory_mib:
// when the members are more than MergeMemberLimit, the same clusters and
// files come from dedup_merge_external.cc, on disk.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <numeric>
#include <tuple>

#include "pipeline/errors.h"
#include "stages/dedup/bucket_file.h"
#include "stages/dedup/dedup.h"
#include "stages/dedup/phase_records.h"

namespace textmill {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

// The members in input order, with a union-find over their positions; the
// root of a cluster is its first member (the smaller position wins).
class Members {
 public:
  explicit Members(std::vector<uint64_t> sorted) : orders_(std::move(sorted)), parent_(orders_.size()) {
    std::iota(parent_.begin(), parent_.end(), 0u);
  }
  size_t size() const { return orders_.size(); }
  uint64_t order(uint32_t i) const { return orders_[i]; }
  uint32_t IndexOf(uint64_t input_order) const {
    const auto it = std::lower_bound(orders_.begin(), orders_.end(), input_order);
    return it != orders_.end() && *it == input_order ? static_cast<uint32_t>(it - orders_.begin()) : kNone;
  }
  uint32_t Find(uint32_t i) {
    while (parent_[i] != i) {
      parent_[i] = parent_[parent_[i]];
      i = parent_[i];
    }
    return i;
  }
  void Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }
  // Ends the unions: numbers the clusters 0.. in the order of their first
  // members and returns how many there are; Cluster() then reads a member's,
  // in the parents' place (no second array). In one pass: a member's parent
  // precedes it (the smaller position wins), so it holds its cluster already.
  uint32_t NumberClusters() {
    uint32_t clusters = 0;
    for (uint32_t i = 0; i < parent_.size(); ++i) {
      parent_[i] = parent_[i] == i ? clusters++ : parent_[parent_[i]];
    }
    return clusters;
  }
  uint32_t Cluster(uint32_t i) const { return parent_[i]; }

 private:
  std::vector<uint64_t> orders_;
  std::vector<uint32_t> parent_;
};

// Copies of documents published by earlier runs, from the sign tasks, by
// input order: the ids in one string.
struct PublishedMatches {
  struct Match {
    uint64_t input_order;
    uint64_t id_offset;
    uint32_t id_length;
    bool exact;
  };
  std::vector<Match> matches;
  std::string ids;
  const Match* Find(uint64_t input_order) const {
    const auto it = std::lower_bound(matches.begin(), matches.end(), input_order,
                                     [](const Match& m, uint64_t order) { return m.input_order < order; });
    return it != matches.end() && it->input_order == input_order ? &*it : nullptr;
  }
  std::string_view Id(const Match& m) const { return std::string_view(ids).substr(m.id_offset, m.id_length); }
};

// The in-memory clustering holds at most about 32 bytes a member (12 a member,
// 48 a cluster of two or more: see above) besides the published copies' and
// keepers' ids: it gets half the budget, the task holds
// nothing else. Beyond it the members are clustered out of core (same files,
// dedup_merge_external.cc). TEXTMILL_MERGE_MEMBER_LIMIT sets the limit, for
// tests and benchmarks (0: always out of core).
uint64_t MergeMemberLimit(uint64_t memory_bytes) {
  constexpr uint64_t kMemberBytes = 32;
  if (const char* forced = std::getenv("TEXTMILL_MERGE_MEMBER_LIMIT"); forced && *forced) {
    return std::strtoull(forced, nullptr, 10);
  }
  return std::min<uint64_t>(memory_bytes / 2 / kMemberBytes, kNone - 1);  // positions are 32-bit
}

}  // namespace

Json DedupStage::MergePhase(const PhaseContext& context) const {
  const auto edge_files = [&](const std::function<void(const Edge&)>& fn) {
    for (int b = 0; b < context.count; ++b) {
      ForEachRecordIn(PhaseFile(Numbered("edges", 'b', b)), sizeof(Edge), [&fn](const char* bytes) {
        Edge e;
        std::memcpy(&e, bytes, sizeof e);
        fn(e);
      });
    }
  };
  // The members: both ends of every pair, and every copy of a published
  // document. A member is the end of a few pairs, so its copies here outnumber
  // the members: the sort starts with small runs (1 MiB, then doubling) rather
  // than fill its budget's buffer with them.
  SortedRuns<uint64_t> ends(BufferBytes(1), "", size_t{1} << 20);
  int64_t pairs = 0;
  edge_files([&](const Edge& e) {
    ends.Add(e.a);
    ends.Add(e.b);
    ++pairs;
  });
  for (int r = 0; r < context.count; ++r) {
    TaggedFileReader in(Numbered(PhaseFile("published"), 'r', r));
    uint64_t input_order = 0;
    uint8_t exact = 0;
    std::string id;
    while (in.Next(input_order, exact, id)) ends.Add(input_order);
  }
  const uint64_t limit = MergeMemberLimit(options_.memory_bytes);
  std::vector<uint64_t> sorted;
  // At most that many: pages reserved and never written are not resident.
  sorted.reserve(std::min<uint64_t>(ends.records(), limit));
  bool fits = true;
  ends.Merge([&](uint64_t order) {
    if (!fits || (!sorted.empty() && sorted.back() == order)) return;
    if (sorted.size() >= limit) {
      fits = false;
      std::vector<uint64_t>().swap(sorted);
      return;
    }
    sorted.push_back(order);
  });
  if (!fits) return MergeOutOfCore(context);
  PublishedMatches published;
  for (int r = 0; r < context.count; ++r) {
    const std::string path = Numbered(PhaseFile("published"), 'r', r);
    const std::string bytes = ReadBytes(path);
    std::string_view in(bytes), id;
    uint64_t input_order = 0;
    uint8_t exact = 0;
    while (NextTagged(in, input_order, exact, id)) {
      published.matches.push_back({input_order, published.ids.size(), static_cast<uint32_t>(id.size()), exact != 0});
      published.ids.append(id);
    }
    if (!in.empty()) throw RuntimeError(path + ": truncated");
  }
  std::sort(published.matches.begin(), published.matches.end(),
            [](const auto& a, const auto& b) { return a.input_order < b.input_order; });
  Members members(std::move(sorted));
  edge_files([&](const Edge& e) { members.Union(members.IndexOf(e.a), members.IndexOf(e.b)); });
  const auto n = static_cast<uint32_t>(members.size());
  const uint32_t clusters = members.NumberClusters();
  // The keeper of each cluster: the earliest date, then the first in input
  // order (the smallest position), from the slices' metadata.
  std::vector<uint32_t> keeper(clusters, kNone);
  std::vector<uint64_t> keeper_date(clusters, UINT64_MAX);
  std::vector<bool> seen(n, false);
  const auto for_each_member = [&](const std::function<void(int rank, uint32_t i, const MetaRecord&, const std::string&)>& fn) {
    MetaRecord meta{};
    std::string id;
    for (int r = 0; r < context.count && n > 0; ++r) {
      SliceMeta slice(Numbered(PhaseFile("meta"), 'r', r), Numbered(PhaseFile("ids"), 'r', r));
      while (slice.Next(meta, id)) {
        if (const uint32_t i = members.IndexOf(meta.input_order); i != kNone) fn(r, i, meta, id);
      }
    }
  };
  for_each_member([&](int, uint32_t i, const MetaRecord& meta, const std::string&) {
    seen[i] = true;
    const uint32_t c = members.Cluster(i);
    if (keeper[c] == kNone || std::tie(meta.date, i) < std::tie(keeper_date[c], keeper[c])) {
      keeper[c] = i;
      keeper_date[c] = meta.date;
    }
  });
  std::vector<uint64_t>().swap(keeper_date);
  for (uint32_t i = 0; i < n; ++i) {
    if (!seen[i]) {
      throw RuntimeError("dedup merge: document " + std::to_string(members.order(i)) +
                         " has no metadata (sign phase incomplete?)");
    }
  }
  std::vector<bool>().swap(seen);
  // Per cluster: a published copy wins over every member (the first member in
  // input order that matched one names it).
  std::vector<uint32_t> published_of(clusters, kNone);  // an index into published.matches
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t c = members.Cluster(i);
    if (const auto* match = published.Find(members.order(i)); match && published_of[c] == kNone) {
      published_of[c] = static_cast<uint32_t>(match - published.matches.data());
    }
  }
  // The keepers' exact keys and ids, by cluster: one per cluster without a
  // published copy, counted first so the vector is allocated once.
  struct Keeper {
    ExactKey exact;
    uint64_t id_offset;
    uint32_t cluster;
    uint32_t id_length;
  };
  static_assert(sizeof(Keeper) == 32);
  const auto kept_clusters = static_cast<size_t>(std::count(published_of.begin(), published_of.end(), kNone));
  std::vector<Keeper> keepers;
  keepers.reserve(kept_clusters);
  std::string keeper_ids;
  for_each_member([&](int, uint32_t i, const MetaRecord& meta, const std::string& id) {
    const uint32_t c = members.Cluster(i);
    if (keeper[c] != i || published_of[c] != kNone) return;
    keepers.push_back({ExactKey{meta.high, meta.low}, keeper_ids.size(), c, static_cast<uint32_t>(id.size())});
    keeper_ids += id;
  });
  std::sort(keepers.begin(), keepers.end(), [](const Keeper& a, const Keeper& b) { return a.cluster < b.cluster; });
  const auto keeper_of = [&](uint32_t cluster) -> const Keeper& {
    return *std::lower_bound(keepers.begin(), keepers.end(), cluster,
                             [](const Keeper& k, uint32_t c) { return k.cluster < c; });
  };
  // clusters.bin: every member in input order, with its cluster (the keeper).
  {
    StreamedFile out(PhaseFile("clusters.bin"));
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t c = members.Cluster(i);
      const ClusterRecord record{members.order(i), published_of[c] != kNone ? kNotCounted : members.order(keeper[c])};
      out.Write(&record, sizeof record);
    }
    out.Commit();
  }
  // decisions-rR: the dropped members of slice R, in input order.
  int64_t dropped = 0, dropped_published = 0;
  for (int r = 0; r < context.count; ++r) {
    StreamedFile out(Numbered(PhaseFile("decisions"), 'r', r));
    std::string record;
    SliceMeta slice(Numbered(PhaseFile("meta"), 'r', r), Numbered(PhaseFile("ids"), 'r', r));
    MetaRecord meta{};
    std::string id;
    while (n > 0 && slice.Next(meta, id)) {
      const uint32_t i = members.IndexOf(meta.input_order);
      if (i == kNone) continue;
      const uint32_t c = members.Cluster(i);
      record.clear();
      if (published_of[c] != kNone) {
        const auto* own = published.Find(meta.input_order);
        const auto& named = own ? *own : published.matches[published_of[c]];
        const auto flags = static_cast<uint8_t>(2 | (own && own->exact ? 1 : 0));
        AppendTagged(record, meta.input_order, flags, published.Id(named));
        ++dropped_published;
      } else {
        if (keeper[c] == i) continue;
        const Keeper& k = keeper_of(c);
        const uint8_t flags = ExactKey{meta.high, meta.low} == k.exact ? 1 : 0;
        AppendTagged(record, meta.input_order, flags, std::string_view(keeper_ids).substr(k.id_offset, k.id_length));
      }
      out.Write(record.data(), record.size());
      ++dropped;
    }
    out.Commit();
  }
  return {{"pairs", pairs},
          {"clusters", clusters},
          {"documents_in_clusters", n},
          {"dropped", dropped},
          {"dropped_as_published", dropped_published}};
}

}  // namespace textmill
