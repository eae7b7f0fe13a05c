// An exclusive flock on a file for a scope, waiting for it: a few processes
// setting up a shared directory one at a time (each holds it for
// milliseconds), such as the tasks of a phased run arriving together.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "pipeline/errors.h"

namespace textmill {

class ScopedFileLock {
 public:
  // Creates `path` if needed. Throws ConfigError naming it when it cannot be opened.
  explicit ScopedFileLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw ConfigError("cannot open " + path + ": " + std::strerror(errno));
    while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~ScopedFileLock() { ::close(fd_); }
  ScopedFileLock(const ScopedFileLock&) = delete;
  ScopedFileLock& operator=(const ScopedFileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace textmill
