#include "stages/dedup/dedup_state.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <functional>

#include "pipeline/errors.h"
#include "pipeline/manifest_check.h"
#include "pipeline/util/fault.h"
#include "pipeline/util/file_lock.h"
#include "stages/dedup/sorted_runs.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;

// A RunFile appended through a buffer: a commit appends a few small pieces
// per document, a system call each without it.
class BufferedRun {
 public:
  static constexpr size_t kBuffer = 256 << 10;
  void Append(const void* data, size_t bytes) {
    buffer_.append(static_cast<const char*>(data), bytes);
    if (buffer_.size() >= kBuffer) Flush();
  }
  // Reads written bytes back (Flush first).
  size_t Read(uint64_t offset, void* out, size_t bytes) const { return file_.Read(offset, out, bytes); }
  void Flush() {
    file_.Append(buffer_.data(), buffer_.size());
    buffer_.clear();
  }
  uint64_t size() const { return file_.size() + buffer_.size(); }

 private:
  RunFile file_{""};
  std::string buffer_;
};

}  // namespace

namespace {

// The index's manifest; a new index's, with `partitions` partitions, when the
// state dir has none. Throws what `damaged` makes of a damaged or lost one,
// and ConfigError for an index in the single-file layout.
IndexManifest OpenOrCreateManifest(const std::string& dir, const std::string& params, int partitions,
                                   const std::function<ConfigError(const std::string&)>& damaged) {
  std::error_code ec;
  const auto read = [&] {
    try {
      return ReadIndexManifest(dir);
    } catch (const ConfigError& e) {
      throw damaged(e.what());
    }
  };
  if (auto manifest = read()) return *manifest;
  const fs::path legacy = fs::path(dir) / "dedup.lmdb";
  if (fs::exists(legacy / "data.mdb", ec)) {
    throw ConfigError("--state " + dir + ": the dedup index " + legacy.string() +
                      " has the single-file layout of earlier textmill versions; this one keeps it in hash "
                      "partitions under " + (fs::path(dir) / "dedup").string() + ". Convert it once with "
                      "`textmill state migrate " + dir + "` (no run may use the state dir meanwhile), then rerun");
  }
  fs::create_directories(fs::path(dir) / "dedup", ec);
  if (ec) throw ConfigError("--state " + dir + ": cannot create " + (fs::path(dir) / "dedup").string() + ": " + ec.message());
  // The tasks of a phased run open a new state dir at the same moment: one creates the index.
  const ScopedFileLock lock((fs::path(dir) / "dedup" / "create.lock").string());
  if (auto manifest = read()) return *manifest;
  if (const int64_t runs = CountPublishingRuns(dir); runs > 0) {
    throw damaged(IndexManifestPath(dir) + " is missing, but the manifest records " + std::to_string(runs) +
                  " finished run(s) that published documents");
  }
  // Partitions are created by their first commit, after the manifest: one
  // without a manifest has lost what published it.
  for (int p = 0; p < partitions; ++p) {
    const fs::path data = fs::path(PartitionDir(dir, p)) / "data.mdb";
    if (fs::exists(data, ec) && fs::file_size(data, ec) > 0) {
      throw damaged(data.string() + " exists but " + IndexManifestPath(dir) + " is missing");
    }
  }
  IndexManifest created;
  created.partitions = partitions;
  created.params = params;
  WriteIndexManifest(dir, created);
  return created;
}

}  // namespace

DedupState::DedupState(const std::string& dir, const std::string& params, int partitions) : dir_(dir) {
  const std::string restore = ". Restore the state dir from a backup (index and manifest together: each says what the "
                              "other published); `textmill state check " + dir + "` checks a state dir";
  const auto damaged = [&](const std::string& what) { return ConfigError("--state " + dir + ": the dedup index " + what + restore); };
  manifest_ = OpenOrCreateManifest(dir, params, partitions, damaged);
  if (manifest_.params != params) {
    throw ConfigError("--state " + dir + ": index was built with dedup parameters '" + manifest_.params +
                      "', the config now says '" + params + "'; signatures would not be comparable (the index was not changed)");
  }
  for (int p = 0; p < manifest_.partitions; ++p) {
    // Before the first publication nothing in a partition is published, and
    // its first commit may be creating it in another process (the index
    // tasks of a phased run): it is opened when written or published. After
    // it, every partition exists and holds every published generation.
    if (manifest_.generation == 0) {
      parts_.push_back(nullptr);
      continue;
    }
    try {
      parts_.push_back(std::make_unique<IndexPartition>(PartitionDir(dir, p), p, manifest_.partitions, params, false));
    } catch (const ConfigError& e) {
      throw damaged(e.what());
    }
    // A partition may be one generation ahead (committed, not yet published)
    // but never behind: it would have lost documents the manifest published.
    const uint64_t generation = parts_.back()->committed().generation;
    if (generation < manifest_.generation || generation > manifest_.generation + 1) {
      throw damaged(parts_.back()->data_path() + " is damaged: it holds generation " + std::to_string(generation) +
                    ", the manifest " + IndexManifestPath(dir) + " published generation " +
                    std::to_string(manifest_.generation) + " (a partition restored from another backup?)");
    }
  }
}

