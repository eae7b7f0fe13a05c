#include "stages/dedup/sorted_runs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "pipeline/errors.h"
#include "pipeline/util/io_error.h"

namespace textmill {

TempFile::TempFile(const std::string& dir)
    : dir_(dir.empty() ? std::filesystem::temp_directory_path().string() : dir) {
  std::string name = dir_ + "/textmill-XXXXXX";  // mkstemp fills in the X's
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) throw RuntimeError("cannot create a temporary file in " + dir_ + ": " + std::strerror(errno));
  ::unlink(name.c_str());
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
}

void TempFile::WriteAt(uint64_t offset, const void* data, size_t bytes) const {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::pwrite(fd_, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      throw RuntimeError("temporary file: " + WriteError(dir_ + "/textmill-*", err) +
                         (IsNoSpace(err) ? " (set TMPDIR to a disk with room)" : ""));
    }
    p += n;
    offset += static_cast<uint64_t>(n);
    bytes -= static_cast<size_t>(n);
  }
}

size_t TempFile::ReadAt(uint64_t offset, void* out, size_t bytes) const {
  auto* p = static_cast<char*>(out);
  size_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::pread(fd_, p + done, bytes - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw RuntimeError("cannot read a temporary file in " + dir_ + ": " + std::strerror(errno));
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

}  // namespace textmill
