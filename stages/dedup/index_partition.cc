#include "stages/dedup/index_partition.h"

#include <lmdb.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "pipeline/errors.h"
#include "pipeline/util/atomic_file.h"
#include "pipeline/util/io_error.h"
#include "stages/dedup/index_check.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;

MDB_val Val(const void* data, size_t size) { return MDB_val{size, const_cast<void*>(data)}; }
MDB_val Val(const std::string& s) { return Val(s.data(), s.size()); }

// Big-endian, so ordinals sort numerically in LMDB's byte order.
std::string OrdinalKey(uint32_t ordinal) {
  std::string k(4, '\0');
  for (int i = 0; i < 4; ++i) k[static_cast<size_t>(i)] = static_cast<char>(ordinal >> (24 - 8 * i));
  return k;
}

uint32_t OrdinalOf(const void* data) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint32_t ordinal = 0;
  for (int i = 0; i < 4; ++i) ordinal = (ordinal << 8) | p[i];
  return ordinal;
}

std::string BandKey(int band, uint32_t key) {
  std::string k(5, '\0');
  k[0] = static_cast<char>(band);
  std::memcpy(k.data() + 1, &key, 4);
  return k;
}

// The undo list's keys start with their table's tag, in the order a commit
// writes the tables (exact keys, band keys, line counts).
constexpr char kUndoExact = 1, kUndoBand = 2, kUndoLine = 3;

// A line's count as readers of any view need it: the count before the last
// generation that changed it is what a view older than that generation sees.
struct LineValue {
  uint32_t count = 0, previous = 0;
  uint64_t generation = 0;
};
static_assert(sizeof(LineValue) == 16);

void Check(int rc, const std::string& what, const std::string& path = "") {
  if (rc == MDB_SUCCESS) return;
  // LMDB returns errno values for I/O failures; MDB_MAP_FULL cannot happen (see kMapBytes).
  if (IsNoSpace(rc) && !path.empty()) throw RuntimeError("dedup index: " + what + ": " + WriteError(path, rc));
  throw RuntimeError("dedup index: " + what + ": " + mdb_strerror(rc));
}

std::string GetMeta(MDB_txn* txn, unsigned dbi, const std::string& key) {
  MDB_val k = Val(key), v;
  if (mdb_get(txn, dbi, &k, &v) != MDB_SUCCESS) return "";
  return std::string(static_cast<const char*>(v.mv_data), v.mv_size);
}

void PutMeta(MDB_txn* txn, unsigned dbi, const std::string& key, const std::string& value) {
  MDB_val k = Val(key), v = Val(value);
  Check(mdb_put(txn, dbi, &k, &v, 0), "write meta");
}

// Address space per partition (the file grows as needed): 8 TiB over the
// partitions, at least 64 GiB each, so a few hundred partitions stay within
// what a 64-bit process can map.
size_t MapBytes(int count) { return std::max(size_t{64} << 30, (size_t{8} << 40) / static_cast<size_t>(count)); }

}  // namespace

IndexPartition::IndexPartition(std::string env_dir, int index, int count, const std::string& params, bool create)
    : index_(index), count_(count), params_(params), env_dir_(std::move(env_dir)) {
  Open(index, count, params, create);
}

// LMDB keeps the page buffers of a write transaction for the environment's
// next one and frees them only when it is closed: with a partition written
// once a night, they would stay for the rest of the run, every partition's
// adding up to the whole commit (peak RSS 646 MiB instead of 281 on 200 k
// documents). Closed and opened again, a commit holds one partition's pages.
void IndexPartition::Reopen() {
  EndRead();
  mdb_env_close(env_);
  env_ = nullptr;
  Open(index_, count_, params_, false);
}

IndexPartition::~IndexPartition() {
  EndRead();
  if (env_) mdb_env_close(env_);
}

std::string IndexPartition::data_path() const { return (fs::path(env_dir_) / "data.mdb").string(); }

// `what` follows the file's name: "is damaged: ...", ": another ...".
void IndexPartition::Fail(const std::string& what) {
  if (env_) mdb_env_close(env_);
  env_ = nullptr;
  throw ConfigError(data_path() + (what.starts_with(":") ? "" : " ") + what);
}

