// `textmill spelling-tables`: writes the spelling table (spelling_table.h) of
// every Hunspell dictionary langid's close groups use, from lists of each
// language's common words (scripts/fetch_word_lists.sh). scripts/setup.sh runs
// it after the build; a run without the tables gives the same output, slower.
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "pipeline/errors.h"
#include "stages/langid/langid.h"
#include "stages/langid/language_identifier.h"
#include "stages/langid/word_lists.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace textmill {
namespace {

constexpr const char* kSpellingTablesUsage =
    "spelling-tables [--dictionaries DIR] [--words DIR] [--out DIR] [--unmunch PROGRAM] [-j N] [--force]";

// The words of `<dir>/<lang>.txt` (one a line) that WordLists::Words reads
// back as one word, and their title-cased forms.
void AddCommonWords(const fs::path& file, std::set<std::string>& words) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const std::vector<std::string> tokens = WordLists::Words(line, 2);
    if (tokens.size() != 1 || tokens[0] != line) continue;
    words.insert(line);
    words.insert(WordLists::TitleCased(line));
  }
}

int RunSpellingTablesCommand(const std::vector<std::string>& rest) {
  std::string dictionaries = "/usr/share/hunspell", words_dir = "models/common-words", out = "models/spelling";
  std::string unmunch = "/usr/bin/unmunch";
  int threads = 0;
  bool force = false;
  po::options_description desc("spelling-tables options");
  desc.add_options()("dictionaries", po::value(&dictionaries), "Hunspell dictionaries (default /usr/share/hunspell)")(
      "words", po::value(&words_dir), "common words, <lang>.txt (default models/common-words)")(
      "out", po::value(&out), "where the tables go (default models/spelling)")(
      "unmunch", po::value(&unmunch), "hunspell-tools' unmunch, for the accepted forms; \"\" for none")(
      "threads,j", po::value(&threads), "dictionaries at once (default: cores, at most 4)")(
      "force", po::bool_switch(&force), "rewrite files already made from the same dictionary")("help,h", "this help");
  po::variables_map vm;
  po::store(po::command_line_parser(rest).options(desc).run(), vm);
  if (vm.count("help")) {
    std::cout << "Usage: textmill " << kSpellingTablesUsage << "\n\n" << desc << "\n";
    return 0;
  }
  po::notify(vm);
  if (!fs::is_directory(words_dir)) throw ConfigError("--words: no directory " + words_dir);
  fs::create_directories(out);
  if (!unmunch.empty() && !fs::exists(unmunch)) {
    std::cerr << "spelling-tables: " << unmunch << " not found (Debian's hunspell-tools): tables without forms\n";
    unmunch.clear();
  }
  // One job per language; its table lists the common words of its whole
  // group (a rival's answers matter for the words of the language it is
  // confused with) and of English, the foreign language web pages carry most.
  struct Job {
    std::string lang;
    std::shared_ptr<const std::vector<std::string>> words;
  };
  std::vector<Job> jobs;
  for (const std::vector<std::string>& group : CloseGroups()) {
    std::set<std::string> words;
    std::vector<std::string> sources = group;
    sources.push_back("en");
    for (const std::string& lang : sources) {
      if (const fs::path file = fs::path(words_dir) / (lang + ".txt"); fs::exists(file)) AddCommonWords(file, words);
    }
    if (words.empty()) continue;
    const auto listed = std::make_shared<const std::vector<std::string>>(words.begin(), words.end());
    for (const std::string& lang : group) jobs.push_back({lang, listed});
  }
  // A few at once: expanding one dictionary holds a few hundred megabytes.
  std::mutex mutex;
  std::vector<std::string> written;
  tbb::task_arena arena(std::min(threads > 0 ? threads : tbb::info::default_concurrency(), 4));
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, jobs.size(), [&](size_t i) {
      const WordLists lists(dictionaries, "", {jobs[i].lang});  // no tables read: every answer is the dictionary's
      const std::vector<std::string> files = lists.WriteSpellingTables(*jobs[i].words, out, unmunch, force);
      std::lock_guard<std::mutex> lock(mutex);
      written.insert(written.end(), files.begin(), files.end());
    });
  });
  std::sort(written.begin(), written.end());
  for (const std::string& path : written) std::cout << path << "\n";
  const size_t tables = written.size();
  std::cout << tables << " files written in " << out << (tables == 0 ? " (all up to date)" : "") << "\n";
  return 0;
}

}  // namespace

void RegisterSpellingTablesCommand(Registry& registry) {
  registry.AddCommand("spelling-tables", {kSpellingTablesUsage, RunSpellingTablesCommand});
}

}  // namespace textmill
