#include "stages/dedup.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>
#include <numeric>

#include "pipeline/errors.h"

namespace textmill {
namespace {

// "2024-03-14T09:30:00Z" -> 20240314093000; undated -> max (sorts last).
uint64_t DateKey(std::string_view date) {
  uint64_t key = 0;
  int digits = 0;
  for (const char c : date) {
    if (c >= '0' && c <= '9') {
      key = key * 10 + static_cast<uint64_t>(c - '0');
      if (++digits == 14) break;
    } else if (c == ' ' || c == 'T' || c == '-' || c == ':' || c == '/') {
      continue;
    } else if (digits > 0) {
      break;
    }
  }
  if (digits < 8) return UINT64_MAX;  // not even a full date
  for (; digits < 14; ++digits) key *= 10;
  return key;
}

int32_t Find(std::vector<int32_t>& parent, int32_t x) {
  while (parent[static_cast<size_t>(x)] != x) {
    parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
    x = parent[static_cast<size_t>(x)];
  }
  return x;
}

void Union(std::vector<int32_t>& parent, int32_t a, int32_t b) {
  a = Find(parent, a);
  b = Find(parent, b);
  if (a != b) parent[static_cast<size_t>(std::max(a, b))] = std::min(a, b);
}

template <typename Fn>
void ForEachLine(std::string_view text, Fn fn) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    fn(text.substr(pos, end - pos), pos, end);
    if (end == text.size()) break;
    pos = end + 1;
  }
}

bool IsBlank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// The site a document comes from: the host of its URL ("www." dropped), else
// the first directory of its source when that looks like a host name
// (crawls saved as host/path/...), else "" (one bucket for all).
std::string SiteOf(const Document& doc) {
  std::string_view url = doc.url;
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
    url = url.substr(0, url.find_first_of("/?#:"));
  } else {
    url = std::string_view(doc.source).substr(0, doc.source.find('/'));
    if (url.find('.') == std::string_view::npos || url.size() == doc.source.size()) url = {};
  }
  std::string host(url);
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (host.starts_with("www.")) host.erase(0, 4);
  return host;
}

// Repeated lines are counted per site: a site's template repeats on its own
// pages, while a paragraph quoted or syndicated on several sites is content.
// Short lines (menus, share bars, teaser links, credits) are also counted
// across sites: at that length a line seen on many unrelated pages is
// furniture, not a quoted paragraph.
constexpr size_t kShortLineBytes = 160;
constexpr uint64_t kAllSites = 0x5A17E5A17E5A17E5ull;


// The keys a line is counted under: its site's, and all sites' when short.
template <typename Fn>
void ForEachLineKey(std::string_view line, uint64_t site, Fn fn) {
  const uint64_t key = LineKey(line);
  fn(key ^ (site * 0x9E3779B97F4A7C15ull));
  if (line.size() <= kShortLineBytes) fn(key ^ kAllSites);
}

uint64_t SiteKey(const Document& doc) {
  const std::string site = SiteOf(doc);
  return XXH3_64bits(site.data(), site.size());
}

}  // namespace

DedupOptions DedupOptions::Parse(OptionReader& reader) {
  DedupOptions o;
  reader.Get("exact", o.exact);
  reader.Get("near", o.near);
  reader.Get("lines", o.lines);
  reader.Get("line_min_docs", o.line_min_docs, 2, 1 << 30);
  reader.Get("ngram", o.ngram, 1, 32);
  reader.Get("bands", o.bands, 1, 255);
  reader.Get("rows", o.rows, 1, 64);
  reader.Get("num_perm", o.num_perm, 1, 1024);
  reader.Get("threshold", o.threshold, 0.0, 1.0);
  int64_t seed = static_cast<int64_t>(o.seed);
  reader.Get("seed", seed, 0, INT64_MAX);
  o.seed = static_cast<uint64_t>(seed);
  if (o.bands * o.rows > o.num_perm) {
    reader.Fail("num_perm", "must be at least bands * rows (" + std::to_string(o.bands * o.rows) + ")");
  }
  return o;
}

std::string DedupOptions::ParamsString() const {
  return "hash=ms32 ngram=" + std::to_string(ngram) + " num_perm=" + std::to_string(num_perm) + " bands=" +
         std::to_string(bands) + " rows=" + std::to_string(rows) + " seed=" + std::to_string(seed);
}

