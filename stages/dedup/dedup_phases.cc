// The dedup stage in a phased run (see pipeline/phases.h for the phases and
// dedup.h for the algorithm). Each phase does the part of the single-machine
// algorithm that sits between two barriers, on one input slice or one hash
// range, and exchanges fixed-size records through the work dir:
//
//   process  observed-rR      (line key, text hash) by line-key range
//   count    first-bB         line keys seen in >= 2K distinct texts
//   sign     sig-rR meta-rR ids-rR   signature, (seq, date, exact key), id per spooled doc
//            band-rR exact-rR lines-rR   band, exact and line keys by hash range
//   dedup    edges-bB         pairs confirmed by exact key or estimated Jaccard
//   merge    decisions-rR clusters   keeper per cluster, earliest date then input order
//   lines    final-bB weak-bB counts-bB   line keys in >= K clusters (and in
//            >= line_block_min_docs); the run's counts
//   finalize kept-rR          the documents published (for the index)
//   report   (with --state) commits kept documents and line counts to the index
//
// With --state every task reads the index of earlier runs (LMDB allows many
// reader processes): count and lines add its line counts, sign matches each
// document against published ones (published-rR), merge makes a published
// copy win. Only the report task writes it.
//
// "seq" is Document::input_order: the same order a single-machine run's
// ordinals follow, so ties break the same way and LSH buckets are capped at
// the same members.
#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <numeric>
#include <unistd.h>

#include "pipeline/errors.h"
#include "pipeline/util/atomic_file.h"
#include "stages/dedup/dedup.h"
#include "stages/dedup/dedup_keys.h"

namespace fs = std::filesystem;

