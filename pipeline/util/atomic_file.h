// Atomic file writes: write a temp file beside the target, fsync, rename. A
// killed process leaves at most a "*.tmp" file, never a partial target.
#pragma once

#include <string>
#include <string_view>

namespace textmill {

// Throws RuntimeError on I/O failure. Safe when several processes write the
// same path at once (the last rename wins).
// fsync of a file or a directory (a directory: the entries created or renamed
// in it are durable); failures are ignored, as a best effort.
void SyncPath(const std::string& path);

void WriteFileAtomic(const std::string& path, std::string_view content);

// The temp name used for `path`: ".<name>.tmp" in the same directory, so a
// listing of "part-*" never shows it.
std::string TempPathFor(const std::string& path);

// fsync + rename; throws RuntimeError on failure.
void CommitTempFile(const std::string& temp_path, const std::string& final_path);

}  // namespace textmill