DedupStage::DedupStage(const DedupOptions& options, const StageContext& context)
    : options_(options), hasher_(options.num_perm, options.seed) {
  options_.state_dir = context.state_dir;
  if (!options_.state_dir.empty()) {
    state_ = std::make_unique<DedupState>(options_.state_dir, options_.ParamsString());
    spdlog::info("dedup: state {}: {} documents published by {} earlier runs", options_.state_dir,
                 state_->published(), state_->runs());
  }
}

void DedupStage::Observe(const Document& doc) {
  if (!options_.lines) return;
  // Exact copies of a page would otherwise make its own lines look repeated.
  if (!seen_texts_.insert(XXH3_64bits(doc.text.data(), doc.text.size())).second) return;
  std::vector<uint64_t> keys;
  const uint64_t site = SiteKey(doc);
  ForEachLine(doc.text, [&](std::string_view line, size_t, size_t) {
    if (!IsBlank(line)) ForEachLineKey(line, site, [&](uint64_t key) { keys.push_back(key); });
  });
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  auto& counts = local_line_counts_.local();
  for (const uint64_t key : keys) ++counts[key];
}

void DedupStage::EndObserve(uint64_t documents) {
  for (const auto& part : local_line_counts_) {
    for (const auto& [key, n] : part) run_line_counts_[key] += n;
  }
  local_line_counts_.clear();
  if (state_) state_->BeginRead();
  const auto first_cut = static_cast<uint32_t>(2 * options_.line_min_docs);
  for (const auto& [key, n] : run_line_counts_) {
    const uint32_t total = n + (state_ ? state_->LineCount(key) : 0);
    if (total >= first_cut) repeated_lines_.insert(key);
  }
  if (state_) state_->EndRead();
  documents_ = documents;
  exact_.assign(documents, ExactKey{});
  signatures_.assign(documents * static_cast<uint64_t>(options_.num_perm), 0);
  band_keys_.assign(documents * static_cast<uint64_t>(options_.bands), 0);
  dates_.assign(documents, UINT64_MAX);
  ids_.assign(documents, "");
  has_shingles_.assign(documents, 0);
  line_keys_.assign(documents, {});
}

