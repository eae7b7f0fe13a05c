#include "pipeline/config.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/errors.h"
#include "pipeline/options.h"
#include "pipeline/plugins.h"

namespace textmill {
namespace {

std::vector<std::string> SplitKey(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream in(key);
  std::string part;
  while (std::getline(in, part, '.')) parts.push_back(part);
  return parts;
}

bool ParseIndex(const std::string& s, size_t& index) {
  const auto result = std::from_chars(s.data(), s.data() + s.size(), index);
  return result.ec == std::errc() && result.ptr == s.data() + s.size();
}

// yaml-cpp caution: assigning one YAML::Node variable to another re-points
// every alias of the target, so the code below never assigns node variables;
// it only copy-constructs them and assigns *into* them with node[key] = value.

// The options map of stage `selector` (a name or an index) in the list.
YAML::Node StageOptions(YAML::Node stages, const std::string& selector, const std::string& key) {
  if (!stages.IsSequence()) throw ConfigError("--set " + key + ": config has no stages list");
  size_t index = 0;
  const bool by_index = ParseIndex(selector, index);
  for (size_t i = 0; i < stages.size(); ++i) {
    const YAML::Node item = stages[i];
    const std::string name = item.IsMap() ? item.begin()->first.Scalar() : item.Scalar();
    if (!((by_index && i == index) || (!by_index && name == selector))) continue;
    if (item.IsScalar()) {  // "- normalize" with no options: give it a map
      YAML::Node replacement;
      replacement[name] = YAML::Node(YAML::NodeType::Map);
      stages[i] = replacement;
    } else if (!item[name].IsMap()) {
      stages[i][name] = YAML::Node(YAML::NodeType::Map);
    }
    return stages[i][name];
  }
  throw ConfigError("--set " + key + ": no stage '" + selector + "' in the config");
}

// Descends from `node` through `parts`, creating maps where needed.
YAML::Node MapAt(YAML::Node node, const std::vector<std::string>& parts, size_t begin, size_t end) {
  if (begin == end) return node;
  if (!node[parts[begin]].IsMap()) node[parts[begin]] = YAML::Node(YAML::NodeType::Map);
  return MapAt(node[parts[begin]], parts, begin + 1, end);
}

void ApplyOverride(YAML::Node& root, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set " + assignment + ": expected KEY=VALUE");
  }
  const std::string key = assignment.substr(0, eq);
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw ConfigError("--set " + key + ": bad value: " + e.msg);
  }
  const std::vector<std::string> parts = SplitKey(key);
  if (parts.empty()) throw ConfigError("--set " + assignment + ": expected KEY=VALUE");
  if (parts.size() >= 3 && parts[0] == "stages") {
    YAML::Node target = MapAt(StageOptions(root["stages"], parts[1], key), parts, 2, parts.size() - 1);
    target[parts.back()] = value;
  } else {
    YAML::Node target = MapAt(root, parts, 0, parts.size() - 1);
    target[parts.back()] = value;
  }
}

void ReadReader(OptionReader r, ReaderOptions& out) {
  int64_t max_mib = out.max_document_bytes >> 20;
  r.Get("max_document_mib", max_mib, 1, 4096);
  out.max_document_bytes = max_mib << 20;
  r.Get("extensions", out.extensions);
  r.Get("follow_symlinks", out.follow_symlinks);
  OptionReader j = r.Child("jsonl");
  j.Get("id_field", out.jsonl.id);
  j.Get("text_field", out.jsonl.text);
  j.Get("html_field", out.jsonl.html);
  j.Get("url_field", out.jsonl.url);
  j.Get("date_field", out.jsonl.date);
  j.Finish();
  r.Finish();
}

void ReadOutput(OptionReader r, OutputOptions& out) {
  r.Get("dir", out.dir);
  r.GetEnum("compression", out.compression, {"zstd", "gzip", "none"});
  r.Get("compression_level", out.compression_level, 1, 19);
  int64_t shard_mib = out.shard_size_bytes >> 20;
  r.Get("shard_size_mib", shard_mib, 1, 1 << 20);
  out.shard_size_bytes = shard_mib << 20;
  r.Get("shard_max_documents", out.shard_max_documents, 0, int64_t{1} << 40);
  r.Get("rejects", out.rejects);
  r.Get("rejects_text", out.rejects_text);
  r.Get("route_by_lang", out.route_by_lang);
  r.GetEnum("schema", out.schema, {"textmill", "dolma", "datatrove"});
  r.Get("dataset", out.dataset);
  r.Get("added", out.added);
  r.Finish();
}

