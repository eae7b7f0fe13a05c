// TempMapping: a zero-filled array in an unlinked temporary file, mapped into
// memory. Its pages belong to the page cache, which the kernel writes out and
// drops under memory pressure, instead of anonymous memory that can only grow:
// the dedup stage keeps its MinHash signatures (512 bytes a document) here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace textmill {

class TempMapping {
 public:
  TempMapping() = default;
  ~TempMapping();
  TempMapping(const TempMapping&) = delete;
  TempMapping& operator=(const TempMapping&) = delete;

  // Replaces the mapping with `bytes` zero bytes in a file under `dir` ($TMPDIR
  // or /tmp when empty). Throws RuntimeError when the file cannot be made.
  void Allocate(size_t bytes, const std::string& dir = "");
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void Release();
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace textmill
