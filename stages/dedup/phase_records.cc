#include "stages/dedup/phase_records.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>

#include "pipeline/errors.h"
#include "stages/dedup/bucket_file.h"

namespace textmill {

SignatureFiles::SignatureFiles(std::string stem, int count, int num_perm)
    : stem_(std::move(stem)), files_(static_cast<size_t>(count), {-1, 0}), num_perm_(num_perm) {
  for (auto& slot : slots_) slot.resize(static_cast<size_t>(num_perm));
}

SignatureFiles::~SignatureFiles() {
  for (const auto& [fd, size] : files_) {
    if (fd >= 0) ::close(fd);
  }
}

const uint32_t* SignatureFiles::Get(uint32_t rank, uint32_t spool_position, int slot) {
  if (files_.at(rank).first < 0) Open(rank);
  const auto [fd, size] = files_[rank];
  const size_t record = static_cast<size_t>(num_perm_) * sizeof(uint32_t);
  const uint64_t offset = static_cast<uint64_t>(spool_position) * record;
  uint32_t* out = slots_[slot & 1].data();
  if (offset + record > size ||
      ::pread(fd, out, record, static_cast<off_t>(offset)) != static_cast<ssize_t>(record)) {
    throw RuntimeError(Numbered(stem_, 'r', static_cast<int>(rank)) + ": no signature " +
                       std::to_string(spool_position));
  }
  return out;
}

void SignatureFiles::Open(uint32_t rank) {
  const std::string path = Numbered(stem_, 'r', static_cast<int>(rank));
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw RuntimeError("cannot read " + path + ": " + std::strerror(errno));
  const off_t size = ::lseek(fd, 0, SEEK_END);
  files_[rank] = {fd, size > 0 ? static_cast<uint64_t>(size) : 0};
}

std::vector<std::string> RankFiles(const std::string& stem, int count) {
  std::vector<std::string> paths;
  for (int r = 0; r < count; ++r) paths.push_back(Numbered(stem, 'r', r));
  return paths;
}

// Keys whose records (key, owner) name at least `min_owners` distinct owners,
// counting those of earlier runs from the index too; `counts` gets this run's,
// `weak` the keys with at least `weak_min_owners` (> 0) but fewer than `min_owners`.
std::vector<uint64_t> KeysWithOwners(SortedRuns<LineRecord>& records, uint32_t min_owners, DedupState* state,
                                     const std::function<void(const CountRecord&)>& counts,
                                     uint32_t weak_min_owners, std::vector<uint64_t>* weak) {
  if (state) state->BeginRead();
  std::vector<uint64_t> keys;
  bool any = false;
  LineRecord previous{};
  uint32_t owners = 0;
  const auto close_key = [&] {
    if (counts) counts({previous.line_key, owners});
    const uint32_t total = owners + (state ? state->LineCount(previous.line_key) : 0);
    if (total >= min_owners) {
      keys.push_back(previous.line_key);
    } else if (weak && weak_min_owners > 0 && total >= weak_min_owners) {
      weak->push_back(previous.line_key);
    }
  };
  records.Merge([&](const LineRecord& r) {
    if (any && r.line_key == previous.line_key) {
      owners += r.input_order != previous.input_order;
    } else {
      if (any) close_key();
      owners = 1;
    }
    previous = r;
    any = true;
  });
  if (any) close_key();
  if (state) state->EndRead();
  return keys;
}

std::unordered_set<uint64_t> LoadKeyRanges(const std::string& stem, int count) {
  std::unordered_set<uint64_t> keys;
  for (int b = 0; b < count; ++b) {
    for (const uint64_t key : ReadRecords<uint64_t>(Numbered(stem, 'b', b))) keys.insert(key);
  }
  return keys;
}

// Length-prefixed strings, one per record, for ids.
void AppendString(std::string& out, std::string_view s) {
  const auto length = static_cast<uint32_t>(s.size());
  out.append(reinterpret_cast<const char*>(&length), sizeof length);
  out.append(s);
}

bool NextString(std::string_view& in, std::string_view& s) {
  uint32_t length = 0;
  if (in.size() < sizeof length) return false;
  std::memcpy(&length, in.data(), sizeof length);
  if (in.size() - sizeof length < length) return false;
  s = in.substr(sizeof length, length);
  in.remove_prefix(sizeof length + length);
  return true;
}

// Tagged records: a document's input_order, a flag byte and an id (published matches,
// decisions).
void AppendTagged(std::string& out, uint64_t input_order, uint8_t flags, std::string_view id) {
  out.append(reinterpret_cast<const char*>(&input_order), sizeof input_order);
  out.push_back(static_cast<char>(flags));
  AppendString(out, id);
}

bool NextTagged(std::string_view& in, uint64_t& input_order, uint8_t& flags, std::string_view& id) {
  if (in.size() < sizeof input_order + 1) return false;
  std::memcpy(&input_order, in.data(), sizeof input_order);
  flags = static_cast<uint8_t>(in[sizeof input_order]);
  std::string_view rest = in.substr(sizeof input_order + 1);
  if (!NextString(rest, id)) return false;
  in = rest;
  return true;
}

std::string ReadBytes(const std::string& path) {
  const std::vector<char> bytes = ReadRecordFile(path, 1);
  return std::string(bytes.begin(), bytes.end());
}

SliceMeta::SliceMeta(const std::string& meta_path, const std::string& ids_path) : ids_path_(ids_path) {
  meta_ = std::fopen(meta_path.c_str(), "rb");
  ids_ = std::fopen(ids_path.c_str(), "rb");
  if (!meta_ || !ids_) throw RuntimeError("dedup merge: cannot read " + (meta_ ? ids_path : meta_path));
}

SliceMeta::~SliceMeta() {
  if (meta_) std::fclose(meta_);
  if (ids_) std::fclose(ids_);
}

bool SliceMeta::Next(MetaRecord& meta, std::string& id) {
  if (std::fread(&meta, sizeof meta, 1, meta_) != 1) return false;
  uint32_t length = 0;
  if (std::fread(&length, sizeof length, 1, ids_) != 1) throw RuntimeError(ids_path_ + ": truncated");
  id.resize(length);
  if (length > 0 && std::fread(id.data(), 1, length, ids_) != length) throw RuntimeError(ids_path_ + ": truncated");
  return true;
}

TaggedFileReader::TaggedFileReader(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) throw RuntimeError("cannot read " + path + ": " + std::strerror(errno));
}

