#include "stages/dedup/dedup_state.h"

#include <algorithm>

#include <lmdb.h>

#include <cstring>
#include <filesystem>

#include "pipeline/errors.h"
#include "pipeline/run_state.h"
#include "pipeline/util/io_error.h"
#include "stages/dedup/index_check.h"
#include "stages/dedup/sorted_runs.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;

MDB_val Val(const void* data, size_t size) { return MDB_val{size, const_cast<void*>(data)}; }
MDB_val Val(const std::string& s) { return Val(s.data(), s.size()); }

std::string BandKey(int band, uint32_t key) {
  std::string k(5, '\0');
  k[0] = static_cast<char>(band);
  std::memcpy(k.data() + 1, &key, 4);
  return k;
}

// Big-endian, so ordinals sort numerically.
std::string OrdinalKey(uint32_t ordinal) {
  std::string k(4, '\0');
  for (int i = 0; i < 4; ++i) k[static_cast<size_t>(i)] = static_cast<char>(ordinal >> (24 - 8 * i));
  return k;
}

void Check(int rc, const std::string& what, const std::string& path = "") {
  if (rc == MDB_SUCCESS) return;
  // LMDB returns errno values for I/O failures; MDB_MAP_FULL cannot happen (1 TiB map).
  if (IsNoSpace(rc) && !path.empty()) throw RuntimeError("dedup index: " + what + ": " + WriteError(path, rc));
  throw RuntimeError("dedup index: " + what + ": " + mdb_strerror(rc));
}

std::string GetMeta(MDB_txn* txn, unsigned dbi, const std::string& key) {
  MDB_val k = Val(key), v;
  if (mdb_get(txn, dbi, &k, &v) != MDB_SUCCESS) return "";
  return std::string(static_cast<const char*>(v.mv_data), v.mv_size);
}

}  // namespace

DedupState::DedupState(const std::string& dir, const std::string& params) {
  path_ = (fs::path(dir) / "dedup.lmdb").string();
  std::error_code ec;
  fs::create_directories(path_, ec);
  if (ec) throw ConfigError("--state " + dir + ": cannot create " + path_ + ": " + ec.message());
  auto fail = [&](const std::string& message) {
    if (env_) mdb_env_close(env_);
    env_ = nullptr;
    throw ConfigError("--state " + dir + ": " + message + " (the index was not changed)");
  };
  // Damage stops the run here, before any work, with the file named: never a
  // signal while mapping it, nor an index taken as new (stages/dedup/index_check.h).
  const std::string data = (fs::path(path_) / "data.mdb").string();
  const auto damaged = [&](const std::string& what) {
    throw ConfigError("--state " + dir + ": the dedup index " + data + " is damaged: " + what +
                      ". Restore the state dir from a backup (index and manifest together: each says what the "
                      "other published); `textmill state check " + dir + "` checks a state dir");
  };
  const auto size = fs::exists(data, ec) ? fs::file_size(data, ec) : 0;
  if (size == 0) {
    if (const int64_t runs = CountPublishingRuns(dir); runs > 0) {
      damaged(std::string(fs::exists(data, ec) ? "empty" : "missing") + ", but the manifest records " +
              std::to_string(runs) + " finished run(s) that published documents");
    }
  } else {
    if (const std::string what = CheckIndexHeader(path_); !what.empty()) damaged(what);
    if (!IndexUnchangedSinceVerified(path_)) {
      if (const std::string what = WalkIndex(path_); !what.empty()) damaged(what);
      RecordIndexVerified(path_);
    }
  }
  if (mdb_env_create(&env_) != MDB_SUCCESS) fail("cannot create an LMDB environment");
  mdb_env_set_maxdbs(env_, 8);
  mdb_env_set_mapsize(env_, size_t{1} << 40);  // address space only; the file grows as needed
  if (const int rc = mdb_env_open(env_, path_.c_str(), MDB_NOTLS, 0644); rc != MDB_SUCCESS) {
    fail(std::string("cannot open the dedup index: ") + mdb_strerror(rc));
  }
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, 0, &txn) != MDB_SUCCESS) fail("cannot begin a transaction");
  const unsigned create = MDB_CREATE;
  int rc = mdb_dbi_open(txn, "meta", create, &meta_);
  if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, "exact", create, &exact_);
  if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, "bands", create | MDB_DUPSORT | MDB_DUPFIXED, &bands_);
  if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, "sigs", create, &sigs_);
  if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, "lines", create, &lines_);
  if (rc != MDB_SUCCESS) {
    mdb_txn_abort(txn);
    fail(std::string("not a textmill dedup index: ") + mdb_strerror(rc));
  }
  const std::string version = GetMeta(txn, meta_, "format_version");
  // A new index is one no transaction has written to yet: the first writer
  // records the version. Whether data.mdb existed before opening says
  // nothing when several processes open a new state dir at once (another
  // task's mdb_env_open may just have created it).
  const bool fresh = mdb_txn_id(txn) == 1;
  if (!fresh && version.empty()) {
    mdb_txn_abort(txn);
    fail("not a textmill dedup index (no format version)");
  }
  if (!version.empty() && version != std::to_string(kFormatVersion)) {
    mdb_txn_abort(txn);
    const bool newer = std::atoi(version.c_str()) > kFormatVersion;
    fail("index format version " + version + (newer ? " was written by a newer textmill" : " is not supported") +
         "; this textmill reads version " + std::to_string(kFormatVersion));
  }
  const std::string stored_params = GetMeta(txn, meta_, "params");
  if (!stored_params.empty() && stored_params != params) {
    mdb_txn_abort(txn);
    fail("index was built with dedup parameters '" + stored_params + "', the config now says '" + params +
         "'; signatures would not be comparable");
  }
  published_ = std::strtoull(GetMeta(txn, meta_, "published").c_str(), nullptr, 10);
  runs_ = std::strtoull(GetMeta(txn, meta_, "runs").c_str(), nullptr, 10);
  last_run_id_ = std::strtoll(GetMeta(txn, meta_, "last_run_id").c_str(), nullptr, 10);
  if (version.empty()) {
    const std::string v = std::to_string(kFormatVersion);
    const std::string version_key = "format_version", params_key = "params";
    MDB_val k1 = Val(version_key), v1 = Val(v);
    MDB_val k2 = Val(params_key), v2 = Val(params);
    rc = mdb_put(txn, meta_, &k1, &v1, 0);
    if (rc == MDB_SUCCESS) rc = mdb_put(txn, meta_, &k2, &v2, 0);
  }
  if (rc != MDB_SUCCESS || mdb_txn_commit(txn) != MDB_SUCCESS) fail("cannot initialise the dedup index");
}