void ReadStages(const YAML::Node& list, std::vector<StageSpec>& out) {
  if (!list || list.IsNull()) return;
  if (!list.IsSequence()) {
    throw ConfigError("stages (" + LineOf(list) + "): expected a list of stages");
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string where = "stages[" + std::to_string(i) + "] (" + LineOf(item) + ")";
    StageSpec spec;
    if (item.IsScalar()) {
      spec.name = item.Scalar();
    } else if (item.IsMap() && item.size() == 1) {
      spec.name = item.begin()->first.Scalar();
      spec.options = item.begin()->second;
    } else {
      throw ConfigError(where + ": expected a stage name, or a map of one stage name to its options");
    }
    spec.path = "stages[" + std::to_string(i) + "]." + spec.name;
    spec.line = LineOf(item);
    out.push_back(std::move(spec));
  }
}

// Inputs and the output dir written in the file are relative to the file,
// as a cron job runs it from anywhere; -i, -o and --set (applied after this)
// stay relative to the working directory.
void ResolveFilePaths(YAML::Node& tree, const std::filesystem::path& config_dir) {
  if (!tree.IsMap()) return;
  const auto resolve = [&](YAML::Node node) {
    if (!node.IsScalar() || node.Scalar().empty()) return;
    const std::filesystem::path value(node.Scalar());
    if (!value.is_absolute()) node = (config_dir.empty() ? value : (config_dir / value).lexically_normal()).string();
  };
  const YAML::Node& view = tree;  // const lookups: a non-const operator[] could add keys
  for (const char* list : {"inputs", "plugins"}) {
    if (!view[list] || !view[list].IsSequence()) continue;
    YAML::Node items = tree[list];
    for (size_t i = 0; i < items.size(); ++i) resolve(items[i]);
  }
  if (view["output"] && view["output"].IsMap() && view["output"]["dir"]) resolve(tree["output"]["dir"]);
}

}  // namespace

Config LoadConfig(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read config file");
  std::stringstream text;
  text << in.rdbuf();
  return LoadConfigText(text.str(), path, overrides);
}

Config LoadConfigText(const std::string& yaml, const std::string& path, const std::vector<std::string>& overrides) {
  Config config;
  config.path = path;
  try {
    config.tree = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (config.tree.IsNull()) config.tree = YAML::Node(YAML::NodeType::Map);
  ResolveFilePaths(config.tree, std::filesystem::path(path).parent_path());
  for (const std::string& assignment : overrides) ApplyOverride(config.tree, assignment);

  OptionReader root(config.tree, "");
  root.Get("inputs", config.inputs);
  root.Get("threads", config.threads, 0, 1024);
  root.Get("batch_size", config.batch_size, 1, 100000);
  root.Get("memory_mib", config.memory_mib, 16, 1 << 20);
  root.Get("models_dir", config.models_dir);
  root.Get("plugins", config.plugins);
  ReadOutput(root.Child("output"), config.output);
  ReadReader(root.Child("reader"), config.reader);
  ReadStages(root.Raw("stages"), config.stages);
  root.Finish();
  return config;
}

std::vector<std::unique_ptr<Stage>> BuildStages(const Config& config, bool load) {
  StageContext context;
  context.models_dir = config.models_dir;
  context.state_dir = config.state_dir;
  context.memory_bytes = static_cast<uint64_t>(config.memory_mib) << 20;
  context.config_dir = std::filesystem::path(config.path).parent_path().string();
  if (context.config_dir.empty()) context.config_dir = ".";
  LoadPlugins(config.plugins, Registry::Global());
  std::vector<std::unique_ptr<Stage>> stages;
  for (const StageSpec& spec : config.stages) {
    OptionReader options(spec.options, spec.path);
    const std::string where = spec.line.empty() ? spec.path : spec.path + " (" + spec.line + ")";
    stages.push_back(Registry::Global().Create(spec.name, options, context, where));
  }
  if (load) LoadStages(stages);
  return stages;
}

void LoadStages(const std::vector<std::unique_ptr<Stage>>& stages) {
  for (const std::unique_ptr<Stage>& stage : stages) stage->Load();
}

Json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& item : node) out[item.first.Scalar()] = YamlToJson(item.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(YamlToJson(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      if (node.Tag() == "!") return node.Scalar();  // quoted: stays a string
      int64_t i = 0;
      double d = 0;
      bool b = false;
      if (YAML::convert<int64_t>::decode(node, i)) return i;
      if (YAML::convert<double>::decode(node, d)) return d;
      if (YAML::convert<bool>::decode(node, b)) return b;
      return node.Scalar();
    }
    default:
      return nullptr;
  }
}

}  // namespace textmill
