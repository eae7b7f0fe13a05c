#include "pipeline/util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "pipeline/util/io_error.h"
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "pipeline/errors.h"

namespace textmill {

std::string TempPathFor(const std::string& path) {
  const std::filesystem::path p(path);
  // Built with append: GCC 12's -Wrestrict misfires on "." + std::string at -O3.
  std::string name = ".";
  name.append(p.filename().string()).append(".tmp");
  return (p.parent_path() / name).string();
}

void SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void CommitTempFile(const std::string& temp_path, const std::string& final_path) {
  SyncPath(temp_path);
  if (std::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    std::remove(temp_path.c_str());  // no temp file outlives a failed commit
    if (IsNoSpace(err)) throw RuntimeError(WriteError(final_path, err));
    throw RuntimeError("cannot rename " + temp_path + " to " + final_path + ": " + std::strerror(err));
  }
  // Make the rename itself durable.
  const std::string dir = std::filesystem::path(final_path).parent_path().string();
  SyncPath(dir.empty() ? "." : dir);
}

void WriteFileAtomic(const std::string& path, std::string_view content) {
  // The temp name carries the pid: the tasks of an array job write the same
  // small files (config.yaml, plan.json) at the same moment, and with one
  // shared temp name one task's rename would take the file from under another.
  const std::string temp = TempPathFor(path) + "." + std::to_string(::getpid());
  std::FILE* f = std::fopen(temp.c_str(), "wb");
  if (!f) throw RuntimeError(WriteError(temp, errno));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    const int err = errno;
    std::remove(temp.c_str());
    throw RuntimeError(WriteError(path, err));
  }
  CommitTempFile(temp, path);
}

}  // namespace textmill
