// Messages for failed writes. A full disk says so and names the directory
// ("no space left on /data/state (writing .../data.mdb)"), whatever layer
// found it: errno from stdio, an LMDB return code, SQLITE_FULL.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <sys/statvfs.h>

namespace textmill {

inline bool IsNoSpace(int err) { return err == ENOSPC || err == EDQUOT; }

// The directory holding `path` (itself if it is a directory).
inline std::string DirectoryOf(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return path;
  const std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

// True when the file system holding `path` has no block left for us.
inline bool DiskFull(const std::string& path) {
  struct statvfs st {};
  return ::statvfs(DirectoryOf(path).c_str(), &st) == 0 && st.f_bavail == 0;
}

// "cannot write PATH: <strerror>", or "no space left on DIR (writing PATH)".
inline std::string WriteError(const std::string& path, int err) {
  if (IsNoSpace(err)) return "no space left on " + DirectoryOf(path) + " (writing " + path + ")";
  return "cannot write " + path + ": " + std::strerror(err);
}

}  // namespace textmill
