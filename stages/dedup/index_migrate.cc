#include "stages/dedup/index_migrate.h"

#include <lmdb.h>

#include <cstring>
#include <filesystem>
#include <functional>

#include "pipeline/errors.h"
#include "pipeline/util/atomic_file.h"
#include "stages/dedup/dedup_state.h"
#include "stages/dedup/index_check.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;

// The old index, read-only.
class LegacyIndex {
 public:
  explicit LegacyIndex(const std::string& env_dir) : env_dir_(env_dir) {
    const std::string data = (fs::path(env_dir) / "data.mdb").string();
    std::string what = CheckIndexHeader(env_dir);
    if (what.empty()) what = WalkIndex(env_dir);
    if (!what.empty()) throw ConfigError("the dedup index " + data + " is damaged: " + what + "; nothing was migrated");
    if (mdb_env_create(&env_) != MDB_SUCCESS) throw ConfigError("cannot create an LMDB environment");
    mdb_env_set_maxdbs(env_, 8);
    mdb_env_set_mapsize(env_, size_t{1} << 40);
    if (mdb_env_open(env_, env_dir.c_str(), MDB_RDONLY | MDB_NOTLS, 0644) != MDB_SUCCESS ||
        mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn_) != MDB_SUCCESS) {
      Close();  // a throwing constructor runs no destructor
      throw ConfigError("cannot open " + data);
    }
    for (const char* name : {"meta", "exact", "bands", "sigs", "lines"}) {
      MDB_dbi dbi = 0;
      if (mdb_dbi_open(txn_, name, 0, &dbi) != MDB_SUCCESS) {
        Close();
        throw ConfigError(data + ": not a textmill dedup index (no table " + std::string(name) + ")");
      }
      dbis_.push_back(dbi);
    }
  }
  ~LegacyIndex() { Close(); }
  LegacyIndex(const LegacyIndex&) = delete;
  LegacyIndex& operator=(const LegacyIndex&) = delete;

  void Close() {
    if (txn_) mdb_txn_abort(txn_);
    txn_ = nullptr;
    if (env_) mdb_env_close(env_);
    env_ = nullptr;
  }

  std::string Meta(const std::string& key) const {
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v;
    if (mdb_get(txn_, dbis_[0], &k, &v) != MDB_SUCCESS) return "";
    return std::string(static_cast<const char*>(v.mv_data), v.mv_size);
  }
  // Calls fn(key, value) for every entry of table `t` (1 exact, 2 bands,
  // 3 sigs, 4 lines), in key order (duplicates in order).
  void ForEach(size_t t, const std::function<void(const MDB_val&, const MDB_val&)>& fn) const {
    MDB_cursor* cursor = nullptr;
    if (mdb_cursor_open(txn_, dbis_[t], &cursor) != MDB_SUCCESS) throw RuntimeError("cannot read " + env_dir_);
    MDB_val k, v;
    for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
      fn(k, v);
    }
    mdb_cursor_close(cursor);
  }

 private:
  std::string env_dir_;
  MDB_env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
  std::vector<MDB_dbi> dbis_;
};