namespace textmill {
namespace {

struct ObservedRecord {
  uint64_t line_key, text_hash;
};
struct BandRecord {
  uint32_t band;  // high bit set: the document has shingles
  uint32_t key;
  uint64_t seq;
  uint32_t rank, ordinal;  // where its signature is: sig-r<rank>, record <ordinal>
};
struct ExactRecord {
  uint64_t high, low, seq;
};
struct LineRecord {
  uint64_t line_key, seq;
};
struct MetaRecord {
  uint64_t seq, date, high, low;
  uint64_t has_shingles;
};
struct Edge {
  uint64_t a, b;
};
struct ClusterRecord {
  uint64_t seq, cluster;
};
struct CountRecord {
  uint64_t line_key, count;
};
static_assert(sizeof(BandRecord) == 24 && sizeof(ExactRecord) == 24 && sizeof(MetaRecord) == 40);

// clusters.bin: members of clusters with a published copy are not counted.
constexpr uint64_t kNotCounted = UINT64_MAX;

constexpr uint32_t kHasShingles = 0x80000000u;

uint64_t Mix64(uint64_t x) {  // splitmix64's finalizer: spreads band keys over the ranges
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string Numbered(const std::string& stem, char kind, int n) { return stem + "-" + kind + std::to_string(n) + ".bin"; }

// Union-find over sparse 64-bit ids (seqs); the root is the smallest id.
class SparseUnionFind {
 public:
  uint64_t Find(uint64_t x) {
    auto it = parent_.find(x);
    if (it == parent_.end()) return x;
    uint64_t root = it->second;
    while (true) {
      const auto up = parent_.find(root);
      if (up == parent_.end() || up->second == root) break;
      root = up->second;
    }
    it->second = root;
    return root;
  }
  bool Union(uint64_t a, uint64_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return false;
    parent_.try_emplace(a, a);
    parent_.try_emplace(b, b);
    parent_[std::max(a, b)] = std::min(a, b);
    return true;
  }
  std::vector<uint64_t> Members() const {
    std::vector<uint64_t> out;
    out.reserve(parent_.size());
    for (const auto& [x, p] : parent_) out.push_back(x);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::unordered_map<uint64_t, uint64_t> parent_;
};

// The signature files of all input slices, memory-mapped read-only: a dedup
// task reads only the signatures its buckets name.
class SignatureFiles {
 public:
  SignatureFiles(std::string stem, int count, int num_perm) : stem_(std::move(stem)), maps_(count), num_perm_(num_perm) {}
  ~SignatureFiles() {
    for (const auto& [data, size] : maps_) {
      if (data && size) munmap(const_cast<uint32_t*>(data), size);
    }
  }
  SignatureFiles(const SignatureFiles&) = delete;
  SignatureFiles& operator=(const SignatureFiles&) = delete;

  const uint32_t* Get(uint32_t rank, uint32_t ordinal) {
    auto& [data, size] = maps_.at(rank);
    if (!data) Map(rank);
    const size_t record = static_cast<size_t>(num_perm_) * sizeof(uint32_t);
    if ((static_cast<size_t>(ordinal) + 1) * record > size) {
      throw RuntimeError(Numbered(stem_, 'r', static_cast<int>(rank)) + ": no signature " + std::to_string(ordinal));
    }
    return data + static_cast<size_t>(ordinal) * static_cast<size_t>(num_perm_);
  }

 private:
  void Map(uint32_t rank) {
    const std::string path = Numbered(stem_, 'r', static_cast<int>(rank));
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw RuntimeError("cannot read " + path + ": " + std::strerror(errno));
    const off_t size = ::lseek(fd, 0, SEEK_END);
    void* data = size > 0 ? ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0) : nullptr;
    ::close(fd);
    if (data == MAP_FAILED) throw RuntimeError("cannot map " + path + ": " + std::strerror(errno));
    maps_[rank] = {static_cast<const uint32_t*>(data), static_cast<size_t>(size)};
  }

  std::string stem_;
  std::vector<std::pair<const uint32_t*, size_t>> maps_;
  int num_perm_;
};

std::vector<std::string> RankFiles(const std::string& stem, int count) {
  std::vector<std::string> paths;
  for (int r = 0; r < count; ++r) paths.push_back(Numbered(stem, 'r', r));
  return paths;
}

// Keys whose records (key, owner) name at least `min_owners` distinct owners,
// counting those of earlier runs from the index too; `counts` gets this run's,
// `weak` the keys with at least `weak_min_owners` (> 0) but fewer than `min_owners`.
std::vector<uint64_t> KeysWithOwners(std::vector<LineRecord>& records, uint32_t min_owners, DedupState* state,
                                     std::vector<CountRecord>* counts = nullptr, uint32_t weak_min_owners = 0,
                                     std::vector<uint64_t>* weak = nullptr) {
  std::sort(records.begin(), records.end(), [](const LineRecord& a, const LineRecord& b) {
    return std::tie(a.line_key, a.seq) < std::tie(b.line_key, b.seq);
  });
  if (state) state->BeginRead();
  std::vector<uint64_t> keys;
  size_t i = 0;
  while (i < records.size()) {
    size_t j = i;
    uint32_t owners = 0;
    for (; j < records.size() && records[j].line_key == records[i].line_key; ++j) {
      owners += j == i || records[j].seq != records[j - 1].seq;
    }
    if (counts) counts->push_back({records[i].line_key, owners});
    const uint32_t total = owners + (state ? state->LineCount(records[i].line_key) : 0);
    if (total >= min_owners) {
      keys.push_back(records[i].line_key);
    } else if (weak && weak_min_owners > 0 && total >= weak_min_owners) {
      weak->push_back(records[i].line_key);
    }
    i = j;
  }
  if (state) state->EndRead();
  return keys;
}

std::unordered_set<uint64_t> LoadKeyRanges(const std::string& stem, int count) {
  std::unordered_set<uint64_t> keys;
  for (int b = 0; b < count; ++b) {
    for (const uint64_t key : ReadRecords<uint64_t>(Numbered(stem, 'b', b))) keys.insert(key);
  }
  return keys;
}

// Length-prefixed strings, one per record, for ids.
void AppendString(std::string& out, std::string_view s) {
  const auto length = static_cast<uint32_t>(s.size());
  out.append(reinterpret_cast<const char*>(&length), sizeof length);
  out.append(s);
}

bool NextString(std::string_view& in, std::string_view& s) {
  uint32_t length = 0;
  if (in.size() < sizeof length) return false;
  std::memcpy(&length, in.data(), sizeof length);
  if (in.size() - sizeof length < length) return false;
  s = in.substr(sizeof length, length);
  in.remove_prefix(sizeof length + length);
  return true;
}

// Tagged records: a document's seq, a flag byte and an id (published matches,
// decisions).
void AppendTagged(std::string& out, uint64_t seq, uint8_t flags, std::string_view id) {
  out.append(reinterpret_cast<const char*>(&seq), sizeof seq);
  out.push_back(static_cast<char>(flags));
  AppendString(out, id);
}

bool NextTagged(std::string_view& in, uint64_t& seq, uint8_t& flags, std::string_view& id) {
  if (in.size() < sizeof seq + 1) return false;
  std::memcpy(&seq, in.data(), sizeof seq);
  flags = static_cast<uint8_t>(in[sizeof seq]);
  std::string_view rest = in.substr(sizeof seq + 1);
  if (!NextString(rest, id)) return false;
  in = rest;
  return true;
}

std::string ReadBytes(const std::string& path) {
  const std::vector<char> bytes = ReadRecordFile(path, 1);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

std::string DedupStage::PhaseFile(const std::string& name) const {
  return (fs::path(phase_.work_dir) / "dedup" / name).string();
}

void DedupStage::BeginPhase(const PhaseContext& context) {
  phase_ = context;
  fs::create_directories(fs::path(phase_.work_dir) / "dedup");
  const auto n = static_cast<uint32_t>(phase_.count);
  const std::string rank = std::to_string(phase_.rank);
  if (phase_.phase == "process") {
    if (options_.lines) observed_ = std::make_unique<BucketFileWriter>(PhaseFile("observed-r" + rank + ".bin"), n, sizeof(ObservedRecord));
  } else if (phase_.phase == "sign") {
    if (options_.lines) repeated_lines_ = LoadKeyRanges(PhaseFile("first"), phase_.count);
    if (options_.near) band_records_ = std::make_unique<BucketFileWriter>(PhaseFile("band-r" + rank + ".bin"), n, sizeof(BandRecord));
    if (options_.exact) exact_records_ = std::make_unique<BucketFileWriter>(PhaseFile("exact-r" + rank + ".bin"), n, sizeof(ExactRecord));
    if (options_.lines) line_records_ = std::make_unique<BucketFileWriter>(PhaseFile("lines-r" + rank + ".bin"), n, sizeof(LineRecord));
  } else if (phase_.phase == "finalize") {
    if (options_.lines) {
      repeated_lines_ = LoadKeyRanges(PhaseFile("final"), phase_.count);
      weak_lines_ = LoadKeyRanges(PhaseFile("weak"), phase_.count);
      // Every task loads the same set: counted once in the merged report.
      if (phase_.rank == 0) counters_.Add("repeated_line_kinds", static_cast<int64_t>(repeated_lines_.size()));
    }
    const std::string bytes = ReadBytes(PhaseFile("decisions-r" + rank + ".bin"));
    std::string_view in(bytes), id;
    uint64_t seq = 0;
    uint8_t flags = 0;
    while (NextTagged(in, seq, flags, id)) phase_decisions_[seq] = {std::string(id), (flags & 1) != 0, (flags & 2) != 0};
    if (!in.empty()) throw RuntimeError(PhaseFile("decisions-r" + rank + ".bin") + ": truncated");
  }
}

void DedupStage::WriteObserved(uint64_t text_hash, const std::vector<uint64_t>& line_keys) {
  std::vector<ObservedRecord> records;
  std::vector<uint32_t> buckets;
  for (const uint64_t key : line_keys) {
    records.push_back({key, text_hash});
    buckets.push_back(BucketOf(key, static_cast<uint32_t>(phase_.count)));
  }
  observed_->Add(buckets.data(), records.data(), records.size());
}

void DedupStage::WriteSigned(const Document& doc) {
  const uint64_t ord = doc.ordinal, seq = doc.input_order;
  const auto n = static_cast<uint32_t>(phase_.count);
  if (line_records_) {
    std::vector<LineRecord> records;
    std::vector<uint32_t> buckets;
    for (const uint64_t key : line_keys_[ord]) {
      records.push_back({key, seq});
      buckets.push_back(BucketOf(key, n));
    }
    line_records_->Add(buckets.data(), records.data(), records.size());
    std::vector<uint64_t>().swap(line_keys_[ord]);  // the lines phase counts them, not this process
  }
  if (exact_records_) {
    const ExactRecord record{exact_[ord].high, exact_[ord].low, seq};
    const uint32_t bucket = BucketOf(record.high, n);
    exact_records_->Add(&bucket, &record, 1);
  }
  if (band_records_) {
    std::vector<BandRecord> records;
    std::vector<uint32_t> buckets;
    const uint32_t flag = has_shingles_[ord] ? kHasShingles : 0;
    for (int b = 0; b < options_.bands; ++b) {
      const uint32_t key = band_keys_[ord * static_cast<uint64_t>(options_.bands) + static_cast<uint64_t>(b)];
      records.push_back({static_cast<uint32_t>(b) | flag, key, seq, static_cast<uint32_t>(phase_.rank), static_cast<uint32_t>(ord)});
      buckets.push_back(BucketOf(Mix64((uint64_t{static_cast<uint32_t>(b)} << 32) | key), n));
    }
    band_records_->Add(buckets.data(), records.data(), records.size());
  }
}

void DedupStage::FinishSigned() {
  const std::string rank = std::to_string(phase_.rank);
  WriteRecordFile(PhaseFile("sig-r" + rank + ".bin"), signatures_, signature_store_.size());
  std::vector<MetaRecord> meta(documents_);
  std::string ids;
  for (uint64_t ord = 0; ord < documents_; ++ord) {
    meta[ord] = {seqs_[ord], dates_[ord], exact_[ord].high, exact_[ord].low, has_shingles_[ord]};
    AppendString(ids, ids_[ord]);
  }
  WriteRecords(PhaseFile("meta-r" + rank + ".bin"), meta);
  WriteRecords(PhaseFile("bandkeys-r" + rank + ".bin"), band_keys_);
  // Copies of documents published by earlier runs (the index is only read).
  std::vector<std::string> published_match(documents_);
  std::vector<uint8_t> published_exact(documents_, 0);
  MatchPublished(published_match, published_exact);
  std::string published;
  for (uint64_t ord = 0; ord < documents_; ++ord) {
    if (published_match[ord].empty()) continue;
    AppendTagged(published, seqs_[ord], published_exact[ord], published_match[ord]);
  }
  WriteFileAtomic(PhaseFile("published-r" + rank + ".bin"), published);
  WriteFileAtomic(PhaseFile("ids-r" + rank + ".bin"), ids);
  for (auto* writer : {band_records_.get(), exact_records_.get(), line_records_.get()}) {
    if (writer) writer->Close();
  }
}

void DedupStage::Flush() {
  if (phase_.phase == "finalize" && state_) {
    WriteRecords(PhaseFile("kept-r" + std::to_string(phase_.rank) + ".bin"), kept_seqs_);
  }
}

// The report task publishes what the finalize tasks kept, in input order as a
// single-machine run would, with this run's line counts, in one commit.
void DedupStage::CommitPhased(int64_t run_id) {
  struct Ref {
    uint64_t seq;
    int rank;
    uint32_t ordinal;
  };
  std::vector<Ref> refs;
  std::vector<std::vector<MetaRecord>> meta(static_cast<size_t>(phase_.count));
  std::vector<std::vector<std::string>> ids(static_cast<size_t>(phase_.count));
  std::vector<std::vector<uint32_t>> band_keys(static_cast<size_t>(phase_.count));
  for (int r = 0; r < phase_.count; ++r) {
    const auto rank = static_cast<size_t>(r);
    const std::vector<uint64_t> kept = ReadRecords<uint64_t>(Numbered(PhaseFile("kept"), 'r', r));
    meta[rank] = ReadRecords<MetaRecord>(Numbered(PhaseFile("meta"), 'r', r));
    band_keys[rank] = ReadRecords<uint32_t>(Numbered(PhaseFile("bandkeys"), 'r', r));
    const std::string bytes = ReadBytes(Numbered(PhaseFile("ids"), 'r', r));
    std::string_view in(bytes);
    std::string_view id;
    while (NextString(in, id)) ids[rank].emplace_back(id);
    // Both in input order: the spool's order is the slice's.
    size_t k = 0;
    for (uint32_t ord = 0; ord < meta[rank].size() && k < kept.size(); ++ord) {
      if (meta[rank][ord].seq == kept[k]) {
        refs.push_back({kept[k], r, ord});
        ++k;
      }
    }
    if (k != kept.size() || ids[rank].size() != meta[rank].size()) {
      throw RuntimeError("dedup report: the files of slice " + std::to_string(r) + " do not agree (sign and finalize of different runs?)");
    }
  }
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.seq < b.seq; });
  SignatureFiles signatures(PhaseFile("sig"), phase_.count, options_.num_perm);
  to_publish_.clear();
  to_publish_.reserve(refs.size());
  for (const Ref& ref : refs) {
    const auto rank = static_cast<size_t>(ref.rank);
    const MetaRecord& m = meta[rank][ref.ordinal];
    PublishedDoc doc;
    doc.id = ids[rank][ref.ordinal];
    doc.exact = ExactKey{m.high, m.low};
    const uint32_t* sig = signatures.Get(static_cast<uint32_t>(ref.rank), ref.ordinal);
    doc.signature.assign(sig, sig + options_.num_perm);
    if (m.has_shingles) {
      const uint32_t* bands = band_keys[rank].data() + static_cast<size_t>(ref.ordinal) * static_cast<size_t>(options_.bands);
      doc.band_keys.assign(bands, bands + options_.bands);
    }
    to_publish_.push_back(std::move(doc));
  }
  cluster_line_counts_.clear();
  if (options_.lines) {
    for (int b = 0; b < phase_.count; ++b) {
      for (const CountRecord& c : ReadRecords<CountRecord>(PhaseFile(Numbered("counts", 'b', b)))) {
        cluster_line_counts_[c.line_key] += static_cast<uint32_t>(c.count);
      }
    }
  }
  state_->Commit(to_publish_, cluster_line_counts_, run_id);
  spdlog::info("dedup: state {}: {} documents published in all", options_.state_dir, state_->published());
}

Json DedupStage::RunRangePhase(const PhaseContext& context) {
  phase_ = context;
  fs::create_directories(fs::path(phase_.work_dir) / "dedup");
  if (context.phase == "count") return CountPhase(context);
  if (context.phase == "dedup") return PairPhase(context);
  if (context.phase == "merge") return MergePhase(context);
  if (context.phase == "lines") return LinesPhase(context);
  throw RuntimeError("dedup: no range phase " + context.phase);
}

Json DedupStage::CountPhase(const PhaseContext& context) const {
  std::vector<LineRecord> records;  // (line key, text hash): the same shape
  if (options_.lines) {
    records = ReadBucketRecords<LineRecord>(RankFiles(PhaseFile("observed"), context.count),
                                            static_cast<uint32_t>(context.rank), static_cast<uint32_t>(context.count));
  }
  const std::vector<uint64_t> keys = KeysWithOwners(records, static_cast<uint32_t>(2 * options_.line_min_docs), state_.get());
  WriteRecords(PhaseFile(Numbered("first", 'b', context.rank)), keys);
  return {{"observed_records", records.size()}, {"first_cut_lines", keys.size()}};
}

Json DedupStage::PairPhase(const PhaseContext& context) const {
  const auto range = static_cast<uint32_t>(context.rank), ranges = static_cast<uint32_t>(context.count);
  std::vector<Edge> edges;
  SparseUnionFind joined;  // pairs already joined in this range need no comparison
  int64_t exact_records = 0, band_records = 0, comparisons = 0;
  if (options_.exact) {
    auto records = ReadBucketRecords<ExactRecord>(RankFiles(PhaseFile("exact"), context.count), range, ranges);
    exact_records = static_cast<int64_t>(records.size());
    std::sort(records.begin(), records.end(), [](const ExactRecord& a, const ExactRecord& b) {
      return std::tie(a.high, a.low, a.seq) < std::tie(b.high, b.low, b.seq);
    });
    for (size_t i = 1; i < records.size(); ++i) {
      if (records[i].high == records[i - 1].high && records[i].low == records[i - 1].low &&
          joined.Union(records[i - 1].seq, records[i].seq)) {
        edges.push_back({records[i - 1].seq, records[i].seq});
      }
    }
  }
  if (options_.near) {
    auto records = ReadBucketRecords<BandRecord>(RankFiles(PhaseFile("band"), context.count), range, ranges);
    band_records = static_cast<int64_t>(records.size());
    std::sort(records.begin(), records.end(), [](const BandRecord& a, const BandRecord& b) {
      return std::make_tuple(a.band & ~kHasShingles, a.key, a.seq) < std::make_tuple(b.band & ~kHasShingles, b.key, b.seq);
    });
    SignatureFiles signatures(PhaseFile("sig"), context.count, options_.num_perm);
    size_t start = 0;
    while (start < records.size()) {
      size_t end = start + 1;
      const auto same_bucket = [&](size_t k) {
        return (records[k].band & ~kHasShingles) == (records[start].band & ~kHasShingles) && records[k].key == records[start].key;
      };
      while (end < records.size() && same_bucket(end)) ++end;
      const size_t limit = std::min(end, start + kMaxComparedPerBucket);
      for (size_t i = start; i < limit; ++i) {
        const BandRecord& a = records[i];
        if (!(a.band & kHasShingles)) continue;
        for (size_t j = i + 1; j < limit; ++j) {
          const BandRecord& c = records[j];
          if (!(c.band & kHasShingles) || joined.Find(a.seq) == joined.Find(c.seq)) continue;
          ++comparisons;
          if (EstimatedJaccard(signatures.Get(a.rank, a.ordinal), signatures.Get(c.rank, c.ordinal), options_.num_perm) >=
              options_.threshold) {
            joined.Union(a.seq, c.seq);
            edges.push_back({a.seq, c.seq});
          }
        }
      }
      start = end;
    }
  }
  WriteRecords(PhaseFile(Numbered("edges", 'b', context.rank)), edges);
  return {{"exact_records", exact_records}, {"band_records", band_records}, {"comparisons", comparisons}, {"pairs", edges.size()}};
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
    uint64_t seq = 0;
    uint8_t exact = 0;
    while (NextTagged(in, seq, exact, id)) published[seq] = {std::string(id), exact != 0};
    if (!in.empty()) throw RuntimeError(path + ": truncated");
  }
  // What the keep rule needs of each document in a cluster, from the slices' metadata.
  struct Member {
    uint64_t date = UINT64_MAX;
    ExactKey exact;
    std::string id;
    int rank = -1;
  };
  std::vector<uint64_t> seqs = clusters.Members();
  for (const auto& [seq, match] : published) seqs.push_back(seq);
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  std::unordered_map<uint64_t, Member> members;
  for (const uint64_t seq : seqs) members[seq];
  for (int r = 0; r < context.count && !members.empty(); ++r) {
    const auto meta = ReadRecords<MetaRecord>(Numbered(PhaseFile("meta"), 'r', r));
    const std::string ids = ReadBytes(Numbered(PhaseFile("ids"), 'r', r));
    std::string_view in(ids);
    for (const MetaRecord& m : meta) {
      std::string_view id;
      if (!NextString(in, id)) throw RuntimeError(Numbered(PhaseFile("ids"), 'r', r) + ": truncated");
      const auto it = members.find(m.seq);
      if (it == members.end()) continue;
      it->second = {m.date, ExactKey{m.high, m.low}, std::string(id), r};
    }
  }
  // Per cluster: a published copy wins over every member (the first member in
  // input order that matched one names it); else the keeper is the earliest
  // date, then the first in input order (the smallest seq).
  std::unordered_map<uint64_t, uint64_t> keeper_of_root;
  std::unordered_map<uint64_t, std::string> published_of_root;
  for (const uint64_t seq : seqs) {  // ascending
    const Member& m = members.at(seq);
    if (m.rank < 0) throw RuntimeError("dedup merge: document " + std::to_string(seq) + " has no metadata (sign phase incomplete?)");
    const uint64_t root = clusters.Find(seq);
    if (const auto match = published.find(seq); match != published.end()) published_of_root.try_emplace(root, match->second.first);
    auto [it, inserted] = keeper_of_root.try_emplace(root, seq);
    const Member& k = members.at(it->second);
    if (!inserted && std::tie(m.date, seq) < std::tie(k.date, it->second)) it->second = seq;
  }
  std::vector<std::string> decisions(static_cast<size_t>(context.count));
  std::vector<ClusterRecord> cluster_records;
  int64_t dropped = 0, dropped_published = 0;
  for (const uint64_t seq : seqs) {  // ascending: each decisions file sorted by seq
    const uint64_t root = clusters.Find(seq);
    const Member& m = members.at(seq);
    std::string keeper_id;
    uint8_t flags = 0;  // bit 0: exact copy, bit 1: of a published document
    if (const auto pub = published_of_root.find(root); pub != published_of_root.end()) {
      cluster_records.push_back({seq, kNotCounted});
      const auto own = published.find(seq);
      keeper_id = own != published.end() ? own->second.first : pub->second;
      flags = static_cast<uint8_t>(2 | (own != published.end() && own->second.second ? 1 : 0));
      ++dropped_published;
    } else {
      const uint64_t keeper = keeper_of_root.at(root);
      cluster_records.push_back({seq, keeper});
      if (seq == keeper) continue;
      const Member& k = members.at(keeper);
      keeper_id = k.id;
      flags = m.exact == k.exact ? 1 : 0;
    }
    AppendTagged(decisions[static_cast<size_t>(m.rank)], seq, flags, keeper_id);
    ++dropped;
  }
  for (int r = 0; r < context.count; ++r) {
    WriteFileAtomic(Numbered(PhaseFile("decisions"), 'r', r), decisions[static_cast<size_t>(r)]);
  }
  WriteRecords(PhaseFile("clusters.bin"), cluster_records);
  return {{"pairs", pairs},
          {"clusters", keeper_of_root.size()},
          {"documents_in_clusters", seqs.size()},
          {"dropped", dropped},
          {"dropped_as_published", dropped_published}};
}

Json DedupStage::LinesPhase(const PhaseContext& context) const {
  std::vector<LineRecord> records;
  if (options_.lines) {
    std::unordered_map<uint64_t, uint64_t> cluster_of;
    for (const ClusterRecord& c : ReadRecords<ClusterRecord>(PhaseFile("clusters.bin"))) cluster_of[c.seq] = c.cluster;
    records = ReadBucketRecords<LineRecord>(RankFiles(PhaseFile("lines"), context.count),
                                            static_cast<uint32_t>(context.rank), static_cast<uint32_t>(context.count));
    // Copies of one article count once: owners are clusters, not documents.
    for (LineRecord& r : records) {
      if (const auto it = cluster_of.find(r.seq); it != cluster_of.end()) r.seq = it->second;
    }
    std::erase_if(records, [](const LineRecord& r) { return r.seq == kNotCounted; });
  }
  std::vector<CountRecord> counts;  // this run's counts, for the index
  std::vector<uint64_t> weak;
  const std::vector<uint64_t> keys =
      KeysWithOwners(records, static_cast<uint32_t>(options_.line_min_docs), state_.get(), &counts,
                     static_cast<uint32_t>(options_.line_block_min_docs), &weak);
  WriteRecords(PhaseFile(Numbered("final", 'b', context.rank)), keys);
  WriteRecords(PhaseFile(Numbered("weak", 'b', context.rank)), weak);
  WriteRecords(PhaseFile(Numbered("counts", 'b', context.rank)), counts);
  return {{"line_records", records.size()}, {"repeated_lines", keys.size()}};
}

}  // namespace textmill
