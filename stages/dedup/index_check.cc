#include "stages/dedup/index_check.h"

#include <fcntl.h>
#include <lmdb.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/manifest_check.h"
#include "pipeline/util/atomic_file.h"
#include "stages/dedup/index_manifest.h"
#include "stages/dedup/index_partition.h"

namespace textmill {
namespace {

// LMDB 0.9 (liblmdb0 in Debian 12), 64-bit: a page header of 16 bytes, then
// MDB_meta: magic, version, address, mapsize, two MDB_db of 48 bytes (the
// free list's md_pad holds the page size), last page number, transaction id.
constexpr uint32_t kMagic = 0xBEEFC0DE;
constexpr size_t kPageHeader = 16;
constexpr size_t kMetaMagic = 0, kMetaPageSize = 24, kMetaLastPage = 120, kMetaTxnId = 128;
constexpr uint16_t kMetaPageFlag = 0x08;

struct Meta {
  bool valid = false;
  uint32_t page_size = 0;
  uint64_t last_page = 0;
  uint64_t txn_id = 0;
};

template <typename T>
T At(const std::vector<unsigned char>& buf, size_t offset) {
  T value{};
  std::memcpy(&value, buf.data() + offset, sizeof value);
  return value;
}

Meta ReadMeta(const std::vector<unsigned char>& page) {
  Meta meta;
  if (page.size() < kPageHeader + kMetaTxnId + 8) return meta;
  if ((At<uint16_t>(page, 10) & kMetaPageFlag) == 0) return meta;
  if (At<uint32_t>(page, kPageHeader + kMetaMagic) != kMagic) return meta;
  meta.page_size = At<uint32_t>(page, kPageHeader + kMetaPageSize);
  meta.last_page = At<uint64_t>(page, kPageHeader + kMetaLastPage);
  meta.txn_id = At<uint64_t>(page, kPageHeader + kMetaTxnId);
  meta.valid = meta.page_size >= 512 && meta.page_size <= (1u << 16) && (meta.page_size & (meta.page_size - 1)) == 0;
  return meta;
}

bool ReadAt(int fd, size_t offset, std::vector<unsigned char>& buf) {
  const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(offset));
  return n == static_cast<ssize_t>(buf.size());
}

// Reads every entry of `dbi` (values too: overflow pages are only touched
// when read). Returns an LMDB error code, MDB_SUCCESS when the walk ended.
int WalkTable(MDB_txn* txn, MDB_dbi dbi, uint64_t& checksum) {
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn, dbi, &cursor);
  if (rc != MDB_SUCCESS) return rc;
  MDB_val key, value;
  while ((rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)) == MDB_SUCCESS) {
    const auto* k = static_cast<const unsigned char*>(key.mv_data);
    const auto* v = static_cast<const unsigned char*>(value.mv_data);
    if (key.mv_size) checksum += k[0] + k[key.mv_size - 1];
    if (value.mv_size) checksum += v[0] + v[value.mv_size / 2] + v[value.mv_size - 1];
  }
  mdb_cursor_close(cursor);
  return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
}

// The child's work: 0 when every table reads, else writes the error to `out_fd`.
int WalkInChild(const std::string& env_dir, int out_fd) {
  auto report = [out_fd](const std::string& what, int rc) {
    const std::string message = what + ": " + mdb_strerror(rc);
    [[maybe_unused]] const ssize_t n = ::write(out_fd, message.data(), message.size());
    return 1;
  };
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != MDB_SUCCESS) return report("create", rc);
  mdb_env_set_maxdbs(env, 8);
  mdb_env_set_mapsize(env, size_t{1} << 40);
  rc = mdb_env_open(env, env_dir.c_str(), MDB_RDONLY | MDB_NOTLS, 0644);
  if (rc != MDB_SUCCESS) return report("open", rc);
  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
  if (rc != MDB_SUCCESS) return report("begin", rc);
  uint64_t checksum = 0;
  if ((rc = WalkTable(txn, 0, checksum)) != MDB_SUCCESS) return report("free list", rc);
  MDB_dbi main_dbi = 0;
  if ((rc = mdb_dbi_open(txn, nullptr, 0, &main_dbi)) != MDB_SUCCESS) return report("main table", rc);
  if ((rc = WalkTable(txn, main_dbi, checksum)) != MDB_SUCCESS) return report("main table", rc);
  for (const char* name : {"meta", "exact", "bands", "sigs", "lines", "added"}) {
    MDB_dbi dbi = 0;
    rc = mdb_dbi_open(txn, name, 0, &dbi);
    if (rc == MDB_NOTFOUND) continue;  // a table no run has created yet
    if (rc != MDB_SUCCESS) return report(std::string("table ") + name, rc);
    if ((rc = WalkTable(txn, dbi, checksum)) != MDB_SUCCESS) return report(std::string("table ") + name, rc);
  }
  mdb_txn_abort(txn);
  mdb_env_close(env);
  // The checksum keeps the reads from being optimized away.
  return checksum == UINT64_MAX ? 2 : 0;
}

}  // namespace