void IndexPartition::Open(int index, int count, const std::string& params, bool create) {
  std::error_code ec;
  const std::string data = data_path();
  const auto size = fs::exists(data, ec) ? fs::file_size(data, ec) : 0;
  // Damage stops the run here, before any work, with the file named: never a
  // signal while mapping it (index_check.h).
  if (size == 0 && !create) Fail(fs::exists(data, ec) ? "is damaged: empty" : "is missing");
  if (size > 0) {
    if (const std::string what = CheckIndexHeader(env_dir_); !what.empty()) Fail("is damaged: " + what);
    if (!IndexUnchangedSinceVerified(env_dir_)) {
      if (const std::string what = WalkIndex(env_dir_); !what.empty()) Fail("is damaged: " + what);
      RecordIndexVerified(env_dir_);
    }
  }
  if (create) {
    fs::create_directories(env_dir_, ec);
    if (ec) Fail(": cannot create " + env_dir_ + ": " + ec.message());
  }
  if (mdb_env_create(&env_) != MDB_SUCCESS) Fail(": cannot create an LMDB environment");
  mdb_env_set_maxdbs(env_, 8);
  mdb_env_set_mapsize(env_, MapBytes(count));
  if (const int rc = mdb_env_open(env_, env_dir_.c_str(), MDB_NOTLS, 0644); rc != MDB_SUCCESS) {
    Fail(std::string(": cannot open: ") + mdb_strerror(rc));
  }
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, create ? 0 : MDB_RDONLY, &txn) != MDB_SUCCESS) Fail(": cannot begin a transaction");
  const unsigned flags = create ? MDB_CREATE : 0;
  int rc = mdb_dbi_open(txn, "meta", flags, &meta_);
  if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, "exact", flags, &exact_);
  if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, "bands", flags | MDB_DUPSORT | MDB_DUPFIXED, &bands_);
  if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, "sigs", flags, &sigs_);
  if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, "lines", flags, &lines_);
  if (rc == MDB_SUCCESS) rc = mdb_dbi_open(txn, "added", flags, &added_);
  const auto refuse = [&](const std::string& what) {
    mdb_txn_abort(txn);
    Fail(what);
  };
  // An existing partition has every table (its creation made them): one
  // missing is a damaged table directory, not a foreign file.
  if (rc != MDB_SUCCESS && !create) refuse(std::string("is damaged: a table is missing: ") + mdb_strerror(rc));
  if (rc != MDB_SUCCESS) refuse(std::string(": not a textmill dedup index partition: ") + mdb_strerror(rc));
  const std::string version = GetMeta(txn, meta_, "format_version");
  const std::string part = std::to_string(index) + "/" + std::to_string(count);
  // A new partition is one no transaction has written to yet.
  if (version.empty() && !create) refuse("is damaged: no format version");
  if (version.empty() && mdb_txn_id(txn) != 1) refuse(": not a textmill dedup index partition (no format version)");
  if (!version.empty()) {
    if (version.find_first_not_of("0123456789") != std::string::npos) refuse("is damaged: format version '" + version + "'");
    if (version != std::to_string(kFormatVersion)) {
      const bool newer = std::atoi(version.c_str()) > kFormatVersion;
      refuse(": index format version " + version + (newer ? " was written by a newer textmill" : " is not supported") +
             "; this textmill reads version " + std::to_string(kFormatVersion));
    }
    // The manifest's parameters and count were checked against the config:
    // a partition that disagrees with them is damaged or from another index.
    if (const std::string stored = GetMeta(txn, meta_, "params"); stored != params) {
      refuse("is damaged: it holds dedup parameters '" + stored + "', its manifest '" + params + "'");
    }
    if (const std::string stored = GetMeta(txn, meta_, "partition"); stored != part) {
      refuse("is damaged: it holds partition '" + stored + "', its manifest says partition " + part +
             " (files moved between state dirs?)");
    }
    committed_.generation = std::strtoull(GetMeta(txn, meta_, "generation").c_str(), nullptr, 10);
    committed_.base = std::strtoull(GetMeta(txn, meta_, "base").c_str(), nullptr, 10);
    committed_.total = std::strtoull(GetMeta(txn, meta_, "total").c_str(), nullptr, 10);
    committed_.attempt = GetMeta(txn, meta_, "attempt");
    // Committed, not aborted: an aborted transaction closes the tables it opened.
    if (mdb_txn_commit(txn) != MDB_SUCCESS) Fail(": cannot open its tables");
    return;
  }
  PutMeta(txn, meta_, "format_version", std::to_string(kFormatVersion));
  PutMeta(txn, meta_, "params", params);
  PutMeta(txn, meta_, "partition", part);
  if (mdb_txn_commit(txn) != MDB_SUCCESS) Fail(": cannot initialise the partition");
  RecordIndexVerified(env_dir_);
}

