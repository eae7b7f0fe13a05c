// The incremental dedup index: LMDB (stages/dedup_state.h, what textmill
// uses) against the plain-file design it replaced on paper: sorted key arrays
// rewritten each night (temp file + rename, the only atomic update a plain
// file has) and an appended signature file. One "night": look up the new
// documents' exact and band keys in an index of `existing` documents, then add
// them. Run: build/tests/bench/textmill_index_bench (a few minutes: the index
// is rebuilt before each timed night).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "pipeline/util/atomic_file.h"
#include "stages/dedup/dedup_state.h"

namespace fs = std::filesystem;

namespace textmill {
namespace {

constexpr int kBands = 20;
constexpr int kPerm = 128;
const char* const kParams = "bench ngram=5 num_perm=128 bands=20 rows=3 seed=1";

std::vector<PublishedDoc> MakeDocs(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<PublishedDoc> docs(n);
  char id[33];
  for (PublishedDoc& d : docs) {
    d.exact = {rng(), rng()};
    std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    d.id = id;
    d.signature.resize(kPerm);
    for (auto& v : d.signature) v = static_cast<uint32_t>(rng());
    d.band_keys.resize(kBands);
    for (auto& v : d.band_keys) v = static_cast<uint32_t>(rng());
  }
  return docs;
}

// --- plain files: keys.bin (sorted exact key + ordinal), bands.bin (sorted
// band<<32|key + ordinal), sigs.bin (appended signature + 32-byte id).
struct ExactEntry {
  uint64_t high, low;
  uint64_t ordinal;
  bool operator<(const ExactEntry& o) const { return std::tie(high, low) < std::tie(o.high, o.low); }
};
struct BandEntry {
  uint64_t key;  // band << 32 | band key
  uint64_t ordinal;
  bool operator<(const BandEntry& o) const { return key < o.key; }
};

template <typename T>
std::vector<T> ReadAll(const std::string& path) {
  std::vector<T> out(fs::exists(path) ? fs::file_size(path) / sizeof(T) : 0);
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    if (!out.empty() && std::fread(out.data(), sizeof(T), out.size(), f) != out.size()) out.clear();
    std::fclose(f);
  }
  return out;
}

template <typename T>
void WriteSorted(const std::string& path, std::vector<T> old_entries, std::vector<T> added) {
  std::sort(added.begin(), added.end());
  std::vector<T> merged(old_entries.size() + added.size());
  std::merge(old_entries.begin(), old_entries.end(), added.begin(), added.end(), merged.begin());
  WriteFileAtomic(path, std::string_view(reinterpret_cast<const char*>(merged.data()), merged.size() * sizeof(T)));
}

void PlainNight(const std::string& dir, const std::vector<PublishedDoc>& docs, uint64_t first_ordinal,
                benchmark::State* state) {
  std::vector<ExactEntry> exact = ReadAll<ExactEntry>(dir + "/keys.bin");
  std::vector<BandEntry> bands = ReadAll<BandEntry>(dir + "/bands.bin");
  int64_t hits = 0;
  if (state) {  // lookups of the night's documents
    for (const PublishedDoc& d : docs) {
      const ExactEntry probe{d.exact.high, d.exact.low, 0};
      hits += std::binary_search(exact.begin(), exact.end(), probe);
      for (int b = 0; b < kBands; ++b) {
        const BandEntry key{(uint64_t{static_cast<uint32_t>(b)} << 32) | d.band_keys[static_cast<size_t>(b)], 0};
        hits += std::binary_search(bands.begin(), bands.end(), key);
      }
    }
    benchmark::DoNotOptimize(hits);
  }
  std::vector<ExactEntry> new_exact;
  std::vector<BandEntry> new_bands;
  std::string sigs;
  for (size_t i = 0; i < docs.size(); ++i) {
    const uint64_t ordinal = first_ordinal + i;
    new_exact.push_back({docs[i].exact.high, docs[i].exact.low, ordinal});
    for (int b = 0; b < kBands; ++b) {
      new_bands.push_back({(uint64_t{static_cast<uint32_t>(b)} << 32) | docs[i].band_keys[static_cast<size_t>(b)], ordinal});
    }
    sigs.append(reinterpret_cast<const char*>(docs[i].signature.data()), kPerm * sizeof(uint32_t));
    sigs.append(docs[i].id);
  }
  std::FILE* f = std::fopen((dir + "/sigs.bin").c_str(), "ab");
  std::fwrite(sigs.data(), 1, sigs.size(), f);
  std::fflush(f);
  ::fsync(fileno(f));
  std::fclose(f);
  WriteSorted(dir + "/keys.bin", std::move(exact), std::move(new_exact));
  WriteSorted(dir + "/bands.bin", std::move(bands), std::move(new_bands));
}

void LmdbNight(const std::string& dir, const std::vector<PublishedDoc>& docs, bool lookups) {
  DedupState index(dir, kParams);
  if (lookups) {
    int64_t hits = 0;
    index.BeginRead();
    for (const PublishedDoc& d : docs) {
      hits += index.FindExact(d.exact).has_value();
      for (int b = 0; b < kBands; ++b) hits += static_cast<int64_t>(index.FindBand(b, d.band_keys[static_cast<size_t>(b)]).size());
    }
    index.EndRead();
    benchmark::DoNotOptimize(hits);
  }
  index.Commit(docs, {}, 1);
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

// Args: documents already in the index, documents the night adds.
template <bool kLmdb>
void BM_IndexNight(benchmark::State& state) {
  const auto existing = static_cast<size_t>(state.range(0));
  const std::vector<PublishedDoc> old_docs = MakeDocs(existing, 1);
  const std::vector<PublishedDoc> night = MakeDocs(static_cast<size_t>(state.range(1)), 2);
  const std::string dir = (fs::temp_directory_path() / (kLmdb ? "textmill-bench-lmdb" : "textmill-bench-plain")).string();
  uint64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(dir);
    fs::create_directories(dir);
    if (kLmdb) {
      LmdbNight(dir, old_docs, false);
    } else {
      PlainNight(dir, old_docs, 0, nullptr);
    }
    state.ResumeTiming();
    if (kLmdb) {
      LmdbNight(dir, night, true);
    } else {
      PlainNight(dir, night, existing, &state);
    }
    state.PauseTiming();
    bytes = DirBytes(dir);
    state.ResumeTiming();
  }
  state.counters["night_docs"] = static_cast<double>(night.size());
  state.counters["disk_bytes_per_doc"] = static_cast<double>(bytes) / static_cast<double>(existing + night.size());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * night.size()));
  fs::remove_all(dir);
}

// A young index growing 10% a night, and a grown one growing 1%: the plain
// files are rewritten whole every night, LMDB writes the pages the new keys
// land on.
BENCHMARK(BM_IndexNight<true>)->Name("BM_IndexNight/lmdb")->Args({200000, 20000})->Args({400000, 4000})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IndexNight<false>)->Name("BM_IndexNight/plain_file")->Args({200000, 20000})->Args({400000, 4000})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace textmill

BENCHMARK_MAIN();
