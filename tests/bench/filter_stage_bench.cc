// Google Benchmark of url_filter and decontaminate at the sizes of issue 19,
// linked into textmill_bench beside BM_ExtractHtml, the baseline their speed
// is read against in the same run (scripts/bench_filters.sh prints the ratios):
//   url_filter     1 M generated URLs against a 2 M-domain generated block list
//                  (a third of the URLs under a listed domain): lookups/s,
//                  and the list's load time (BM_UrlFilterLoad);
//   decontaminate  the text dumps of ../shared/bench/extraction against 1 M
//                  generated benchmark 13-grams: MB/s.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "stages/decontaminate/decontaminate.h"
#include "stages/url_filter/url_filter.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;

constexpr int kDomains = 2'000'000;
constexpr int kUrls = 1'000'000;
constexpr int kBenchmarkNgrams = 1'000'000;

// Generated inputs in a temp dir, removed at exit.
struct Inputs {
  fs::path dir = fs::temp_directory_path() / ("textmill-filter-bench-" + std::to_string(getpid()));
  std::vector<std::string> urls;
  std::vector<std::string> texts;

  Inputs() {
    fs::create_directories(dir);
    std::mt19937_64 rng(19);
    auto token = [&](int min, int max) {
      std::string s;
      const int n = min + static_cast<int>(rng() % static_cast<uint64_t>(max - min + 1));
      for (int i = 0; i < n; ++i) s += "abcdefghijklmnopqrstuvwxyz0123456789"[rng() % 36];
      return s;
    };
    const char* kSuffixes[] = {".com", ".net", ".org", ".de", ".co.uk", ".com.au", ".fr", ".info"};
    std::vector<std::string> listed;
    std::ofstream list(dir / "domains");
    for (int i = 0; i < kDomains; ++i) {
      listed.push_back(token(4, 12) + std::to_string(i) + kSuffixes[rng() % 8]);
      list << listed.back() << '\n';
    }
    std::ofstream words(dir / "words");
    for (int i = 0; i < 200; ++i) words << token(5, 9) << '\n';
    for (int i = 0; i < kUrls; ++i) {
      const std::string host = i % 3 == 0 ? "www." + listed[rng() % listed.size()]
                                          : token(3, 8) + "." + token(5, 14) + kSuffixes[rng() % 8];
      urls.push_back("https://" + host + "/" + token(3, 10) + "/" + token(5, 20) + ".html?id=" + std::to_string(i));
    }
    // Benchmark examples of 113 words: 101 13-grams each.
    std::vector<std::string> vocabulary;
    for (int i = 0; i < 50'000; ++i) vocabulary.push_back(token(2, 9));
    std::ofstream bench(dir / "benchmark.txt");
    for (int line = 0; line < kBenchmarkNgrams / 101; ++line) {
      for (int w = 0; w < 113; ++w) bench << vocabulary[rng() % vocabulary.size()] << ' ';
      bench << '\n';
    }
    const fs::path dumps = fs::path(TEXTMILL_SHARED_DIR) / "bench/extraction/pages_text";
    for (const auto& entry : fs::directory_iterator(dumps)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      texts.push_back(text.str());
    }
  }
  ~Inputs() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Inputs& GetInputs() {
  static Inputs inputs;
  return inputs;
}

UrlFilterOptions FilterOptions() {
  UrlFilterOptions options;
  options.block_lists = {(GetInputs().dir / "domains").string()};
  options.banned_words.words = {(GetInputs().dir / "words").string()};
  return options;
}

void BM_UrlFilterLoad(benchmark::State& state) {
  GetInputs();
  for (auto _ : state) {
    UrlFilterStage stage(FilterOptions(), StageContext{});
    stage.Load();
    benchmark::DoNotOptimize(&stage);
  }
  state.SetItemsProcessed(state.iterations() * kDomains);
}
BENCHMARK(BM_UrlFilterLoad)->Iterations(2)->Unit(benchmark::kMillisecond);

void BM_UrlFilterLookups(benchmark::State& state) {
  static const UrlFilterStage stage = [] {
    UrlFilterStage loaded(FilterOptions(), StageContext{});
    loaded.Load();
    return loaded;
  }();
  int64_t blocked = 0;
  for (auto _ : state) {
    for (const std::string& url : GetInputs().urls) blocked += !stage.Verdict(url, nullptr).empty();
  }
  state.SetItemsProcessed(state.iterations() * kUrls);
  state.counters["blocked_share"] = static_cast<double>(blocked) / static_cast<double>(state.iterations() * kUrls);
  state.counters["list_mb"] = stage.Stats()["lists"]["memory_mb"].get<double>();
}
BENCHMARK(BM_UrlFilterLookups)->Unit(benchmark::kMillisecond);

void BM_Decontaminate(benchmark::State& state) {
  DecontaminateOptions options;
  options.benchmarks = {(GetInputs().dir / "benchmark.txt").string()};
  static const DecontaminateStage stage = [&options] {
    DecontaminateStage loaded(options, StageContext{});
    loaded.Load();
    return loaded;
  }();
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& text : GetInputs().texts) {
      benchmark::DoNotOptimize(stage.FindHits(text).size());
      bytes += static_cast<int64_t>(text.size());
    }
  }
  state.SetBytesProcessed(bytes);
  state.counters["table_mb"] = static_cast<double>(stage.Stats()["benchmarks"]["table_bytes"].get<int64_t>()) / 1e6;
}
BENCHMARK(BM_Decontaminate)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace textmill