uint64_t IndexPartition::DiskBytes() const {
  std::error_code ec;
  const auto size = fs::file_size(data_path(), ec);
  return ec ? 0 : size;
}

void IndexPartition::BeginRead() {
  if (!read_) Check(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &read_), "begin read");
}

void IndexPartition::EndRead() {
  if (read_) mdb_txn_abort(read_);
  read_ = nullptr;
}

std::optional<std::string> IndexPartition::FindExact(const ExactKey& key, const PublishedView& view) const {
  MDB_val k = Val(&key, sizeof key), v;
  if (mdb_get(read_, exact_, &k, &v) != MDB_SUCCESS || v.mv_size < 4) return std::nullopt;
  if (OrdinalOf(v.mv_data) >= view.published) return std::nullopt;
  return std::string(static_cast<const char*>(v.mv_data) + 4, v.mv_size - 4);
}

void IndexPartition::FindBand(int band, uint32_t key, const PublishedView& view, std::vector<uint32_t>& out) const {
  const std::string bk = BandKey(band, key);
  MDB_cursor* cursor = nullptr;
  if (mdb_cursor_open(read_, bands_, &cursor) != MDB_SUCCESS) return;
  MDB_val k = Val(bk), v;
  for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_KEY); rc == MDB_SUCCESS;
       rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT_DUP)) {
    const uint32_t ordinal = OrdinalOf(v.mv_data);
    if (ordinal >= view.published) break;  // sorted: the rest is unpublished too
    out.push_back(ordinal);
  }
  mdb_cursor_close(cursor);
}

bool IndexPartition::Signature(uint32_t ordinal, const PublishedView& view, std::vector<uint32_t>& signature,
                               std::string& id) const {
  if (ordinal >= view.published) return false;
  const std::string ok = OrdinalKey(ordinal);
  MDB_val k = Val(ok), v;
  if (mdb_get(read_, sigs_, &k, &v) != MDB_SUCCESS || v.mv_size < sizeof(uint32_t)) return false;
  uint32_t length = 0;
  std::memcpy(&length, v.mv_data, sizeof length);
  const size_t sig_bytes = size_t{length} * sizeof(uint32_t);
  if (v.mv_size < sizeof length + sig_bytes || (!signature.empty() && signature.size() != length)) return false;
  const char* data = static_cast<const char*>(v.mv_data) + sizeof length;
  if (!signature.empty()) std::memcpy(signature.data(), data, sig_bytes);
  id.assign(data + sig_bytes, v.mv_size - sizeof length - sig_bytes);
  return true;
}

uint32_t IndexPartition::LineCount(uint64_t key, const PublishedView& view) const {
  MDB_val k = Val(&key, sizeof key), v;
  if (mdb_get(read_, lines_, &k, &v) != MDB_SUCCESS || v.mv_size != sizeof(LineValue)) return 0;
  LineValue value;
  std::memcpy(&value, v.mv_data, sizeof value);
  return value.generation > view.generation ? value.previous : value.count;
}