DedupState::~DedupState() {
  EndRead();
  if (env_) mdb_env_close(env_);
}

void DedupState::BeginRead() {
  if (!read_) Check(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &read_), "begin read");
}

void DedupState::EndRead() {
  if (read_) mdb_txn_abort(read_);
  read_ = nullptr;
}

std::optional<std::string> DedupState::FindExact(const ExactKey& key) const {
  MDB_val k = Val(&key, sizeof key), v;
  if (mdb_get(read_, exact_, &k, &v) != MDB_SUCCESS) return std::nullopt;
  return std::string(static_cast<const char*>(v.mv_data), v.mv_size);
}

std::vector<uint32_t> DedupState::FindBand(int band, uint32_t key) const {
  std::vector<uint32_t> out;
  const std::string bk = BandKey(band, key);
  MDB_cursor* cursor = nullptr;
  if (mdb_cursor_open(read_, bands_, &cursor) != MDB_SUCCESS) return out;
  MDB_val k = Val(bk), v;
  for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_KEY); rc == MDB_SUCCESS;
       rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT_DUP)) {
    uint32_t ordinal = 0;
    const auto* p = static_cast<const unsigned char*>(v.mv_data);
    for (int i = 0; i < 4; ++i) ordinal = (ordinal << 8) | p[i];
    out.push_back(ordinal);
  }
  mdb_cursor_close(cursor);
  return out;
}

bool DedupState::Signature(uint32_t ordinal, std::vector<uint32_t>& signature, std::string& id) const {
  const std::string ok = OrdinalKey(ordinal);
  MDB_val k = Val(ok), v;
  if (mdb_get(read_, sigs_, &k, &v) != MDB_SUCCESS) return false;
  const size_t sig_bytes = signature.size() * sizeof(uint32_t);
  if (v.mv_size < sig_bytes) return false;
  std::memcpy(signature.data(), v.mv_data, sig_bytes);
  id.assign(static_cast<const char*>(v.mv_data) + sig_bytes, v.mv_size - sig_bytes);
  return true;
}

uint32_t DedupState::LineCount(uint64_t key) const {
  MDB_val k = Val(&key, sizeof key), v;
  if (mdb_get(read_, lines_, &k, &v) != MDB_SUCCESS || v.mv_size != sizeof(uint32_t)) return 0;
  uint32_t count = 0;
  std::memcpy(&count, v.mv_data, sizeof count);
  return count;
}

