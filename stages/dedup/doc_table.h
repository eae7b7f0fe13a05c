// DocTable: what the dedup stage keeps of every spooled document between its
// analyze pass and its decisions (keys, date, order, id, MinHash signature),
// in unlinked temporary files read by position instead of the heap or a
// mapping. A mapped file's pages count in the process's resident memory once
// touched (all of them: every signature is written); pread/pwrite leave them
// in the page cache, which the kernel writes out and drops under pressure. So
// a run's memory does not grow with its documents here (scripts/bench_scale.sh).
//
// Thread safety: Put for distinct positions and Get may run concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stages/dedup/minhash.h"
#include "stages/dedup/sorted_runs.h"

namespace textmill {

struct DocKeys {
  ExactKey exact;
  uint64_t date = UINT64_MAX;
  uint64_t input_order = 0;
  bool has_shingles = false;
  std::string id;
  std::vector<uint32_t> band_keys;  // `bands` of them
  std::vector<uint32_t> signature;  // `num_perm` of them
};

class DocTable {
 public:
  DocTable(int bands, int num_perm, const std::string& dir = "");
  void Put(uint64_t position, const DocKeys& keys);
  // Fills `keys`; `with_id` false skips the id (one read less).
  void Get(uint64_t position, DocKeys& keys, bool with_id = true) const;
  // Only the signature (comparisons read nothing else).
  void GetSignature(uint64_t position, uint32_t* out) const;

 private:
  struct Header {
    uint64_t exact_high, exact_low, date, input_order, id_offset;
    uint32_t id_size;
    uint32_t has_shingles;
  };
  uint64_t RecordBytes() const { return sizeof(Header) + (static_cast<uint64_t>(bands_) + num_perm_) * 4; }

  int bands_, num_perm_;
  TempFile records_, ids_;
  std::atomic<uint64_t> id_bytes_{0};
};

}  // namespace textmill