std::string DedupStage::RemoveRepeatedLines(std::string_view text, uint64_t site, int64_t* removed) const {
  if (repeated_lines_.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  bool pending_blank = false;
  ForEachLine(text, [&](std::string_view line, size_t, size_t) {
    if (IsBlank(line)) {
      pending_blank = !out.empty();
      return;
    }
    bool repeated = false;
    ForEachLineKey(line, site, [&](uint64_t key) { repeated = repeated || repeated_lines_.count(key) > 0; });
    if (repeated) {
      if (removed) ++*removed;
      return;
    }
    if (!out.empty()) out.append(pending_blank ? "\n\n" : "\n");
    pending_blank = false;
    out.append(line);
  });
  return out;
}

void DedupStage::Analyze(const Document& doc) {
  const uint64_t ord = doc.ordinal;
  if (options_.lines) {
    std::vector<uint64_t>& keys = line_keys_[ord];
    const uint64_t site = SiteKey(doc);
    ForEachLine(doc.text, [&](std::string_view line, size_t, size_t) {
      if (!IsBlank(line)) ForEachLineKey(line, site, [&](uint64_t key) { keys.push_back(key); });
    });
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    keys.shrink_to_fit();
  }
  const std::string normalized =
      DedupNormalize(options_.lines ? RemoveRepeatedLines(doc.text, SiteKey(doc)) : doc.text);
  exact_[ord] = ExactKeyOf(normalized);
  const std::vector<uint64_t> shingles = Shingles(normalized, options_.ngram);
  has_shingles_[ord] = !shingles.empty();
  const std::vector<uint32_t> signature = hasher_.Signature(shingles);
  std::copy(signature.begin(), signature.end(), signatures_.begin() + static_cast<ptrdiff_t>(ord * options_.num_perm));
  const std::vector<uint32_t> bands = BandKeys(signature, options_.bands, options_.rows);
  std::copy(bands.begin(), bands.end(), band_keys_.begin() + static_cast<ptrdiff_t>(ord * options_.bands));
  const std::string date = doc.date.empty() && doc.metadata.contains("date") && doc.metadata["date"].is_string()
                               ? doc.metadata["date"].get<std::string>()
                               : doc.date;
  dates_[ord] = DateKey(date);
  ids_[ord] = doc.id;
}

void DedupStage::MatchPublished(std::vector<std::string>& published_match, std::vector<uint8_t>& published_exact) {
  if (!state_ || state_->published() == 0) return;
  state_->BeginRead();
  std::vector<uint32_t> signature(static_cast<size_t>(options_.num_perm));
  std::string id;
  for (uint64_t ord = 0; ord < documents_; ++ord) {
    if (options_.exact) {
      if (auto found = state_->FindExact(exact_[ord])) {
        published_match[ord] = *found;
        published_exact[ord] = 1;
        continue;
      }
    }
    if (!options_.near || !has_shingles_[ord]) continue;
    std::vector<uint32_t> candidates;
    for (int b = 0; b < options_.bands; ++b) {
      const auto found = state_->FindBand(b, band_keys_[ord * static_cast<uint64_t>(options_.bands) + static_cast<uint64_t>(b)]);
      candidates.insert(candidates.end(), found.begin(), found.end());
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const uint32_t candidate : candidates) {  // the earliest published copy first
      if (!state_->Signature(candidate, signature, id)) continue;
      if (EstimatedJaccard(Sig(ord), signature.data(), options_.num_perm) >= options_.threshold) {
        published_match[ord] = id;
        break;
      }
    }
  }
  state_->EndRead();
}

void DedupStage::ClusterRun(std::vector<int32_t>& parent) {
  std::vector<uint32_t> order(documents_);
  if (options_.exact) {
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return exact_[a] < exact_[b] || (exact_[a] == exact_[b] && a < b);
    });
    for (size_t i = 1; i < order.size(); ++i) {
      if (exact_[order[i]] == exact_[order[i - 1]]) Union(parent, static_cast<int32_t>(order[i - 1]), static_cast<int32_t>(order[i]));
    }
  }
  if (!options_.near) return;
  // Per band: sort (key, ordinal) and compare the members of each bucket.
  // Buckets are small for real text; a huge one (a template that survived
  // line removal) is capped so the cost stays linear.
  constexpr size_t kMaxCompared = 64;
  std::vector<std::pair<uint32_t, uint32_t>> bucket_keys(documents_);
  for (int b = 0; b < options_.bands; ++b) {
    for (uint64_t ord = 0; ord < documents_; ++ord) {
      bucket_keys[ord] = {band_keys_[ord * static_cast<uint64_t>(options_.bands) + static_cast<uint64_t>(b)],
                          static_cast<uint32_t>(ord)};
    }
    std::sort(bucket_keys.begin(), bucket_keys.end());
    size_t start = 0;
    while (start < bucket_keys.size()) {
      size_t end = start + 1;
      while (end < bucket_keys.size() && bucket_keys[end].first == bucket_keys[start].first) ++end;
      for (size_t i = start; i < end && i < start + kMaxCompared; ++i) {
        const uint32_t a = bucket_keys[i].second;
        if (!has_shingles_[a]) continue;
        for (size_t j = i + 1; j < end && j < start + kMaxCompared; ++j) {
          const uint32_t c = bucket_keys[j].second;
          if (!has_shingles_[c] || Find(parent, static_cast<int32_t>(a)) == Find(parent, static_cast<int32_t>(c))) continue;
          if (EstimatedJaccard(Sig(a), Sig(c), options_.num_perm) >= options_.threshold) {
            Union(parent, static_cast<int32_t>(a), static_cast<int32_t>(c));
          }
        }
      }
      start = end;
    }
  }
}

void DedupStage::Decide() {
  decisions_.assign(documents_, Decision{});
  std::vector<std::string> published_match(documents_);
  std::vector<uint8_t> published_exact(documents_, 0);
  MatchPublished(published_match, published_exact);
  std::vector<int32_t> parent(documents_);
  std::iota(parent.begin(), parent.end(), 0);
  ClusterRun(parent);
  // Members of each cluster, in input order.
  std::unordered_map<int32_t, std::vector<uint32_t>> clusters;
  for (uint32_t ord = 0; ord < documents_; ++ord) clusters[Find(parent, static_cast<int32_t>(ord))].push_back(ord);
  for (const auto& [root, members] : clusters) {
    // A copy published by an earlier run wins over every member.
    std::string published;
    for (const uint32_t m : members) {
      if (!published_match[m].empty()) {
        published = published_match[m];
        break;
      }
    }
    if (!published.empty()) {
      for (const uint32_t m : members) {
        decisions_[m].published_id = published_match[m].empty() ? published : published_match[m];
        decisions_[m].exact = !published_match[m].empty() && published_exact[m];
      }
      continue;
    }
    CountClusterLines(members);
    if (members.size() == 1) continue;
    const uint32_t keeper = *std::min_element(members.begin(), members.end(), [&](uint32_t a, uint32_t b) {
      return std::tie(dates_[a], a) < std::tie(dates_[b], b);
    });
    for (const uint32_t m : members) {
      if (m == keeper) continue;
      decisions_[m].keeper = static_cast<int32_t>(keeper);
      decisions_[m].exact = exact_[m] == exact_[keeper];
    }
  }
  FinalRepeatedLines();
}