void DedupState::Commit(uint64_t count, const DocFn& doc, const CountSource& counts, int64_t run_id,
                        size_t sort_bytes) {
  EndRead();
  // Sort records in LMDB's key order (memcmp of the key bytes: big-endian
  // integers compare alike), with the document's index last so that equal
  // keys keep the first copy's id.
  struct ExactEntry {
    uint64_t high_be, low_be, index;
    auto operator<=>(const ExactEntry&) const = default;
  };
  struct BandEntry {
    uint32_t band, key_be, ordinal;
    auto operator<=>(const BandEntry&) const = default;
  };
  struct CountEntry {
    uint64_t key_be;
    uint32_t count;
    auto operator<=>(const CountEntry&) const = default;
  };
  MDB_txn* txn = nullptr;
  Check(mdb_txn_begin(env_, nullptr, 0, &txn), "begin write");
  try {
    // Each table is written in key order: a B+tree filled in order dirties
    // each leaf page once, where document order would touch (and copy, LMDB
    // being copy-on-write) a random page per key.
    const size_t part = std::max<size_t>(size_t{1} << 20, sort_bytes / 3);
    SortedRuns<ExactEntry> exact_order(part);
    SortedRuns<BandEntry> band_order(part);
    SortedRuns<CountEntry> count_order(part);
    uint64_t ordinal = published_;
    PublishedDoc d;
    for (uint64_t i = 0; i < count; ++i, ++ordinal) {  // ordinals only grow: appended at the end of the tree
      doc(i, d);
      uint64_t high = 0, low = 0;
      std::memcpy(&high, &d.exact, sizeof high);
      std::memcpy(&low, reinterpret_cast<const char*>(&d.exact) + sizeof high, sizeof low);
      exact_order.Add({__builtin_bswap64(high), __builtin_bswap64(low), i});
      for (size_t b = 0; b < d.band_keys.size(); ++b) {
        band_order.Add({static_cast<uint32_t>(b), __builtin_bswap32(d.band_keys[b]), static_cast<uint32_t>(ordinal)});
      }
      std::string value(reinterpret_cast<const char*>(d.signature.data()), d.signature.size() * sizeof(uint32_t));
      value += d.id;
      const std::string ok = OrdinalKey(static_cast<uint32_t>(ordinal));
      MDB_val sk = Val(ok), sv = Val(value);
      Check(mdb_put(txn, sigs_, &sk, &sv, MDB_APPEND), "write signature");
    }
    const size_t sig_bytes = d.signature.size() * sizeof(uint32_t);
    exact_order.Merge([&](const ExactEntry& e) {
      // The id is the tail of the signature record just written.
      const std::string ok = OrdinalKey(static_cast<uint32_t>(published_ + e.index));
      MDB_val sk = Val(ok), sv;
      Check(mdb_get(txn, sigs_, &sk, &sv), "read back a signature");
      if (sv.mv_size < sig_bytes) throw RuntimeError("dedup index: a signature record is short");
      const ExactKey key{__builtin_bswap64(e.high_be), __builtin_bswap64(e.low_be)};
      MDB_val ek = Val(&key, sizeof key);
      MDB_val ev = Val(static_cast<const char*>(sv.mv_data) + sig_bytes, sv.mv_size - sig_bytes);
      const int erc = mdb_put(txn, exact_, &ek, &ev, MDB_NOOVERWRITE);
      if (erc != MDB_SUCCESS && erc != MDB_KEYEXIST) Check(erc, "write exact key");
    });
    band_order.Merge([&](const BandEntry& e) {
      const std::string bk = BandKey(static_cast<int>(e.band), __builtin_bswap32(e.key_be));
      const std::string ok = OrdinalKey(e.ordinal);
      MDB_val k = Val(bk), v = Val(ok);
      const int rc = mdb_put(txn, bands_, &k, &v, MDB_NODUPDATA);
      if (rc != MDB_SUCCESS && rc != MDB_KEYEXIST) Check(rc, "write band key");
    });
    counts([&count_order](uint64_t key, uint32_t n) { count_order.Add({__builtin_bswap64(key), n}); });
    bool pending = false;
    uint64_t key = 0;
    uint32_t added = 0;
    const auto put_count = [&] {
      MDB_val k = Val(&key, sizeof key), v;
      uint32_t total = added;
      if (mdb_get(txn, lines_, &k, &v) == MDB_SUCCESS && v.mv_size == sizeof(uint32_t)) {
        uint32_t old = 0;
        std::memcpy(&old, v.mv_data, sizeof old);
        total += old;
      }
      MDB_val nv = Val(&total, sizeof total);
      Check(mdb_put(txn, lines_, &k, &nv, 0), "write line count");
    };
    count_order.Merge([&](const CountEntry& c) {
      const uint64_t next = __builtin_bswap64(c.key_be);
      if (pending && next == key) {
        added += c.count;
        return;
      }
      if (pending) put_count();
      key = next;
      added = c.count;
      pending = true;
    });
    if (pending) put_count();
    const std::string published = std::to_string(ordinal), runs = std::to_string(runs_ + 1);
    const std::string published_key = "published", runs_key = "runs";
    MDB_val pk = Val(published_key), pv = Val(published);
    MDB_val rk = Val(runs_key), rv = Val(runs);
    Check(mdb_put(txn, meta_, &pk, &pv, 0), "write meta");
    Check(mdb_put(txn, meta_, &rk, &rv, 0), "write meta");
    const std::string last_run = std::to_string(run_id), last_run_key = "last_run_id";
    MDB_val lk = Val(last_run_key), lv = Val(last_run);
    Check(mdb_put(txn, meta_, &lk, &lv, 0), "write meta");
    published_ = ordinal;
  } catch (...) {
    mdb_txn_abort(txn);
    throw;
  }
  // mdb_txn_commit frees the transaction whether or not it succeeds.
  Check(mdb_txn_commit(txn), "commit", (fs::path(path_) / "data.mdb").string());
  ++runs_;
  last_run_id_ = run_id;
  RecordIndexVerified(path_);  // what we just wrote needs no walk next time
}

uint64_t DedupState::DiskBytes() const {
  std::error_code ec;
  const auto size = fs::file_size(fs::path(path_) / "data.mdb", ec);
  return ec ? 0 : size;
}

}  // namespace textmill