DedupState::~DedupState() = default;

void DedupState::BeginRead() {
  for (auto& part : parts_) {
    if (part) part->BeginRead();
  }
}

void DedupState::EndRead() {
  for (auto& part : parts_) {
    if (part) part->EndRead();
  }
}

// A partition not created yet holds nothing published.
std::optional<std::string> DedupState::FindExact(const ExactKey& key) const {
  const IndexPartition* part = Part(PartitionOfExact(key, partitions()));
  return part ? part->FindExact(key, View()) : std::nullopt;
}

std::vector<uint32_t> DedupState::FindBand(int band, uint32_t key) const {
  std::vector<uint32_t> out;
  if (const IndexPartition* part = Part(PartitionOfBand(band, key, partitions()))) part->FindBand(band, key, View(), out);
  return out;
}

bool DedupState::Signature(uint32_t ordinal, std::vector<uint32_t>& signature, std::string& id) const {
  const IndexPartition* part = Part(PartitionOfOrdinal(ordinal, partitions()));
  return part && part->Signature(ordinal, View(), signature, id);
}

uint32_t DedupState::LineCount(uint64_t key) const {
  const IndexPartition* part = Part(PartitionOfLine(key, partitions()));
  return part ? part->LineCount(key, View()) : 0;
}

void DedupState::Commit(uint64_t count, const DocFn& doc, const CountSource& counts, int64_t run_id,
                        size_t sort_bytes) {
  const std::string attempt = "run " + std::to_string(run_id);
  CommitPartitions([](int) { return true; }, count, doc, counts, attempt, sort_bytes);
  Publish(run_id, attempt);
}

