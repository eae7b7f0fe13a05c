#include "stages/dedup/dedup.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>
#include <numeric>

#include "pipeline/errors.h"
#include "stages/dedup/dedup_keys.h"
#include "stages/dedup/index_check.h"

namespace textmill {

DedupOptions DedupOptions::Parse(OptionReader& reader) {
  DedupOptions o;
  reader.Get("exact", o.exact);
  reader.Get("near", o.near);
  reader.Get("lines", o.lines);
  reader.Get("line_min_docs", o.line_min_docs, 2, 1 << 30);
  reader.Get("line_block_min_docs", o.line_block_min_docs, 0, 1 << 30);
  reader.Get("ngram", o.ngram, 1, 32);
  reader.Get("bands", o.bands, 1, 255);
  reader.Get("rows", o.rows, 1, 64);
  reader.Get("num_perm", o.num_perm, 1, 1024);
  reader.Get("threshold", o.threshold, 0.0, 1.0);
  int64_t seed = static_cast<int64_t>(o.seed);
  reader.Get("seed", seed, 0, INT64_MAX);
  o.seed = static_cast<uint64_t>(seed);
  // 1 would make every line a candidate; at or above line_min_docs it has no effect.
  if (o.line_block_min_docs == 1) reader.Fail("line_block_min_docs", "must be 0 (off) or at least 2");
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
  const uint64_t text_hash = XXH3_64bits(doc.text.data(), doc.text.size());
  if (!seen_texts_.insert(text_hash).second) return;
  const std::vector<uint64_t> keys = DistinctLineKeys(doc);
  if (phase_.phased()) return WriteObserved(text_hash, keys);
  auto& counts = local_line_counts_.local();
  for (const uint64_t key : keys) ++counts[key];
}

void DedupStage::EndObserve(uint64_t documents) {
  if (phase_.step == PhaseStep::kObserve) {
    if (observed_) observed_->Close();
    return;
  }
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
  signature_store_.Allocate(documents * static_cast<uint64_t>(options_.num_perm) * sizeof(uint32_t));
  signatures_ = reinterpret_cast<uint32_t*>(signature_store_.data());
  band_keys_.assign(documents * static_cast<uint64_t>(options_.bands), 0);
  dates_.assign(documents, UINT64_MAX);
  input_orders_.assign(documents, 0);
  ids_.assign(documents, "");
  has_shingles_.assign(documents, 0);
  line_keys_.assign(documents, {});
}

std::string DedupStage::RemoveRepeatedLines(std::string_view text, uint64_t site, int64_t* removed,
                                            std::vector<uint64_t>* line_keys) const {
  if (repeated_lines_.empty() && !line_keys) return std::string(text);
  struct Line {
    std::string_view text;
    bool blank_before;
    bool repeated, weak;
  };
  std::vector<Line> lines;
  bool blank = false;
  ForEachLine(text, [&](std::string_view line, size_t, size_t) {
    if (IsBlank(line)) {
      blank = true;
      return;
    }
    bool repeated = false, weak = false;
    ForEachLineKey(line, site, [&](uint64_t key) {
      if (line_keys) line_keys->push_back(key);
      repeated = repeated || repeated_lines_.count(key) > 0;
      weak = weak || weak_lines_.count(key) > 0;
    });
    lines.push_back({line, blank, repeated, weak});
    blank = false;
  });
  if (repeated_lines_.empty()) return std::string(text);  // only the keys were wanted
  // A block of lines between removed ones (or the document's edges) that
  // are all repeated less often on the site goes too, unless it is the
  // document's largest block: the teasers in a site's "most read" box change
  // from page to page while the box's heading and frame do not, and an
  // article's own paragraphs, teased on a few other pages, are its main block.
  std::vector<std::pair<size_t, size_t>> weak_blocks;
  size_t largest = 0, largest_bytes = 0;
  for (size_t i = 0; i < lines.size();) {
    if (lines[i].repeated) {
      ++i;
      continue;
    }
    size_t end = i, bytes = 0;
    bool all_weak = true;
    for (; end < lines.size() && !lines[end].repeated; ++end) {
      bytes += lines[end].text.size();
      all_weak = all_weak && lines[end].weak;
    }
    if (bytes > largest_bytes) {
      largest_bytes = bytes;
      largest = i;
    }
    if (all_weak) weak_blocks.emplace_back(i, end);
    i = end;
  }
  for (const auto& [begin, end] : weak_blocks) {
    if (begin == largest) continue;
    for (size_t j = begin; j < end; ++j) lines[j].repeated = true;
  }
  std::string out;
  out.reserve(text.size());
  bool pending_blank = false;
  for (const Line& line : lines) {
    pending_blank = pending_blank || line.blank_before;
    if (line.repeated) {
      if (removed) ++*removed;
      continue;
    }
    if (!out.empty()) out.append(pending_blank ? "\n\n" : "\n");
    pending_blank = false;
    out.append(line.text);
  }
  return out;
}

void DedupStage::Analyze(const Document& doc) {
  const uint64_t ord = doc.spool_position;
  std::string normalized;
  if (options_.lines) {
    std::vector<uint64_t>& keys = line_keys_[ord];
    normalized = DedupNormalize(RemoveRepeatedLines(doc.text, SiteKey(doc), nullptr, &keys));
    SortUnique(keys);
    keys.shrink_to_fit();
  } else {
    normalized = DedupNormalize(doc.text);
  }
  exact_[ord] = ExactKeyOf(normalized);
  const std::vector<uint64_t> shingles = Shingles(normalized, options_.ngram);
  has_shingles_[ord] = !shingles.empty();
  const std::vector<uint32_t> signature = hasher_.Signature(shingles);
  std::copy(signature.begin(), signature.end(), signatures_ + ord * static_cast<uint64_t>(options_.num_perm));
  const std::vector<uint32_t> bands = BandKeys(signature, options_.bands, options_.rows);
  std::copy(bands.begin(), bands.end(), band_keys_.begin() + static_cast<ptrdiff_t>(ord * options_.bands));
  dates_[ord] = DocDateKey(doc);
  input_orders_[ord] = doc.input_order;
  ids_[ord] = doc.id;
  if (phase_.phased()) WriteSigned(doc);
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
  // Per band: sort (key, spool position) and compare the members of each bucket.
  constexpr size_t kMaxCompared = kMaxComparedPerBucket;
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
  if (phase_.step == PhaseStep::kAnalyze) return FinishSigned();
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
    if (total >= static_cast<uint32_t>(options_.line_min_docs)) {
      repeated_lines_.insert(key);
    } else if (options_.line_block_min_docs > 0 && total >= static_cast<uint32_t>(options_.line_block_min_docs)) {
      weak_lines_.insert(key);
    }
  }
  if (state_) state_->EndRead();
  counters_.Add("repeated_line_kinds", static_cast<int64_t>(repeated_lines_.size()));
  line_keys_.clear();
  line_keys_.shrink_to_fit();
}

