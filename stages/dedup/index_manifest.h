// The dedup index's manifest, DIR/dedup/index.manifest (JSON, under an
// extension no reader takes, so a state dir inside an input folder is not
// read as input): how many partitions the index has (fixed when it is
// created) and the last generation published in all of them. A generation is
// published when every partition has committed it and then this file says so
// (index_partition.h says how readers ignore a generation that a partition
// holds and this file does not).
//
// Written whole to a temp file, fsynced, renamed over the old one and the
// directory fsynced (WriteFileAtomic): a crash leaves the old manifest or the
// new one, never a mix.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace textmill {

struct IndexManifest {
  static constexpr int kFormatVersion = 2;
  // The most partitions an index may have (the config's and `state migrate`'s
  // limit): each maps its own address space.
  static constexpr int kMaxPartitions = 256;
  int format_version = kFormatVersion;
  int partitions = 0;
  std::string params;       // the dedup parameters signatures depend on
  uint64_t generation = 0;  // the last published generation (0: none)
  uint64_t published = 0;   // documents published up to it: ordinals 0..published-1
  uint64_t runs = 0;        // runs that published (a generation each)
  int64_t last_run_id = 0;  // the run that published the last generation (RunState's id)
};

std::string IndexManifestPath(const std::string& state_dir);
std::string PartitionDir(const std::string& state_dir, int partition);  // DIR/dedup/part-NNN.lmdb

// nullopt when the file does not exist; ConfigError naming it when it cannot
// be read or is not a manifest this textmill reads.
std::optional<IndexManifest> ReadIndexManifest(const std::string& state_dir);
void WriteIndexManifest(const std::string& state_dir, const IndexManifest& manifest);

}  // namespace textmill