IndexPartition::Writer::Writer(IndexPartition& partition, const PublishedView& view)
    : partition_(partition), generation_(view.generation + 1) {
  partition_.EndRead();
  // The undo of an unpublished generation and the drop of the last undo list
  // commit first, on their own: pages freed by a transaction are reused only
  // by later ones, so in the night's own transaction the old undo list would
  // stay on disk as free pages and the file grow by its size every night.
  Check(mdb_txn_begin(partition_.env_, nullptr, 0, &txn_), "begin write");
  try {
    const bool undone = partition_.committed_.generation > view.generation;
    Undo(view);
    MDB_txn* txn = txn_;
    txn_ = nullptr;
    Check(mdb_txn_commit(txn), "commit the undo", partition_.data_path());
    // Only now: a failed undo leaves committed() what the file still says.
    if (undone) partition_.committed_ = {view.generation, partition_.committed_.base, view.published, ""};
  } catch (...) {
    if (txn_) mdb_txn_abort(txn_);
    txn_ = nullptr;
    throw;
  }
  Check(mdb_txn_begin(partition_.env_, nullptr, 0, &txn_), "begin write");
}

IndexPartition::Writer::~Writer() {
  if (txn_) mdb_txn_abort(txn_);
}

// What a generation newer than `view` added goes, in this transaction: the
// keys its undo list names (an exact key only if that generation wrote it,
// a line count back to the count before), and the signatures from the first
// unpublished ordinal on. Then the undo list starts empty for this commit.
void IndexPartition::Writer::Undo(const PublishedView& view) {
  IndexPartition& p = partition_;
  if (p.committed_.generation > view.generation) {
    MDB_cursor* cursor = nullptr;
    Check(mdb_cursor_open(txn_, p.added_, &cursor), "read the undo list");
    MDB_val key, value;
    for (int rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)) {
      const char* bytes = static_cast<const char*>(key.mv_data);
      const char table = key.mv_size > 0 ? bytes[0] : '\0';
      if (table == kUndoExact && key.mv_size == 1 + sizeof(ExactKey)) {
        MDB_val k = Val(bytes + 1, sizeof(ExactKey)), v;
        if (mdb_get(txn_, p.exact_, &k, &v) == MDB_SUCCESS && v.mv_size >= 4 && OrdinalOf(v.mv_data) >= view.published) {
          Check(mdb_del(txn_, p.exact_, &k, nullptr), "undo an exact key");
        }
      } else if (table == kUndoBand && key.mv_size == 1 + 5 + 4) {
        MDB_val k = Val(bytes + 1, 5), v = Val(bytes + 6, 4);
        const int rc_del = mdb_del(txn_, p.bands_, &k, &v);
        if (rc_del != MDB_NOTFOUND) Check(rc_del, "undo a band key");
      } else if (table == kUndoLine && key.mv_size == 1 + sizeof(uint64_t)) {
        MDB_val k = Val(bytes + 1, sizeof(uint64_t)), v;
        if (mdb_get(txn_, p.lines_, &k, &v) != MDB_SUCCESS || v.mv_size != sizeof(LineValue)) continue;
        LineValue line;
        std::memcpy(&line, v.mv_data, sizeof line);
        if (line.generation <= view.generation) continue;
        if (line.previous == 0) {
          Check(mdb_del(txn_, p.lines_, &k, nullptr), "undo a line count");
        } else {
          line = {line.previous, line.previous, 0};
          MDB_val nv = Val(&line, sizeof line);
          Check(mdb_put(txn_, p.lines_, &k, &nv, 0), "undo a line count");
        }
      }
    }
    mdb_cursor_close(cursor);
    Check(mdb_cursor_open(txn_, p.sigs_, &cursor), "read signatures");
    const std::string first = OrdinalKey(static_cast<uint32_t>(view.published));
    while (true) {
      MDB_val k = Val(first), v;
      const int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
      if (rc == MDB_NOTFOUND) break;
      Check(rc, "read signatures");
      Check(mdb_cursor_del(cursor, 0), "undo a signature");
    }
    mdb_cursor_close(cursor);
    // Back to the published generation: a crash before the next commit leaves
    // a partition that agrees with the manifest. The partition's committed()
    // follows once this transaction is committed (the constructor).
    PutMeta(txn_, p.meta_, "generation", std::to_string(view.generation));
    PutMeta(txn_, p.meta_, "total", std::to_string(view.published));
    PutMeta(txn_, p.meta_, "attempt", "");
  }
  Check(mdb_drop(txn_, p.added_, 0), "clear the undo list");
}