uint32_t BigEndian32(const void* data) {
  const auto* p = static_cast<const unsigned char*>(data);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

bool MigrateSingleFileIndex(const std::string& state_dir, int partitions, std::ostream& out) {
  if (partitions <= 0) partitions = DedupState::kDefaultPartitions;
  const fs::path legacy_dir = fs::path(state_dir) / "dedup.lmdb";
  std::error_code ec;
  if (ReadIndexManifest(state_dir)) {
    out << IndexManifestPath(state_dir) << ": already partitioned, nothing to migrate\n";
    return false;
  }
  if (!fs::exists(legacy_dir / "data.mdb", ec)) {
    out << (legacy_dir / "data.mdb").string() << ": no single-file index, nothing to migrate\n";
    return false;
  }
  const LegacyIndex legacy(legacy_dir.string());
  if (const std::string version = legacy.Meta("format_version"); version != "1") {
    throw ConfigError((legacy_dir / "data.mdb").string() + ": index format version '" + version +
                      "', expected 1; nothing was migrated");
  }
  IndexManifest manifest;
  manifest.partitions = partitions;
  manifest.params = legacy.Meta("params");
  manifest.generation = 1;
  manifest.published = std::strtoull(legacy.Meta("published").c_str(), nullptr, 10);
  manifest.runs = std::strtoull(legacy.Meta("runs").c_str(), nullptr, 10);
  manifest.last_run_id = std::strtoll(legacy.Meta("last_run_id").c_str(), nullptr, 10);
  // Format 1 stored a signature and its id as one value: its length comes from the parameters.
  const size_t at = manifest.params.find("num_perm=");
  const size_t num_perm = at == std::string::npos ? 0 : std::strtoul(manifest.params.c_str() + at + 9, nullptr, 10);
  if (num_perm == 0) throw ConfigError(legacy_dir.string() + ": no num_perm in its parameters '" + manifest.params + "'");
  // No manifest: nothing under DIR/dedup was ever published, a killed migration's leftovers at most.
  fs::remove_all(fs::path(state_dir) / "dedup", ec);
  for (int p = 0; p < partitions; ++p) {
    IndexPartition part(PartitionDir(state_dir, p), p, partitions, manifest.params, /*create=*/true);
    IndexPartition::Writer writer(part, PublishedView{});
    legacy.ForEach(3, [&](const MDB_val& k, const MDB_val& v) {
      const uint32_t ordinal = BigEndian32(k.mv_data);
      if (PartitionOfOrdinal(ordinal, partitions) != p || v.mv_size < num_perm * 4) return;
      std::vector<uint32_t> signature(num_perm);
      std::memcpy(signature.data(), v.mv_data, num_perm * 4);
      writer.PutSignature(ordinal, signature.data(), num_perm,
                          std::string_view(static_cast<const char*>(v.mv_data) + num_perm * 4, v.mv_size - num_perm * 4));
    });
    legacy.ForEach(1, [&](const MDB_val& k, const MDB_val& v) {
      ExactKey key;
      if (k.mv_size != sizeof key) return;
      std::memcpy(&key, k.mv_data, sizeof key);
      // Format 1 kept the id, not the ordinal: every entry is published, and
      // readers need only an ordinal below the published count.
      if (PartitionOfExact(key, partitions) == p) {
        writer.PutExact(key, 0, std::string_view(static_cast<const char*>(v.mv_data), v.mv_size));
      }
    });
    legacy.ForEach(2, [&](const MDB_val& k, const MDB_val& v) {
      if (k.mv_size != 5 || v.mv_size != 4) return;
      uint32_t key = 0;
      std::memcpy(&key, static_cast<const char*>(k.mv_data) + 1, 4);
      const int band = static_cast<unsigned char>(static_cast<const char*>(k.mv_data)[0]);
      if (PartitionOfBand(band, key, partitions) == p) writer.PutBand(band, key, BigEndian32(v.mv_data));
    });
    legacy.ForEach(4, [&](const MDB_val& k, const MDB_val& v) {
      uint64_t key = 0;
      uint32_t count = 0;
      if (k.mv_size != sizeof key || v.mv_size != sizeof count) return;
      std::memcpy(&key, k.mv_data, sizeof key);
      std::memcpy(&count, v.mv_data, sizeof count);
      if (PartitionOfLine(key, partitions) == p) writer.AddLineCount(key, count);
    });
    writer.Commit({1, 0, manifest.published, "migrated from " + legacy_dir.string()});
  }
  WriteIndexManifest(state_dir, manifest);
  const fs::path kept = fs::path(state_dir) / "dedup.lmdb.migrated";
  fs::rename(legacy_dir, kept, ec);
  if (ec) throw RuntimeError("migrated, but cannot rename " + legacy_dir.string() + ": " + ec.message());
  SyncPath(state_dir);  // the rename, durable
  out << legacy_dir.string() << ": migrated to " << partitions << " partitions in "
      << (fs::path(state_dir) / "dedup").string() << " (" << manifest.published << " documents, " << manifest.runs
      << " runs); the old index is kept as " << kept.string() << ": remove it once runs work\n";
  return true;
}

}  // namespace textmill