void DedupStage::ProcessDoc(Document& doc) {
  std::string dup_of;
  bool exact = false, published = false;
  if (phase_.phased()) {
    if (const auto it = phase_decisions_.find(doc.input_order); it != phase_decisions_.end()) {
      dup_of = it->second.keeper_id;
      exact = it->second.exact;
      published = it->second.published;
    }
  } else if (const Decision& decision = decisions_[doc.spool_position]; !decision.published_id.empty() || decision.keeper >= 0) {
    dup_of = decision.keeper >= 0 ? ids_[static_cast<size_t>(decision.keeper)] : decision.published_id;
    exact = decision.exact;
    published = !decision.published_id.empty();
  }
  if (!dup_of.empty()) {
    doc.metadata["dup_of"] = dup_of;
    doc.metadata["dup_kind"] = exact ? "exact" : "near";
    if (published) doc.metadata["dup_of_published"] = true;
    counters_.Add(published ? "duplicates_of_published" : "duplicates_in_run");
    doc.Reject(exact ? "duplicate_exact" : "duplicate_near");
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
  if (state_ && phase_.phased()) {
    kept_input_orders_.push_back(doc.input_order);  // published by the report task (CommitPhased)
  } else if (state_) {
    PublishedDoc published_doc;
    published_doc.id = doc.id;
    published_doc.exact = exact_[doc.spool_position];
    published_doc.signature.assign(Sig(doc.spool_position), Sig(doc.spool_position) + options_.num_perm);
    if (has_shingles_[doc.spool_position]) {
      const uint32_t* bands = band_keys_.data() + doc.spool_position * static_cast<uint64_t>(options_.bands);
      published_doc.band_keys.assign(bands, bands + options_.bands);
    }
    to_publish_.push_back(std::move(published_doc));
  }
}

void DedupStage::Commit(int64_t run_id) {
  if (!state_) return;
  if (phase_.phased()) return CommitPhased(run_id);
  state_->Commit(to_publish_, cluster_line_counts_, run_id);
  spdlog::info("dedup: state {}: {} documents published in all", options_.state_dir, state_->published());
}

Json DedupStage::Stats() const {
  Json out = counters_.ToJson();
  // Per-document index memory of this run: exact key, band keys, signature, date.
  const uint64_t keys = sizeof(ExactKey) + static_cast<uint64_t>(options_.bands) * sizeof(uint32_t);
  // In memory: the keys that find duplicates (exact key, LSH band keys), the
  // date and input order of the keep rule. The signature that confirms a
  // candidate is in a file-backed mapping (page cache, see TempMapping).
  out["index_bytes_per_document"] = {{"exact_and_band_keys", keys},
                                     {"date_and_order", 2 * sizeof(uint64_t)},
                                     {"in_memory", keys + 2 * sizeof(uint64_t)},
                                     {"signature_file_backed", static_cast<uint64_t>(options_.num_perm) * sizeof(uint32_t)}};
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
  registry.AddStateCheck(CheckIndexInStateDir);
}

}  // namespace textmill
