#include "stages/dedup/temp_mapping.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "pipeline/errors.h"

namespace textmill {

TempMapping::~TempMapping() { Release(); }

void TempMapping::Release() {
  if (data_) munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

void TempMapping::Allocate(size_t bytes, const std::string& dir) {
  Release();
  if (bytes == 0) return;
  const std::string base = dir.empty() ? std::filesystem::temp_directory_path().string() : dir;
  std::string name = base + "/textmill-XXXXXX";  // mkstemp fills in the X's
  const int fd = ::mkstemp(name.data());
  if (fd < 0) throw RuntimeError("cannot create a temporary file in " + base + ": " + std::strerror(errno));
  ::unlink(name.c_str());  // gone when unmapped, even after a crash
  // Reserve the blocks now: a full disk is then a clear error here, not a
  // SIGBUS at the first write to a page that has no block behind it.
  if (const int rc = ::posix_fallocate(fd, 0, static_cast<off_t>(bytes)); rc != 0) {
    ::close(fd);
    throw RuntimeError("cannot reserve " + std::to_string(bytes >> 20) + " MiB for a temporary file in " + base +
                       " (set TMPDIR to a disk with room): " + std::strerror(rc));
  }
  void* data = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  const int saved = errno;
  ::close(fd);
  if (data == MAP_FAILED) throw RuntimeError("cannot map a temporary file in " + base + ": " + std::strerror(saved));
  data_ = static_cast<uint8_t*>(data);
  size_ = bytes;
}

}  // namespace textmill
