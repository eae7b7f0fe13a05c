#include "stages/decontaminate/decontaminate.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "stages/decontaminate/ngram_words.h"

namespace textmill {
namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// `chars` code points before `pos`, stopping at 0.
size_t Back(std::string_view text, size_t pos, int chars) {
  for (int k = 0; k < chars && pos > 0; ++k) {
    do --pos;
    while (pos > 0 && IsContinuation(text[pos]));
  }
  return pos;
}

size_t Forward(std::string_view text, size_t pos, int chars) {
  for (int k = 0; k < chars && pos < text.size(); ++k) {
    do ++pos;
    while (pos < text.size() && IsContinuation(text[pos]));
  }
  return pos;
}

size_t CodePoints(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuation(c); }));
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

DecontaminateOptions DecontaminateOptions::Parse(OptionReader& reader) {
  DecontaminateOptions o;
  reader.Get("benchmarks", o.benchmarks);
  reader.Get("field", o.field);
  reader.Get("ngram", o.ngram, 1, 64);
  reader.GetEnum("mode", o.mode, {"drop", "cut", "annotate"});
  reader.Get("margin_chars", o.margin_chars, 0, 1 << 20);
  reader.Get("min_piece_chars", o.min_piece_chars, 0, 1 << 20);
  reader.Get("max_pieces", o.max_pieces, 1, 1 << 20);
  if (o.field.empty()) reader.Fail("field", "must name a field");
  return o;
}

DecontaminateStage::DecontaminateStage(const DecontaminateOptions& options, const StageContext& context)
    : options_(options) {
  for (std::string& path : options_.benchmarks) path = context.ResolvePath(path);
}

void DecontaminateStage::Load() {
  if (!options_.benchmarks.empty()) {
    const auto start = std::chrono::steady_clock::now();
    ngrams_.emplace(options_.benchmarks, options_.field, options_.ngram, "decontaminate.benchmarks");
    load_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  loaded_.Set();
}

std::vector<NgramHit> DecontaminateStage::FindHits(std::string_view text) const {
  std::vector<NgramHit> hits;
  if (!ngrams_ || ngrams_->empty()) return hits;
  thread_local std::vector<WordSpan> words;  // reused: no allocation per document
  SplitNormalizedWords(text, words);
  const auto n = static_cast<size_t>(options_.ngram);
  for (size_t i = 0; i + n <= words.size(); ++i) {
    if (const std::optional<uint16_t> file = ngrams_->Find(NgramKey(&words[i], options_.ngram))) {
      hits.push_back({words[i].begin, words[i + n - 1].end, *file});
    }
  }
  return hits;
}

std::string DecontaminateStage::Cut(std::string_view text, const std::vector<NgramHit>& hits, int& pieces) const {
  // Removed ranges, widened by the margin and merged (hits come in text order).
  std::vector<std::pair<size_t, size_t>> removed;
  for (const NgramHit& hit : hits) {
    const size_t begin = Back(text, hit.begin, options_.margin_chars);
    const size_t end = Forward(text, hit.end, options_.margin_chars);
    if (!removed.empty() && begin <= removed.back().second) {
      removed.back().second = std::max(removed.back().second, end);
    } else {
      removed.emplace_back(begin, end);
    }
  }
  std::string out;
  pieces = 0;
  size_t from = 0;
  removed.emplace_back(text.size(), text.size());
  for (const auto& [begin, end] : removed) {
    const std::string_view piece = TrimSpace(text.substr(from, begin - from));
    from = end;
    if (piece.empty()) continue;
    ++pieces;
    if (CodePoints(piece) < static_cast<size_t>(options_.min_piece_chars)) continue;
    if (!out.empty()) out += "\n\n";
    out.append(piece);
  }
  return out;
}

void DecontaminateStage::ProcessDoc(Document& doc) {
  loaded_.Check("decontaminate");
  const std::vector<NgramHit> hits = FindHits(doc.text);
  if (hits.empty()) return;
  counters_.Add("docs_contaminated");
  counters_.Add("ngram_hits", static_cast<int64_t>(hits.size()));
  std::set<uint16_t> files;
  for (const NgramHit& hit : hits) files.insert(hit.file);
  for (const uint16_t file : files) counters_.Add("benchmark." + ngrams_->files()[file].label);
  Json names = Json::array();
  for (const uint16_t file : files) names.push_back(ngrams_->files()[file].label);
  if (options_.mode == "drop") {
    doc.Reject("benchmark_overlap");
    return;
  }
  if (options_.mode == "annotate") {
    doc.metadata["decontaminate"] = {{"ngrams", hits.size()}, {"benchmarks", names}};
    return;
  }
  int pieces = 0;
  std::string kept = Cut(doc.text, hits, pieces);
  if (pieces > options_.max_pieces || kept.empty()) {
    counters_.Add(kept.empty() ? "docs_nothing_left" : "docs_too_many_pieces");
    doc.Reject("benchmark_overlap");
    return;
  }
  counters_.Add("docs_cut");
  counters_.Add("chars_removed", static_cast<int64_t>(CodePoints(doc.text) - CodePoints(kept)));
  doc.metadata["decontaminate"] = {{"ngrams", hits.size()}, {"benchmarks", names}};
  doc.text = std::move(kept);
}

Json DecontaminateStage::Stats() const {
  Json stats = counters_.ToJson();
  if (!ngrams_) return stats;
  Json files = Json::object();
  int64_t short_examples = 0, bad_lines = 0;
  for (const BenchmarkFileStats& f : ngrams_->files()) {
    files[f.label] = {{"examples", f.examples},
                      {"ngrams", f.ngrams},
                      {"short_examples", f.short_examples},
                      {"bad_lines", f.bad_lines},
                      {"documents_matched", stats.value("benchmark." + f.label, int64_t{0})}};
    short_examples += f.short_examples;
    bad_lines += f.bad_lines;
  }
  const double mb = std::round(static_cast<double>(ngrams_->MemoryBytes()) / 1e4) / 100;
  stats["benchmarks"] = {{"files", files},
                         {"ngrams", ngrams_->size()},
                         {"table_bytes", ngrams_->MemoryBytes()},
                         {"table_mb", mb},
                         {"load_seconds", std::round(load_seconds_ * 1000) / 1000}};
  // Shown as a table by the HTML report. The settings and what the table
  // holds are text: a phased run's report adds numbers up over its tasks, and
  // every task loads the same table.
  Json summary = {{"mode", options_.mode},
                  {"n-gram (words)", std::to_string(options_.ngram)},
                  {"benchmark n-grams", std::to_string(ngrams_->size())},
                  {"n-gram table (MB)", fmt::format("{:.2f}", mb)},
                  {"benchmark examples shorter than n / bad lines",
                   std::to_string(short_examples) + " / " + std::to_string(bad_lines)},
                  {"documents contaminated", stats.value("docs_contaminated", int64_t{0})}};
  for (const BenchmarkFileStats& f : ngrams_->files()) {
    summary["documents matching " + f.label] = stats.value("benchmark." + f.label, int64_t{0});
  }
  stats["summary"] = summary;
  return stats;
}

void RegisterDecontaminateStage(Registry& registry) {
  registry.Add("decontaminate", [](OptionReader& reader, const StageContext& context) {
    return std::make_unique<DecontaminateStage>(DecontaminateOptions::Parse(reader), context);
  });
}

}  // namespace textmill