void IndexPartition::Writer::Added(char table, const void* key, size_t bytes) {
  char buf[1 + 16];
  buf[0] = table;
  std::memcpy(buf + 1, key, bytes);
  MDB_val k = Val(buf, 1 + bytes), v = Val("", 0);
  // A commit adds its keys in ascending order (tables in the order of their
  // tags): appended, LMDB fills each page, where inserting splits pages in
  // half (the undo list of a night took 1 KB a document, not 0.4). A key out
  // of order, or one given twice, goes in the ordinary way.
  if (mdb_put(txn_, partition_.added_, &k, &v, MDB_APPEND) == MDB_SUCCESS) return;
  Check(mdb_put(txn_, partition_.added_, &k, &v, 0), "write the undo list");
}

void IndexPartition::Writer::PutSignature(uint32_t ordinal, const uint32_t* signature, size_t length,
                                          std::string_view id) {
  // The signature's length first: an exact match wants only the id after it.
  const auto positions = static_cast<uint32_t>(length);
  std::string value(reinterpret_cast<const char*>(&positions), sizeof positions);
  value.append(reinterpret_cast<const char*>(signature), length * sizeof(uint32_t));
  value.append(id);
  const std::string ok = OrdinalKey(ordinal);
  MDB_val k = Val(ok), v = Val(value);
  // Ordinals only grow: appended at the end of the tree.
  Check(mdb_put(txn_, partition_.sigs_, &k, &v, MDB_APPEND), "write signature");
}

void IndexPartition::Writer::PutExact(const ExactKey& key, uint32_t ordinal, std::string_view id) {
  std::string ov = OrdinalKey(ordinal);
  ov.append(id);
  MDB_val k = Val(&key, sizeof key), v = Val(ov);
  const int rc = mdb_put(txn_, partition_.exact_, &k, &v, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) return;
  Check(rc, "write exact key");
  Added(kUndoExact, &key, sizeof key);
}

void IndexPartition::Writer::PutBand(int band, uint32_t key, uint32_t ordinal) {
  std::string bk = BandKey(band, key);
  const std::string ov = OrdinalKey(ordinal);
  MDB_val k = Val(bk), v = Val(ov);
  const int rc = mdb_put(txn_, partition_.bands_, &k, &v, MDB_NODUPDATA);
  if (rc == MDB_KEYEXIST) return;
  Check(rc, "write band key");
  bk += ov;
  Added(kUndoBand, bk.data(), bk.size());
}

void IndexPartition::Writer::AddLineCount(uint64_t key, uint32_t added) {
  MDB_val k = Val(&key, sizeof key), v;
  LineValue line;
  if (mdb_get(txn_, partition_.lines_, &k, &v) == MDB_SUCCESS && v.mv_size == sizeof line) {
    std::memcpy(&line, v.mv_data, sizeof line);
  }
  if (line.generation != generation_) line = {line.count, line.count, generation_};
  line.count += added;
  MDB_val nv = Val(&line, sizeof line);
  Check(mdb_put(txn_, partition_.lines_, &k, &nv, 0), "write line count");
  Added(kUndoLine, &key, sizeof key);
}

void IndexPartition::Writer::Commit(const PartitionCommitted& committed) {
  if (committed.generation != generation_) throw RuntimeError("dedup index: a partition commit of the wrong generation");
  PutMeta(txn_, partition_.meta_, "generation", std::to_string(committed.generation));
  PutMeta(txn_, partition_.meta_, "base", std::to_string(committed.base));
  PutMeta(txn_, partition_.meta_, "total", std::to_string(committed.total));
  PutMeta(txn_, partition_.meta_, "attempt", committed.attempt);
  // mdb_txn_commit frees the transaction whether or not it succeeds.
  MDB_txn* txn = txn_;
  txn_ = nullptr;
  Check(mdb_txn_commit(txn), "commit", partition_.data_path());
  // LMDB syncs data.mdb; the directory entries of a partition created by this
  // commit (its directory, its files) need their own fsync to survive a power loss.
  SyncPath(partition_.env_dir_);
  SyncPath(fs::path(partition_.env_dir_).parent_path().string());
  partition_.committed_ = committed;
  RecordIndexVerified(partition_.env_dir_);  // what we just wrote needs no walk next time
  partition_.Reopen();
}

}  // namespace textmill
