// `textmill langid`: the langid stage's language identifier as a command
// (Registry::AddCommand), for evaluations (scripts/eval_langid.sh) and ad hoc use.
#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "pipeline/config.h"
#include "stages/langid/langid.h"

namespace po = boost::program_options;

namespace textmill {
namespace {

constexpr const char* kLangidUsage = "langid [-c CONFIG] [--backend auto|combined|fasttext|cld2] [-j THREADS] < lines";

// One text per line on stdin -> "label<TAB>score" per line on stdout, in
// order, like `fasttext predict`. The langid options come from the first
// `langid` stage of the config, if one is given.
int RunLangidCommand(const std::vector<std::string>& rest) {
  std::string config_path, backend;
  std::vector<std::string> sets;
  int threads = 0;
  po::options_description desc("langid options");
  desc.add_options()("config,c", po::value(&config_path), "YAML config (its langid stage options are used)")(
      "set", po::value(&sets)->composing(), "override a config key: KEY=VALUE")(
      "backend", po::value(&backend), "auto|combined|fasttext|cld2 (overrides the config)")(
      "threads,j", po::value(&threads), "worker threads, 0 = all cores")("help,h", "this help");
  po::variables_map vm;
  po::store(po::command_line_parser(rest).options(desc).run(), vm);
  if (vm.count("help")) {
    std::cout << "Usage: textmill " << kLangidUsage << "\n\n" << desc << "\n";
    return 0;
  }
  po::notify(vm);
  LangidOptions options;
  StageContext context;
  if (!config_path.empty()) {
    const Config config = LoadConfig(config_path, sets);
    context.models_dir = config.models_dir;
    context.config_dir = std::filesystem::path(config_path).parent_path().string();
    for (const StageSpec& spec : config.stages) {
      if (spec.name != "langid") continue;
      OptionReader reader(spec.options, spec.path);
      options = LangidOptions::Parse(reader);
      reader.Finish();
      break;
    }
  }
  if (!backend.empty()) {
    YAML::Node node;
    node["backend"] = backend;
    OptionReader reader(node, "--backend");
    std::string value = options.backend;
    reader.GetEnum("backend", value, {"auto", "combined", "fasttext", "cld2"});
    options.backend = value;
  }
  const auto identifier = MakeLanguageIdentifier(options, context);
  const int workers = threads > 0 ? threads : tbb::info::default_concurrency();
  tbb::task_arena arena(workers);
  std::vector<std::string> lines;
  std::vector<std::string> results;
  std::string line;
  bool more = true;
  while (more) {
    lines.clear();
    while (lines.size() < 8192 && (more = static_cast<bool>(std::getline(std::cin, line)))) lines.push_back(line);
    results.assign(lines.size(), "");
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<size_t>(0, lines.size(), 64), [&](const tbb::blocked_range<size_t>& r) {
        for (size_t i = r.begin(); i < r.end(); ++i) {
          const LanguageGuess g = identifier->Identify(lines[i]);
          results[i] = fmt::format("{}\t{:.4f}\n", g.lang, g.score);
        }
      });
    });
    for (const std::string& r : results) std::cout << r;
  }
  std::cout.flush();
  return 0;
}

}  // namespace

void RegisterLangidCommand(Registry& registry) { registry.AddCommand("langid", {kLangidUsage, RunLangidCommand}); }

}  // namespace textmill
