// Google Benchmark per stage: MB/s of text through one stage on one core.
//   build/tests/bench/textmill_bench [--benchmark_filter=Normalize]
// Inputs are the real pages of ../shared/bench/extraction (HTML and their text dumps).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "stages/extract/boilerplate_phrases.h"
#include "stages/extract/html_extractor.h"
#include "stages/extract/html_tree.h"
#include "stages/dedup/minhash.h"
#include "stages/normalize/normalize.h"
#include "stages/extract/text_dump_cleaner.h"

namespace textmill {
namespace {

std::vector<std::string> LoadFiles(const std::string& dir, const std::string& ext) {
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ext) paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    files.push_back(s.str());
  }
  if (files.empty()) throw std::runtime_error("no " + ext + " files in " + dir);
  return files;
}

const std::vector<std::string>& Pages() {
  static const auto pages = LoadFiles(std::string(TEXTMILL_SHARED_DIR) + "/bench/extraction/pages", ".html");
  return pages;
}
const std::vector<std::string>& Dumps() {
  static const auto dumps = LoadFiles(std::string(TEXTMILL_SHARED_DIR) + "/bench/extraction/pages_text", ".txt");
  return dumps;
}
const BoilerplatePhrases& Phrases() {
  static const BoilerplatePhrases phrases(std::string(TEXTMILL_SOURCE_DIR) + "/configs/boilerplate_phrases.txt");
  return phrases;
}

template <typename Fn>
void OverFiles(benchmark::State& state, const std::vector<std::string>& files, Fn fn) {
  int64_t bytes = 0, items = 0;
  for (auto _ : state) {
    for (const std::string& f : files) {
      benchmark::DoNotOptimize(fn(f));
      bytes += static_cast<int64_t>(f.size());
      ++items;
    }
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(items);
}

// Args: form (0 NFC, 1 NFKC), mojibake repair (1 on, 0 off: the baseline the
// repair's cost is read against, in the same run).
void BM_Normalize(benchmark::State& state) {
  NormalizeOptions options;
  options.form = state.range(0) ? "NFKC" : "NFC";
  options.fix_mojibake = state.range(1) != 0;
  state.SetLabel(options.fix_mojibake ? "repair on" : "repair off (baseline)");
  OverFiles(state, Dumps(), [&](const std::string& t) { return NormalizeText(t, options); });
}
BENCHMARK(BM_Normalize)->Args({0, 1})->Args({0, 0})->Args({1, 1})->Args({1, 0})->Unit(benchmark::kMillisecond);

void BM_ExtractHtml(benchmark::State& state) {
  OverFiles(state, Pages(), [](const std::string& html) {
    const HtmlTree tree(html, 0);
    return ExtractMainText(tree, HtmlExtractOptions{}, &Phrases()).text.size();
  });
}
BENCHMARK(BM_ExtractHtml)->Unit(benchmark::kMillisecond);

void BM_ParseHtmlOnly(benchmark::State& state) {
  OverFiles(state, Pages(), [](const std::string& html) { return HtmlTree(html, 0).nodes().size(); });
}
BENCHMARK(BM_ParseHtmlOnly)->Unit(benchmark::kMillisecond);

void BM_CleanTextDump(benchmark::State& state) {
  OverFiles(state, Dumps(), [](const std::string& t) { return CleanTextDump(t, &Phrases()).size(); });
}
BENCHMARK(BM_CleanTextDump)->Unit(benchmark::kMillisecond);

// Text as dedup sees it (normalized page dumps).
const std::vector<std::string>& NormalizedDumps() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out;
    for (const std::string& t : Dumps()) out.push_back(DedupNormalize(t));
    return out;
  }();
  return texts;
}

void BM_MinHashSignature(benchmark::State& state) {
  const MinHasher hasher(static_cast<int>(state.range(0)), 1);
  OverFiles(state, NormalizedDumps(), [&](const std::string& t) { return hasher.Signature(Shingles(t, 5)).size(); });
}
BENCHMARK(BM_MinHashSignature)->Arg(128)->Unit(benchmark::kMillisecond);

void BM_ExactKey(benchmark::State& state) {
  OverFiles(state, NormalizedDumps(), [](const std::string& t) { return ExactKeyOf(t).low; });
}
BENCHMARK(BM_ExactKey)->Unit(benchmark::kMillisecond);

void BM_DedupNormalize(benchmark::State& state) {
  OverFiles(state, Dumps(), [](const std::string& t) { return DedupNormalize(t).size(); });
}
BENCHMARK(BM_DedupNormalize)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace textmill

BENCHMARK_MAIN();
