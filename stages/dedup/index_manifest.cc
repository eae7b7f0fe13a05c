#include "stages/dedup/index_manifest.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "pipeline/document.h"
#include "pipeline/errors.h"
#include "pipeline/util/atomic_file.h"

namespace fs = std::filesystem;

namespace textmill {

std::string IndexManifestPath(const std::string& state_dir) {
  return (fs::path(state_dir) / "dedup" / "index.manifest").string();
}

std::string PartitionDir(const std::string& state_dir, int partition) {
  char name[32];
  std::snprintf(name, sizeof name, "part-%03d.lmdb", partition);
  return (fs::path(state_dir) / "dedup" / name).string();
}

std::optional<IndexManifest> ReadIndexManifest(const std::string& state_dir) {
  const std::string path = IndexManifestPath(state_dir);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Json j = Json::parse(text, nullptr, false);
  const auto damaged = [&path](const std::string& what) { return ConfigError(path + ": damaged: " + what); };
  if (!in || !j.is_object()) throw damaged("not a JSON object");
  IndexManifest m;
  try {
    m.format_version = j.at("format_version").get<int>();
    if (m.format_version != IndexManifest::kFormatVersion) {
      throw ConfigError(path + ": index format version " + std::to_string(m.format_version) +
                        (m.format_version > IndexManifest::kFormatVersion ? " was written by a newer textmill"
                                                                           : " is not supported") +
                        "; this textmill reads version " + std::to_string(IndexManifest::kFormatVersion));
    }
    m.partitions = j.at("partitions").get<int>();
    m.params = j.at("params").get<std::string>();
    m.generation = j.at("generation").get<uint64_t>();
    m.published = j.at("published").get<uint64_t>();
    m.runs = j.at("runs").get<uint64_t>();
    m.last_run_id = j.at("last_run_id").get<int64_t>();
  } catch (const Json::exception& e) {
    throw damaged(e.what());
  }
  if (m.partitions < 1 || m.partitions > IndexManifest::kMaxPartitions) throw damaged("partitions " + std::to_string(m.partitions));
  return m;
}

void WriteIndexManifest(const std::string& state_dir, const IndexManifest& m) {
  const Json j = {{"format_version", m.format_version}, {"partitions", m.partitions}, {"params", m.params},
                  {"generation", m.generation},         {"published", m.published},   {"runs", m.runs},
                  {"last_run_id", m.last_run_id}};
  WriteFileAtomic(IndexManifestPath(state_dir), j.dump(2) + "\n");
}

}  // namespace textmill