TaggedFileReader::~TaggedFileReader() {
  if (file_) std::fclose(file_);
}

bool TaggedFileReader::Next(uint64_t& input_order, uint8_t& flags, std::string& id) {
  char head[sizeof input_order + 1 + sizeof(uint32_t)];
  const size_t got = std::fread(head, 1, sizeof head, file_);
  if (got == 0) return false;
  if (got != sizeof head) throw RuntimeError(path_ + ": truncated");
  uint32_t length = 0;
  std::memcpy(&input_order, head, sizeof input_order);
  flags = static_cast<uint8_t>(head[sizeof input_order]);
  std::memcpy(&length, head + sizeof input_order + 1, sizeof length);
  id.resize(length);
  if (length > 0 && std::fread(id.data(), 1, length, file_) != length) throw RuntimeError(path_ + ": truncated");
  return true;
}

void ForEachRecordIn(const std::string& path, size_t record_size, const std::function<void(const char*)>& fn) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) throw RuntimeError("cannot read " + path + ": " + std::strerror(errno));
  std::vector<char> buffer(record_size * std::max<size_t>(1, (64 << 10) / record_size));
  size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
    if (got % record_size != 0) {
      // fread fills the buffer except at the end of the file: a partial record is a truncated file.
      std::fclose(file);
      throw RuntimeError(path + ": truncated record file");
    }
    for (size_t offset = 0; offset < got; offset += record_size) fn(buffer.data() + offset);
  }
  std::fclose(file);
}

}  // namespace textmill
