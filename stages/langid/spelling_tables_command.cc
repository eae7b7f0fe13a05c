// `textmill spelling-tables`: writes the spelling table (spelling_table.h) of
// every Hunspell dictionary langid's close groups use, from lists of each
// language's common words (scripts/fetch_word_lists.sh). scripts/setup.sh runs
// it after the build; a run without the tables gives the same output, slower.
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdlib>
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
    "spelling-tables [--dictionaries DIR] [--words DIR] [--out DIR] [--unmunch PROGRAM] [-j N] [--force] "
    "[--verify N]";

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
  size_t verify_every = 0;
  po::options_description desc("spelling-tables options");
  desc.add_options()("dictionaries", po::value(&dictionaries), "Hunspell dictionaries (default /usr/share/hunspell)")(
      "words", po::value(&words_dir), "common words, <lang>.txt (default models/common-words)")(
      "out", po::value(&out), "where the tables go (default models/spelling)")(
      "unmunch", po::value(&unmunch), "hunspell-tools' unmunch, for the accepted forms; \"\" for none")(
      "threads,j", po::value(&threads), "dictionaries at once, at most 4 (default 2)")(
      "force", po::bool_switch(&force), "rewrite files already made from the same dictionary")(
      "verify", po::value(&verify_every),
      "write nothing: check the tables against the dictionaries (every word, every N-th form); exit 1 if any "
      "answer differs")("help,h", "this help");
  po::variables_map vm;
  po::store(po::command_line_parser(rest).options(desc).run(), vm);
  if (vm.count("help")) {
    std::cout << "Usage: textmill " << kSpellingTablesUsage << "\n\n" << desc << "\n";
    return 0;
  }
  po::notify(vm);
  if (verify_every > 0) {
    std::vector<std::string> languages;
    for (const auto& group : CloseGroups()) languages.insert(languages.end(), group.begin(), group.end());
    const WordLists lists(dictionaries, "", languages);  // no tables read: every answer is the dictionary's
    const std::vector<std::string> wrong = lists.VerifySpellingTables(out, verify_every);
    for (const std::string& line : wrong) std::cerr << "spelling-tables: differs from the dictionary: " << line << "\n";
    std::cout << (wrong.empty() ? "spelling tables agree with the dictionaries\n" : "");
    return wrong.empty() ? 0 : 1;
  }
  if (!fs::is_directory(words_dir)) throw ConfigError("--words: no directory " + words_dir);
  // unmunch is stopped by closing its pipe: it must die of SIGPIPE, which an
  // ignored SIGPIPE inherited from our parent would prevent.
  std::signal(SIGPIPE, SIG_DFL);
  if (!unmunch.empty() && unmunch.find('/') == std::string::npos) {  // a name: found on PATH
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    for (size_t start = 0; start <= path.size();) {
      const size_t end = std::min(path.find(':', start), path.size());
      if (const fs::path candidate = fs::path(path.substr(start, end - start)) / unmunch; fs::exists(candidate)) {
        unmunch = candidate.string();
        break;
      }
      start = end + 1;
    }
  }
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
  // Two at once unless told (at most 4): expanding one dictionary holds up to
  // about 700 MB (12 M candidate forms).
  std::mutex mutex;
  std::vector<std::string> written;
  tbb::task_arena arena(std::clamp(threads > 0 ? threads : std::min(tbb::info::default_concurrency(), 2), 1, 4));
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