void DedupStage::CountClusterLines(const std::vector<uint32_t>& members) {
  if (!options_.lines) return;
  std::vector<uint64_t> keys;
  for (const uint32_t m : members) keys.insert(keys.end(), line_keys_[m].begin(), line_keys_[m].end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const uint64_t key : keys) ++cluster_line_counts_[key];
}

void DedupStage::FinalRepeatedLines() {
  if (!options_.lines) return;
  repeated_lines_.clear();
  if (state_) state_->BeginRead();
  for (const auto& [key, n] : cluster_line_counts_) {
    const uint32_t total = n + (state_ ? state_->LineCount(key) : 0);
    if (total >= static_cast<uint32_t>(options_.line_min_docs)) repeated_lines_.insert(key);
  }
  if (state_) state_->EndRead();
  counters_.Add("repeated_line_kinds", static_cast<int64_t>(repeated_lines_.size()));
  line_keys_.clear();
  line_keys_.shrink_to_fit();
}

void DedupStage::ProcessDoc(Document& doc) {
  const Decision& decision = decisions_[doc.ordinal];
  if (!decision.published_id.empty() || decision.keeper >= 0) {
    doc.metadata["dup_of"] = decision.keeper >= 0 ? ids_[static_cast<size_t>(decision.keeper)] : decision.published_id;
    doc.metadata["dup_kind"] = decision.exact ? "exact" : "near";
    if (!decision.published_id.empty()) doc.metadata["dup_of_published"] = true;
    counters_.Add(decision.published_id.empty() ? "duplicates_in_run" : "duplicates_of_published");
    doc.Reject(decision.exact ? "duplicate_exact" : "duplicate_near");
    return;
  }
  if (options_.lines) {
    int64_t removed = 0;
    std::string cleaned = RemoveRepeatedLines(doc.text, SiteKey(doc), &removed);
    if (removed > 0) {
      counters_.Add("repeated_lines_removed", removed);
      counters_.Add("docs_with_repeated_lines");
    }
    if (IsBlank(cleaned)) {
      doc.Reject("boilerplate_only");
      return;
    }
    doc.text = std::move(cleaned);
  }
  if (state_) {
    PublishedDoc published;
    published.id = doc.id;
    published.exact = exact_[doc.ordinal];
    published.signature.assign(Sig(doc.ordinal), Sig(doc.ordinal) + options_.num_perm);
    if (has_shingles_[doc.ordinal]) {
      const uint32_t* bands = band_keys_.data() + doc.ordinal * static_cast<uint64_t>(options_.bands);
      published.band_keys.assign(bands, bands + options_.bands);
    }
    to_publish_.push_back(std::move(published));
  }
}

void DedupStage::Commit(int64_t run_id) {
  if (!state_) return;
  state_->Commit(to_publish_, cluster_line_counts_, run_id);
  spdlog::info("dedup: state {}: {} documents published in all", options_.state_dir, state_->published());
}

Json DedupStage::Stats() const {
  Json out = counters_.ToJson();
  // Per-document index memory of this run: exact key, band keys, signature, date.
  const uint64_t keys = sizeof(ExactKey) + static_cast<uint64_t>(options_.bands) * sizeof(uint32_t);
  out["index_bytes_per_document"] = {{"exact_and_band_keys", keys},
                                     {"signature", static_cast<uint64_t>(options_.num_perm) * sizeof(uint32_t)},
                                     {"date", sizeof(uint64_t)}};
  out["documents_analysed"] = documents_;
  if (state_) {
    out["state_published_documents"] = state_->published();
    out["state_disk_bytes"] = state_->DiskBytes();
  }
  return out;
}

void RegisterDedupStage(Registry& registry) {
  registry.Add("dedup", [](OptionReader& reader, const StageContext& context) {
    return std::make_unique<DedupStage>(DedupOptions::Parse(reader), context);
  });
}

}  // namespace textmill
