// The merge phase when its members do not fit the memory budget (see
// dedup_merge_phase.cc for the rule and the files): the same clusters,
// keepers and files, byte for byte, with nothing in memory that grows with
// the members. Clusters come from ExternalComponents (sorted edge lists);
// everything after is sorts and merge joins of files sorted by cluster, or by
// (slice, input order) to meet each slice's metadata in its spool order
// (ascending input order: a slice reads its files in listing order, each from
// its first record). Ids go to temporary files, records carry their offsets.
//
// Memory: three sort buffers of BufferBytes(4) at most (while the pairs are
// read: the components' edges and nodes, the published copies; the components'
// rounds), read buffers, and one entry per input file (which slice holds it).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "pipeline/errors.h"
#include "stages/dedup/bucket_file.h"
#include "stages/dedup/dedup.h"
#include "stages/dedup/external_components.h"
#include "stages/dedup/phase_records.h"

namespace textmill {
namespace {

constexpr uint64_t kNoSlice = UINT64_MAX;
constexpr uint64_t kPublishedKind = 0x100;  // MemberDecision::kind: a published copy names the cluster

struct IdRef {  // an id in a temporary file
  uint64_t offset, length;
  auto operator<=>(const IdRef&) const = default;
};
struct PublishedRecord {  // a copy of a published document
  uint64_t input_order;
  IdRef id;
  uint64_t exact;
  auto operator<=>(const PublishedRecord&) const = default;
};
struct ClusterMember {  // by cluster (root), then input order
  uint64_t root, member;
  IdRef own;           // its own published match, if any
  uint64_t own_state;  // 0: none, 1: a match, 2: an exact match
  auto operator<=>(const ClusterMember&) const = default;
};
struct RootPublished {  // the match named by the first member of the cluster with one
  uint64_t root;
  IdRef id;
};
struct SliceMember {
  uint64_t slice, member, root;
  auto operator<=>(const SliceMember&) const = default;
};
struct KeeperCandidate {  // sorted, the first of a cluster is its keeper: earliest date, then input order
  uint64_t root, date, member, high, low;
  IdRef id;
  auto operator<=>(const KeeperCandidate&) const = default;
};
struct MemberDecision {  // a dropped member, by (slice, input order)
  uint64_t slice, member;
  uint64_t kind;       // kPublishedKind | flags, or 0: near or exact copy of the keeper
  uint64_t high, low;  // the keeper's exact key (kind 0)
  IdRef id;            // the id it names: in the published ids (kPublishedKind) or the members' ids
  auto operator<=>(const MemberDecision&) const = default;
};

// Which slice's metadata holds an input order: its file's (the high 32 bits).
class FileSlices {
 public:
  void Add(uint64_t input_order, uint64_t slice) {
    const auto file = static_cast<uint32_t>(input_order >> 32);
    if (files_.empty() || files_.back() != std::pair{file, slice}) files_.emplace_back(file, slice);
  }
  void Finish() {
    std::sort(files_.begin(), files_.end());
    files_.erase(std::unique(files_.begin(), files_.end()), files_.end());
    for (size_t i = 1; i < files_.size(); ++i) {
      if (files_[i].first == files_[i - 1].first) {
        throw RuntimeError("dedup merge: input file " + std::to_string(files_[i].first) + " is in two slices");
      }
    }
  }
  uint64_t SliceOf(uint64_t input_order) const {
    const auto file = static_cast<uint32_t>(input_order >> 32);
    const auto it = std::lower_bound(files_.begin(), files_.end(), std::pair<uint32_t, uint64_t>{file, 0});
    return it != files_.end() && it->first == file ? it->second : kNoSlice;
  }

 private:
  std::vector<std::pair<uint32_t, uint64_t>> files_;
};

// Ids appended to an unlinked temporary file, a buffer at a time (a write per
// id was most of the task's system time), read back by reference once written.
class IdFile {
 public:
  IdRef Add(std::string_view id) {
    const IdRef ref{size_, id.size()};
    pending_.append(id);
    size_ += id.size();
    if (pending_.size() >= RecordFile<char>::kChunkBytes) Flush();
    return ref;
  }
  std::string_view Get(const IdRef& ref) {
    Flush();
    buffer_.resize(ref.length);
    if (ref.length > 0 && file_.Read(ref.offset, buffer_.data(), ref.length) != ref.length) {
      throw RuntimeError("dedup merge: a temporary file was cut short");
    }
    return buffer_;
  }

