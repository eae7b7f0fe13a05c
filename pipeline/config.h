// Config: the YAML file that describes one run, after --set overrides.
//
// LoadConfig() checks every top-level key; stage options are checked when the
// stages are built (BuildStages), which `textmill validate` and `run` both do
// before any work starts. Every error is a ConfigError naming the key and line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "pipeline/document.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"

namespace textmill {

struct JsonlFields {
  std::string id = "id";      // record id; when missing, the id is a hash of the source
  std::string text = "text";  // plain text field
  std::string html = "html";  // HTML field, used when `text` is absent
  std::string url = "url";
  std::string date = "date";
};

struct ReaderOptions {
  // Documents larger than this (after decompression) are rejected as
  // "too_large"; decompression stops there, so a zip bomb costs no memory.
  int64_t max_document_bytes = int64_t{64} << 20;
  // File name endings taken from a directory (each may also end in .gz/.zst).
  // Every format the readers take: a folder of WARC or Dolma files must never give an empty corpus.
  std::vector<std::string> extensions = {"html", "htm", "xhtml", "txt", "text", "jsonl", "ndjson", "json", "warc"};
  bool follow_symlinks = true;  // directory loops are detected and reported
  JsonlFields jsonl;
};

struct OutputOptions {
  std::string dir = "out";
  std::string compression = "zstd";  // zstd | gzip | none
  int compression_level = 3;
  int64_t shard_size_bytes = int64_t{256} << 20;  // uncompressed bytes per shard
  int64_t shard_max_documents = 0;                 // also rotate after this many documents; 0 = no limit
  bool rejects = false;       // also write rejected documents to rejects/
  bool rejects_text = false;  // include their text (large) in rejects/
  bool route_by_lang = false;  // shards go to DIR/<lang>/ (needs a stage that sets lang)
  std::string schema = "textmill";  // textmill | dolma | datatrove (pipeline/io/document_codec.h)
  std::string dataset = "textmill";  // dolma: the `source` of every document
  std::string added;  // dolma: the `added` timestamp ("": omitted: no wall clock, the output is deterministic)
};

struct StageSpec {
  std::string name;
  YAML::Node options;  // may be null
  std::string path;    // "stages[2].normalize", for messages
  std::string line;    // "line 14" of the item, "" without a position
};

struct Config {
  std::string path;  // the config file
  std::vector<std::string> inputs;
  OutputOptions output;
  int threads = 0;  // 0 = all cores
  int batch_size = 256;
  // What a process may hold of what grows with the corpus (a global stage's
  // keys, sort buffers): the rest is spilled to temporary files as sorted
  // runs. Models, dictionaries and batches in flight come on top.
  int memory_mib = 512;
  std::string models_dir = "models";
  // Shared libraries adding stages (pipeline/plugin_api.h), relative to the
  // config file's directory; loaded by BuildStages before any stage is built.
  std::vector<std::string> plugins;
  std::string state_dir;  // from `run --state`, not from YAML
  ReaderOptions reader;
  std::vector<StageSpec> stages;
  YAML::Node tree;  // the effective YAML after overrides, saved with the output
};

// Loads `path`, applies `overrides` ("a.b.c=value"; for stages, "stages.NAME.key"
// or "stages.INDEX.key") and checks top-level keys. Throws ConfigError.
Config LoadConfig(const std::string& path, const std::vector<std::string>& overrides);

// The same for YAML text already in memory (the Python binding's dict config,
// as JSON): `path` names it in messages, and its directory anchors relative
// inputs and data files as a file's would ("" or a bare name: the working dir).
Config LoadConfigText(const std::string& yaml, const std::string& path, const std::vector<std::string>& overrides);

// Loads the config's plugins, then builds every stage of the config in order
// from Registry::Global() (call RegisterBuiltinStages() first) and, with
// `load`, loads them (Stage::Load). Throws ConfigError.
std::vector<std::unique_ptr<Stage>> BuildStages(const Config& config, bool load = true);

// Stage::Load of every stage, in order (stages built with load = false).
void LoadStages(const std::vector<std::unique_ptr<Stage>>& stages);

// The YAML tree as JSON (numbers and booleans typed), for report.json.
Json YamlToJson(const YAML::Node& node);

}  // namespace textmill
