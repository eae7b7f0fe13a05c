// Checks of a dedup index file (a partition's DIR/dedup/part-NNN.lmdb/data.mdb)
// before it is mapped. LMDB trusts its file: a truncated file or a damaged page pointer
// makes it read past the end of the mapping (SIGBUS) or follow garbage
// (SIGSEGV), and a damaged free list fails only at the commit, after the
// run's output is written. So before any work the header is read with plain
// I/O and the file size compared with the pages it claims, and then every
// table, the free list included, is walked in a child process: damage ends
// the child, never the run, and the run stops with exit code 2.
#pragma once

#include <ostream>
#include <string>

namespace textmill {

// "" when data.mdb in `env_dir` has valid meta pages and is as long as they
// say; else what is wrong. The file must exist and be non-empty.
std::string CheckIndexHeader(const std::string& env_dir);

// "" when a child process could read every entry of every table; else what
// went wrong (an LMDB error, or the signal that ended the child).
std::string WalkIndex(const std::string& env_dir);

// The walk reads the whole index, which grows night by night; it is skipped
// when data.mdb is the file the last walk or commit of textmill left (same
// size and modification time, recorded in DIR/verified): any other writer,
// a truncation or bytes written over it, changes its mtime.
bool IndexUnchangedSinceVerified(const std::string& env_dir);
void RecordIndexVerified(const std::string& env_dir);

// The dedup index's part of `textmill state check STATE_DIR` (a StateCheck,
// pipeline/registry.h): its manifest, and each partition's header, size,
// tables and generation; the index against the runs' manifest (runs that
// published documents need an index).
bool CheckIndexInStateDir(const std::string& state_dir, std::ostream& out);

}  // namespace textmill