 private:
  void Flush() {
    if (pending_.empty()) return;
    file_.Append(pending_.data(), pending_.size());
    pending_.clear();
  }
  RunFile file_{""};
  uint64_t size_ = 0;
  std::string pending_, buffer_;
};

}  // namespace

Json DedupStage::MergeOutOfCore(const PhaseContext& context) const {
  const size_t sort_bytes = BufferBytes(4);
  const auto meta_path = [&](int r) { return Numbered(PhaseFile("meta"), 'r', r); };
  FileSlices slices;
  for (int r = 0; r < context.count; ++r) {
    uint64_t last = 0;
    bool any = false;
    ForEachRecordIn(meta_path(r), sizeof(MetaRecord), [&](const char* bytes) {
      MetaRecord meta;
      std::memcpy(&meta, bytes, sizeof meta);
      if (any && meta.input_order <= last) throw RuntimeError(meta_path(r) + ": not in input order");
      slices.Add(meta.input_order, static_cast<uint64_t>(r));
      last = meta.input_order;
      any = true;
    });
  }
  slices.Finish();
  // The members: both ends of every pair and every copy of a published document.
  IdFile published_ids;
  SortedRuns<PublishedRecord> published_runs(sort_bytes);
  ExternalComponents components(3 * sort_bytes);
  for (int r = 0; r < context.count; ++r) {
    TaggedFileReader in(Numbered(PhaseFile("published"), 'r', r));
    uint64_t input_order = 0;
    uint8_t exact = 0;
    std::string id;
    while (in.Next(input_order, exact, id)) {
      published_runs.Add({input_order, published_ids.Add(id), exact != 0 ? 1u : 0u});
      components.AddNode(input_order);
    }
  }
  int64_t pairs = 0;
  for (int b = 0; b < context.count; ++b) {
    ForEachRecordIn(PhaseFile(Numbered("edges", 'b', b)), sizeof(Edge), [&](const char* bytes) {
      Edge e;
      std::memcpy(&e, bytes, sizeof e);
      components.AddEdge(e.a, e.b);
      ++pairs;
    });
  }
  const RecordFile<PublishedRecord> published = Sorted(published_runs);
  const RecordFile<NodePair> roots = components.Solve();  // (member, root)
  spdlog::info("dedup merge: {} members out of core, {} rounds, {} pointer jumps", roots.records(), components.rounds(),
               components.jumps());
  // Members by cluster, with their own published matches.
  RecordFile<ClusterMember> members;
  {
    SortedRuns<ClusterMember> by_root(sort_bytes);
    SortedLookup own(published, [](const PublishedRecord& p) { return p.input_order; });
    roots.ForEach([&](const NodePair& m) {
      const PublishedRecord* match = own.Find(m.a);
      by_root.Add({m.b, m.a, match ? match->id : IdRef{0, 0}, match ? 1 + match->exact : 0});
    });
    members = Sorted(by_root);
  }
  // Per cluster: a published copy wins over every member (the first member in
  // input order that matched one names it).
  RecordFile<RootPublished> root_published;
  int64_t clusters = 0;
  {
    uint64_t last_root = 0, last_named = 0;
    bool any = false, named = false;
    members.ForEach([&](const ClusterMember& m) {
      if (!any || m.root != last_root) ++clusters;
      if (m.own_state != 0 && (!named || last_named != m.root)) {
        root_published.Add({m.root, m.own});
        last_named = m.root;
        named = true;
      }
      any = true;
      last_root = m.root;
    });
  }
  // The keepers, from the slices' metadata met in spool order.
  IdFile member_ids;
  RecordFile<KeeperCandidate> keepers;
  {
    SortedRuns<SliceMember> by_slice(sort_bytes);
    members.ForEach([&](const ClusterMember& m) { by_slice.Add({slices.SliceOf(m.member), m.member, m.root}); });
    const RecordFile<SliceMember> slice_members = Sorted(by_slice);
    SortedRuns<KeeperCandidate> candidates(sort_bytes);
    RecordFile<SliceMember>::Reader next(slice_members);
    uint64_t missing = UINT64_MAX;
    const auto skip_to = [&](uint64_t slice, uint64_t input_order) {
      while (next.Valid() && std::pair{next.Head().slice, next.Head().member} < std::pair{slice, input_order}) {
        missing = std::min(missing, next.Head().member);
        next.Advance();
      }
    };
    MetaRecord meta{};
    std::string id;
    for (int r = 0; r < context.count; ++r) {
      SliceMeta slice(meta_path(r), Numbered(PhaseFile("ids"), 'r', r));
      const auto rank = static_cast<uint64_t>(r);
      while (next.Valid() && slice.Next(meta, id)) {
        skip_to(rank, meta.input_order);
        if (!next.Valid() || next.Head().slice != rank || next.Head().member != meta.input_order) continue;
        candidates.Add({next.Head().root, meta.date, meta.input_order, meta.high, meta.low, member_ids.Add(id)});
        next.Advance();
      }
    }
    for (; next.Valid(); next.Advance()) missing = std::min(missing, next.Head().member);
    if (missing != UINT64_MAX) {
      throw RuntimeError("dedup merge: document " + std::to_string(missing) +
                         " has no metadata (sign phase incomplete?)");
    }
    uint64_t last_root = 0;
    bool any = false;
    candidates.Merge([&](const KeeperCandidate& c) {
      if (any && c.root == last_root) return;
      keepers.Add(c);
      last_root = c.root;
      any = true;
    });
  }
  // clusters.bin (every member in input order, with its cluster) and each
  // member's decision.
  SortedRuns<MemberDecision> decisions(sort_bytes);
  {
    SortedRuns<NodePair> cluster_of(sort_bytes);
    SortedLookup named(root_published, [](const RootPublished& p) { return p.root; });
    SortedLookup keeper(keepers, [](const KeeperCandidate& k) { return k.root; });
    members.ForEach([&](const ClusterMember& m) {
      const RootPublished* published_root = named.Find(m.root);
      const KeeperCandidate* k = keeper.Find(m.root);
      if (!k) throw RuntimeError("dedup merge: cluster " + std::to_string(m.root) + " has no keeper");
      cluster_of.Add({m.member, published_root ? kNotCounted : k->member});
      const uint64_t slice = slices.SliceOf(m.member);
      if (published_root) {
        const uint64_t flags = 2 | (m.own_state == 2 ? 1 : 0);
        decisions.Add({slice, m.member, kPublishedKind | flags, 0, 0, m.own_state != 0 ? m.own : published_root->id});
      } else if (k->member != m.member) {
        decisions.Add({slice, m.member, 0, k->high, k->low, k->id});
      }
    });
    StreamedFile out(PhaseFile("clusters.bin"));
    cluster_of.Merge([&](const NodePair& c) {
      const ClusterRecord record{c.a, c.b};
      out.Write(&record, sizeof record);
    });
    out.Commit();
  }
  // decisions-rR: the dropped members of slice R, in input order.
  const RecordFile<MemberDecision> decided = Sorted(decisions);
  RecordFile<MemberDecision>::Reader next(decided);
  int64_t dropped = 0, dropped_published = 0;
  std::string record;
  for (int r = 0; r < context.count; ++r) {
    StreamedFile out(Numbered(PhaseFile("decisions"), 'r', r));
    const auto rank = static_cast<uint64_t>(r);
    ForEachRecordIn(meta_path(r), sizeof(MetaRecord), [&](const char* bytes) {
      MetaRecord meta;
      std::memcpy(&meta, bytes, sizeof meta);
      while (next.Valid() && std::pair{next.Head().slice, next.Head().member} < std::pair{rank, meta.input_order}) {
        next.Advance();
      }
      if (!next.Valid() || next.Head().slice != rank || next.Head().member != meta.input_order) return;
      const MemberDecision& d = next.Head();
      record.clear();
      if (d.kind & kPublishedKind) {
        AppendTagged(record, meta.input_order, static_cast<uint8_t>(d.kind & 0xff), published_ids.Get(d.id));
        ++dropped_published;
      } else {
        const uint8_t flags = meta.high == d.high && meta.low == d.low ? 1 : 0;
        AppendTagged(record, meta.input_order, flags, member_ids.Get(d.id));
      }
      out.Write(record.data(), record.size());
      ++dropped;
    });
    out.Commit();
  }
  return {{"pairs", pairs},
          {"clusters", clusters},
          {"documents_in_clusters", static_cast<int64_t>(roots.records())},
          {"dropped", dropped},
          {"dropped_as_published", dropped_published},
          {"out_of_core_rounds", components.rounds()}};  // the only key the in-memory path lacks
}

}  // namespace textmill
