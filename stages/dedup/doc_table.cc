#include "stages/dedup/doc_table.h"

#include <cstring>

#include "pipeline/errors.h"

namespace textmill {

DocTable::DocTable(int bands, int num_perm, const std::string& dir)
    : bands_(bands), num_perm_(num_perm), records_(dir), ids_(dir) {}

void DocTable::Put(uint64_t position, const DocKeys& keys) {
  const uint64_t id_offset = id_bytes_.fetch_add(keys.id.size());
  if (!keys.id.empty()) ids_.WriteAt(id_offset, keys.id.data(), keys.id.size());
  std::vector<char> record(RecordBytes(), 0);
  const Header header{keys.exact.high, keys.exact.low, keys.date, keys.input_order, id_offset,
                      static_cast<uint32_t>(keys.id.size()), keys.has_shingles ? 1u : 0u};
  std::memcpy(record.data(), &header, sizeof header);
  char* p = record.data() + sizeof header;
  std::memcpy(p, keys.band_keys.data(), std::min<size_t>(keys.band_keys.size(), static_cast<size_t>(bands_)) * 4);
  std::memcpy(p + static_cast<size_t>(bands_) * 4, keys.signature.data(),
              std::min<size_t>(keys.signature.size(), static_cast<size_t>(num_perm_)) * 4);
  records_.WriteAt(position * RecordBytes(), record.data(), record.size());
}

void DocTable::Get(uint64_t position, DocKeys& keys, bool with_id) const {
  std::vector<char> record(RecordBytes());
  if (records_.ReadAt(position * RecordBytes(), record.data(), record.size()) != record.size()) {
    throw RuntimeError("dedup: document table: no record at position " + std::to_string(position));
  }
  Header header{};
  std::memcpy(&header, record.data(), sizeof header);
  keys.exact = ExactKey{header.exact_high, header.exact_low};
  keys.date = header.date;
  keys.input_order = header.input_order;
  keys.has_shingles = header.has_shingles != 0;
  keys.band_keys.resize(static_cast<size_t>(bands_));
  keys.signature.resize(static_cast<size_t>(num_perm_));
  const char* p = record.data() + sizeof header;
  std::memcpy(keys.band_keys.data(), p, static_cast<size_t>(bands_) * 4);
  std::memcpy(keys.signature.data(), p + static_cast<size_t>(bands_) * 4, static_cast<size_t>(num_perm_) * 4);
  keys.id.clear();
  if (with_id && header.id_size > 0) {
    keys.id.resize(header.id_size);
    ids_.ReadAt(header.id_offset, keys.id.data(), header.id_size);
  }
}

void DocTable::GetSignature(uint64_t position, uint32_t* out) const {
  const uint64_t offset = position * RecordBytes() + sizeof(Header) + static_cast<uint64_t>(bands_) * 4;
  records_.ReadAt(offset, out, static_cast<size_t>(num_perm_) * 4);
}

}  // namespace textmill