void DedupState::CommitPartitions(const std::function<bool(int)>& owns, uint64_t count, const DocFn& doc,
                                  const CountSource& counts, const std::string& attempt, size_t sort_bytes) {
  EndRead();
  const int n = partitions();
  const PublishedView view = View();
  if (view.published + count > UINT32_MAX) throw RuntimeError("dedup index: more than 2^32 documents published");
  // One sort for the keys of every partition, partition first, then each
  // table in LMDB's key order (memcmp of the key bytes), so each partition's
  // transaction is written from one stretch of the merge and fills its
  // B+trees in order. For equal exact keys the smaller index comes first and
  // stays (the first copy's).
  enum Table : uint32_t { kExact, kBand, kLine };
  struct Entry {
    uint32_t partition, table;
    std::array<uint8_t, 16> key;
    uint64_t value;  // exact: the document's index; band: its ordinal; line: the count
    auto operator<=>(const Entry&) const = default;
  };
  const auto entry = [](int partition, Table table, const void* key, size_t bytes, uint64_t value) {
    Entry e{static_cast<uint32_t>(partition), table, {}, value};
    std::memcpy(e.key.data(), key, bytes);
    return e;
  };
  SortedRuns<Entry> entries(std::max<size_t>(size_t{1} << 20, sort_bytes));
  // Signatures go in ordinal order, a file per partition, read back when its
  // transaction is written: they are the bulk of a commit (4 bytes a position).
  std::vector<std::unique_ptr<BufferedRun>> signatures(static_cast<size_t>(n));
  // The ids by document index, for the exact keys (stored with their id, so
  // that an exact match reads one partition).
  struct IdAt {
    uint64_t offset, length;
  };
  BufferedRun ids, id_offsets;
  PublishedDoc d;
  for (uint64_t i = 0; i < count; ++i) {
    doc(i, d);
    const IdAt at{ids.size(), d.id.size()};
    id_offsets.Append(&at, sizeof at);
    ids.Append(d.id.data(), d.id.size());
    const auto ordinal = static_cast<uint32_t>(view.published + i);
    if (const int p = PartitionOfExact(d.exact, n); owns(p)) entries.Add(entry(p, kExact, &d.exact, sizeof d.exact, i));
    for (size_t b = 0; b < d.band_keys.size(); ++b) {
      const int band = static_cast<int>(b);
      if (const int p = PartitionOfBand(band, d.band_keys[b], n); owns(p)) {
        uint8_t key[5];
        key[0] = static_cast<uint8_t>(band);
        std::memcpy(key + 1, &d.band_keys[b], 4);
        entries.Add(entry(p, kBand, key, sizeof key, ordinal));
      }
    }
    if (const int p = PartitionOfOrdinal(ordinal, n); owns(p)) {
      auto& file = signatures[static_cast<size_t>(p)];
      if (!file) file = std::make_unique<BufferedRun>();
      const uint32_t header[3] = {ordinal, static_cast<uint32_t>(d.signature.size()), static_cast<uint32_t>(d.id.size())};
      file->Append(header, sizeof header);
      file->Append(d.signature.data(), d.signature.size() * sizeof(uint32_t));
      file->Append(d.id.data(), d.id.size());
    }
  }
  counts([&](uint64_t key, uint32_t added) {
    if (const int p = PartitionOfLine(key, n); owns(p)) entries.Add(entry(p, kLine, &key, sizeof key, added));
  });
  ids.Flush();
  id_offsets.Flush();
  const PartitionCommitted committed{view.generation + 1, view.published, view.published + count, attempt};
  std::unique_ptr<IndexPartition::Writer> writer;
  int current = -1, commits = 0;
  const auto write_signatures = [&](int p) {
    BufferedRun* file = signatures[static_cast<size_t>(p)].get();
    if (!file) return;
    file->Flush();
    std::vector<uint32_t> signature;
    std::string id;
    for (uint64_t at = 0; at < file->size();) {
      uint32_t header[3];
      at += file->Read(at, header, sizeof header);
      signature.resize(header[1]);
      id.resize(header[2]);
      at += file->Read(at, signature.data(), signature.size() * sizeof(uint32_t));
      at += file->Read(at, id.data(), id.size());
      writer->PutSignature(header[0], signature.data(), signature.size(), id);
    }
  };
  // Commits the partitions before `p` that are still open or not yet begun
  // (a partition without keys commits too: every one must hold the generation).
  const auto advance_to = [&](int p) {
    while (current < p) {
      if (writer) {
        if (commits == 1) MaybeCrash("during_partition_commit");  // the second's transaction written, not committed
        writer->Commit(committed);
        writer.reset();
        if (++commits == 1) MaybeCrash("after_partition_commit");  // between two partitions' commits
      }
      if (++current < n && owns(current)) {
        auto& part = parts_[static_cast<size_t>(current)];
        if (!part) part = std::make_unique<IndexPartition>(PartitionDir(dir_, current), current, n, manifest_.params, true);
        writer = std::make_unique<IndexPartition::Writer>(*part, view);
        write_signatures(current);
        signatures[static_cast<size_t>(current)].reset();
      }
    }
  };
  entries.Merge([&](const Entry& e) {
    advance_to(static_cast<int>(e.partition));
    if (e.table == kExact) {
      ExactKey key;
      std::memcpy(&key, e.key.data(), sizeof key);
      IdAt at{};
      id_offsets.Read(e.value * sizeof at, &at, sizeof at);
      std::string id(at.length, '\0');
      ids.Read(at.offset, id.data(), id.size());
      writer->PutExact(key, static_cast<uint32_t>(view.published + e.value), id);
    } else if (e.table == kBand) {
      uint32_t key = 0;
      std::memcpy(&key, e.key.data() + 1, 4);
      writer->PutBand(e.key[0], key, static_cast<uint32_t>(e.value));
    } else {
      uint64_t key = 0;
      std::memcpy(&key, e.key.data(), sizeof key);
      writer->AddLineCount(key, static_cast<uint32_t>(e.value));
    }
  });
  advance_to(n);
}

void DedupState::Publish(int64_t run_id, const std::string& attempt) {
  EndRead();
  const uint64_t next = manifest_.generation + 1;
  std::string missing;
  uint64_t total = 0;
  for (int p = 0; p < partitions(); ++p) {
    auto& part = parts_[static_cast<size_t>(p)];
    std::error_code ec;
    if (!part && fs::exists(fs::path(PartitionDir(dir_, p)) / "data.mdb", ec)) {  // committed by another process
      part = std::make_unique<IndexPartition>(PartitionDir(dir_, p), p, partitions(), manifest_.params, false);
    }
    const PartitionCommitted c = part ? part->committed() : PartitionCommitted{};
    if (c.generation != next || c.attempt != attempt || c.base != manifest_.published) {
      missing += (missing.empty() ? "" : ", ") + std::to_string(p);
      continue;
    }
    if (total != 0 && c.total != total) throw RuntimeError("dedup index: partitions disagree on the documents published");
    total = c.total;
  }
  if (!missing.empty()) {
    throw RuntimeError("dedup index: partition(s) " + missing + " of " + IndexManifestPath(dir_) +
                       " have not committed generation " + std::to_string(next) + " of " + attempt +
                       " (did every index task finish?)");
  }
  IndexManifest published = manifest_;
  published.generation = next;
  published.published = total;
  published.runs = manifest_.runs + 1;
  published.last_run_id = run_id;
  MaybeCrash("before_index_manifest");
  WriteIndexManifest(dir_, published);
  manifest_ = published;
}

uint64_t DedupState::DiskBytes() const {
  uint64_t bytes = 0;
  for (const auto& part : parts_) bytes += part ? part->DiskBytes() : 0;
  return bytes;
}

}  // namespace textmill
