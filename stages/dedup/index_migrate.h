// `textmill state migrate DIR`, the dedup index's part (a StateMigration,
// pipeline/registry.h): converts the single-file index of earlier versions
// (DIR/dedup.lmdb, format 1) into hash partitions (DIR/dedup/, format 2;
// dedup_state.h), which runs then use. The old index is kept, renamed to
// DIR/dedup.lmdb.migrated, until the user removes it.
//
// Crash-safe: the partitions are written first, the manifest last; until the
// manifest exists runs refuse the state dir and a rerun of the command starts
// over. The caller holds the state dir's lock.
#pragma once

#include <ostream>
#include <string>

namespace textmill {

// Returns true if it converted an index, false when there was none to convert
// (it says which on `out`). `partitions` 0: DedupState::kDefaultPartitions.
// Throws ConfigError naming the file when the old index is damaged or of an
// unknown format (nothing is changed then).
bool MigrateSingleFileIndex(const std::string& state_dir, int partitions, std::ostream& out);

}  // namespace textmill