std::string CheckIndexHeader(const std::string& env_dir) {
  const std::string path = (std::filesystem::path(env_dir) / "data.mdb").string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "cannot open: " + std::string(std::strerror(errno));
  struct stat st {};
  ::fstat(fd, &st);
  const auto size = static_cast<uint64_t>(st.st_size);
  std::vector<unsigned char> page(kPageHeader + kMetaTxnId + 8);
  Meta first;
  if (ReadAt(fd, 0, page)) first = ReadMeta(page);
  Meta second;
  if (first.valid && ReadAt(fd, first.page_size, page)) second = ReadMeta(page);
  ::close(fd);
  if (!first.valid && !second.valid) return "no valid LMDB meta page (not an LMDB file, or its start is overwritten)";
  const Meta& meta = second.valid && (!first.valid || second.txn_id > first.txn_id) ? second : first;
  const uint64_t needed = (meta.last_page + 1) * meta.page_size;
  if (size < needed) {
    return "truncated: " + std::to_string(size) + " bytes, its last commit needs " + std::to_string(needed);
  }
  return "";
}

namespace {

std::string FileStamp(const std::string& env_dir) {
  struct stat st {};
  const std::string data = (std::filesystem::path(env_dir) / "data.mdb").string();
  if (::stat(data.c_str(), &st) != 0) return "";
  return std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + "\n";
}

std::string VerifiedPath(const std::string& env_dir) {
  return (std::filesystem::path(env_dir) / "verified").string();
}

}  // namespace

bool IndexUnchangedSinceVerified(const std::string& env_dir) {
  const std::string stamp = FileStamp(env_dir);
  std::ifstream in(VerifiedPath(env_dir));
  std::string recorded((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return !stamp.empty() && recorded == stamp;
}

void RecordIndexVerified(const std::string& env_dir) {
  const std::string stamp = FileStamp(env_dir);
  if (stamp.empty()) return;
  try {
    WriteFileAtomic(VerifiedPath(env_dir), stamp);
  } catch (const std::exception&) {
    // Only an optimisation: the next run walks the index again.
  }
}

std::string WalkIndex(const std::string& env_dir) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return "";  // cannot check: the open below still guards the header
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return "";
  }
  if (pid == 0) {
    ::close(pipe_fds[0]);
    // LMDB's assertions print to stderr before aborting; the parent says it better.
    if (const int null_fd = ::open("/dev/null", O_WRONLY); null_fd >= 0) ::dup2(null_fd, STDERR_FILENO);
    ::_exit(WalkInChild(env_dir, pipe_fds[1]));
  }
  ::close(pipe_fds[1]);
  std::string message;
  char buf[512];
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0) message.append(buf, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    return std::string("reading it crashed (") + strsignal(WTERMSIG(status)) + "): damaged pages";
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) return message.empty() ? "unreadable" : message;
  return "";
}

bool CheckIndexInStateDir(const std::string& state_dir, std::ostream& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string manifest_path = IndexManifestPath(state_dir);
  std::optional<IndexManifest> manifest;
  try {
    manifest = ReadIndexManifest(state_dir);
  } catch (const std::exception& e) {
    out << e.what() << "\n";  // names the file and says "damaged"
    return false;
  }
  if (!manifest) {
    const fs::path legacy = fs::path(state_dir) / "dedup.lmdb" / "data.mdb";
    if (fs::exists(legacy, ec)) {
      out << legacy.string() << ": the single-file index of earlier textmill versions; runs refuse it until "
          << "`textmill state migrate " << state_dir << "` converts it\n";
      return true;
    }
    const int64_t runs = CountPublishingRuns(state_dir);
    out << manifest_path << ": missing";
    if (runs > 0) {
      out << ": DAMAGED: the manifest records " << runs << " finished run(s) that published documents\n";
      return false;
    }
    out << " (no run has published documents yet)\n";
    return true;
  }
  out << manifest_path << ": ok (" << manifest->partitions << " partitions, generation " << manifest->generation
      << ", " << manifest->published << " documents)\n";
  bool sound = true;
  for (int p = 0; p < manifest->partitions; ++p) {
    const fs::path env_dir = PartitionDir(state_dir, p);
    const fs::path data = env_dir / "data.mdb";
    const auto size = fs::exists(data, ec) ? fs::file_size(data, ec) : 0;
    if (size == 0 && manifest->generation == 0) {
      out << data.string() << ": not created yet (its first commit creates it)\n";
      continue;
    }
    std::string what = size > 0 ? CheckIndexHeader(env_dir.string()) : fs::exists(data, ec) ? "empty" : "missing";
    if (what.empty()) what = WalkIndex(env_dir.string());
    if (what.empty()) {
      try {
        const IndexPartition part(env_dir.string(), p, manifest->partitions, manifest->params, false);
        const uint64_t generation = part.committed().generation;
        if (generation < manifest->generation || generation > manifest->generation + 1) {
          what = "holds generation " + std::to_string(generation) + ", the manifest published " +
                 std::to_string(manifest->generation);
        } else {
          out << data.string() << ": ok (" << size << " bytes, every table read, generation " << generation
              << (generation > manifest->generation ? ", not yet published" : "") << ")\n";
          continue;
        }
      } catch (const std::exception& e) {
        what = e.what();
      }
    }
    out << data.string() << ": DAMAGED: " << what << "\n";
    sound = false;
  }
  return sound;
}

}  // namespace textmill
