#include "stages/dedup/dedup.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>
#include <numeric>

#include "pipeline/errors.h"
#include "stages/dedup/dedup_keys.h"
#include "stages/dedup/index_check.h"
#include "stages/dedup/index_manifest.h"
#include "stages/dedup/index_migrate.h"

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
  reader.Get("index_partitions", o.index_partitions, 1, IndexManifest::kMaxPartitions);
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
  options_.memory_bytes = context.memory_bytes;
  if (!options_.state_dir.empty()) {
    state_ = std::make_unique<DedupState>(options_.state_dir, options_.ParamsString(), options_.index_partitions);
    spdlog::info("dedup: state {}: {} documents published by {} earlier runs, {} index partitions", options_.state_dir,
                 state_->published(), state_->runs(), state_->partitions());
  }
}

size_t DedupStage::BufferBytes(int parts) const {
  // A quarter of the budget for the sort buffers of one step, shared by `parts`
  // writers: the rest is the stages' own memory (models, batches in flight).
  return std::max<size_t>(size_t{1} << 20, options_.memory_bytes / 4 / static_cast<size_t>(std::max(parts, 1)));
}

void DedupStage::Observe(const Document& doc) {
  if (!options_.lines) return;
  const uint64_t text_hash = XXH3_64bits(doc.text.data(), doc.text.size());
  if (phase_.phased()) {
    // Exact copies of a page would otherwise make its own lines look repeated.
    if (!seen_texts_.insert(text_hash).second) return;
    return WriteObserved(text_hash, DistinctLineKeys(doc));
  }
  // Single machine: a line is counted once per distinct text when the pairs
  // are merged (EndObserve), as the phased count phase does; no set of texts.
  auto& runs = observed_lines_.local();
  if (!runs) runs = std::make_unique<SortedRuns<ObservedLine>>(BufferBytes(2 * tbb::this_task_arena::max_concurrency()));
  for (const uint64_t key : DistinctLineKeys(doc)) runs->Add({key, text_hash});
}

void DedupStage::EndObserve(uint64_t documents) {
  if (phase_.step == PhaseStep::kObserve) {
    if (observed_) observed_->Close();
    return;
  }
  std::vector<SortedRuns<ObservedLine>*> parts;
  for (auto& part : observed_lines_) {
    if (part) parts.push_back(part.get());
  }
  if (state_) state_->BeginRead();
  const auto first_cut = static_cast<uint32_t>(2 * options_.line_min_docs);
  uint64_t key = 0, text = 0;
  uint32_t texts = 0;
  const auto close_key = [&] {
    if (texts > 0 && texts + (state_ ? state_->LineCount(key) : 0) >= first_cut) repeated_lines_.insert(key);
  };
  SortedRuns<ObservedLine>::MergeAll(parts, [&](const ObservedLine& line) {
    if (texts == 0 || line.key != key) {
      close_key();
      key = line.key;
      texts = 0;
    } else if (line.text_hash == text) {
      return;  // the same text again: an exact copy
    }
    text = line.text_hash;
    ++texts;
  });
  close_key();
  observed_lines_.clear();
  if (state_) state_->EndRead();
  documents_ = documents;
  docs_ = std::make_unique<DocTable>(options_.bands, options_.num_perm);
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
  std::vector<uint64_t> line_keys;
  if (options_.lines) {
    normalized = DedupNormalize(RemoveRepeatedLines(doc.text, SiteKey(doc), nullptr, &line_keys));
    SortUnique(line_keys);
  } else {
    normalized = DedupNormalize(doc.text);
  }
  DocKeys keys;
  keys.exact = ExactKeyOf(normalized);
  const std::vector<uint64_t> shingles = Shingles(normalized, options_.ngram);
  keys.has_shingles = !shingles.empty();
  keys.signature = hasher_.Signature(shingles);
  keys.band_keys = BandKeys(keys.signature, options_.bands, options_.rows);
  keys.date = DocDateKey(doc);
  keys.input_order = doc.input_order;
  keys.id = doc.id;
  docs_->Put(ord, keys);
  if (phase_.phased()) return WriteSigned(doc, keys, line_keys);
  if (line_keys.empty()) return;
  auto& owners = line_owners_.local();
  if (!owners) owners = std::make_unique<RecordLog<LineOwner>>();
  for (const uint64_t key : line_keys) owners->Add({key, static_cast<uint32_t>(ord)});
}

std::vector<DedupStage::PublishedMatch> DedupStage::MatchPublished(const std::vector<uint8_t>* has_shingles) {
  std::vector<PublishedMatch> matches;
  if (!state_ || state_->published() == 0) return matches;
  state_->BeginRead();
  std::vector<uint32_t> signature(static_cast<size_t>(options_.num_perm));
  std::string id;
  DocKeys keys;
  for (uint64_t ord = 0; ord < documents_; ++ord) {
    if (has_shingles && !options_.exact && !(*has_shingles)[ord]) continue;  // nothing to look up
    docs_->Get(ord, keys, false);
    const auto position = static_cast<uint32_t>(ord);
    if (options_.exact) {
      if (auto found = state_->FindExact(keys.exact)) {
        matches.push_back({position, true, *found});
        continue;
      }
    }
    if (!options_.near || !keys.has_shingles) continue;
    std::vector<uint32_t> candidates;
    for (int b = 0; b < options_.bands; ++b) {
      const auto found = state_->FindBand(b, keys.band_keys[static_cast<size_t>(b)]);
      candidates.insert(candidates.end(), found.begin(), found.end());
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const uint32_t candidate : candidates) {  // the earliest published copy first
      if (!state_->Signature(candidate, signature, id)) continue;
      if (EstimatedJaccard(keys.signature.data(), signature.data(), options_.num_perm) >= options_.threshold) {
        matches.push_back({position, false, id});
        break;
      }
    }
  }
  state_->EndRead();
  return matches;
}

// Joins documents with equal exact keys, and those sharing an LSH bucket whose
// signatures agree (the first kMaxComparedPerBucket members of a bucket, in
// input order, compared pairwise). Keys are sorted on disk (SortedRuns); the
// union-find parent (4 bytes a document) is what stays in memory.
void DedupStage::ClusterRun(std::vector<int32_t>& parent, std::vector<uint8_t>& has_shingles) {
  struct ExactOwner {
    ExactKey key;
    uint32_t position;
    auto operator<=>(const ExactOwner&) const = default;
  };
  struct BandOwner {
    uint32_t band, key, position;
    auto operator<=>(const BandOwner&) const = default;
  };
  SortedRuns<ExactOwner> exact(BufferBytes(2));
  SortedRuns<BandOwner> bands(BufferBytes(2));
  DocKeys keys;
  for (uint64_t ord = 0; ord < documents_; ++ord) {
    docs_->Get(ord, keys, false);
    const auto position = static_cast<uint32_t>(ord);
    has_shingles[ord] = keys.has_shingles;
    if (options_.exact) exact.Add({keys.exact, position});
    if (!options_.near) continue;
    for (int b = 0; b < options_.bands; ++b) {
      bands.Add({static_cast<uint32_t>(b), keys.band_keys[static_cast<size_t>(b)], position});
    }
  }
  bool first = true;
  ExactOwner previous{};
  exact.Merge([&](const ExactOwner& owner) {
    if (!first && owner.key == previous.key) {
      Union(parent, static_cast<int32_t>(previous.position), static_cast<int32_t>(owner.position));
    }
    previous = owner;
    first = false;
  });
  if (!options_.near) return;
  // Per bucket (band, key): its first members in input order, compared pairwise.
  const auto num_perm = static_cast<size_t>(options_.num_perm);
  std::vector<uint32_t> members;
  std::vector<uint32_t> signatures(kMaxComparedPerBucket * num_perm);
  uint32_t band = 0, key = 0;
  const auto compare = [&] {
    if (members.size() < 2) return;
    for (size_t i = 0; i < members.size(); ++i) {
      if (has_shingles[members[i]]) docs_->GetSignature(members[i], signatures.data() + i * num_perm);
    }
    for (size_t i = 0; i < members.size(); ++i) {
      const uint32_t a = members[i];
      if (!has_shingles[a]) continue;
      for (size_t j = i + 1; j < members.size(); ++j) {
        const uint32_t c = members[j];
        if (!has_shingles[c] || Find(parent, static_cast<int32_t>(a)) == Find(parent, static_cast<int32_t>(c))) continue;
        if (EstimatedJaccard(signatures.data() + i * num_perm, signatures.data() + j * num_perm, options_.num_perm) >=
            options_.threshold) {
          Union(parent, static_cast<int32_t>(a), static_cast<int32_t>(c));
        }
      }
    }
  };
  bands.Merge([&](const BandOwner& owner) {
    if (members.empty() || owner.band != band || owner.key != key) {
      compare();
      members.clear();
      band = owner.band;
      key = owner.key;
    }
    if (members.size() < kMaxComparedPerBucket) members.push_back(owner.position);
  });
  compare();
}

void DedupStage::Decide() {
  if (phase_.step == PhaseStep::kAnalyze) return FinishSigned();
  std::vector<int32_t> parent(documents_);
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<uint8_t> has_shingles(documents_, 0);
  ClusterRun(parent, has_shingles);
  const std::vector<PublishedMatch> published = MatchPublished(&has_shingles);
  std::vector<uint8_t>().swap(has_shingles);
  std::vector<uint8_t> published_cluster(documents_, 0);  // by root: a published copy wins
  DecideClusters(parent, published, published_cluster);
  CountClusterLines(parent, published_cluster);
}

// The keeper of each cluster: a published copy, else the earliest by date,
// then the first in input order. A root is its cluster's first member (Union
// keeps the smaller), so clusters are found by sorting (root, member) pairs of
// the documents that are not alone.
void DedupStage::DecideClusters(std::vector<int32_t>& parent, const std::vector<PublishedMatch>& published,
                                std::vector<uint8_t>& published_cluster) {
  decisions_.clear();
  std::vector<uint8_t> joined(documents_, 0);  // a root with other members
  for (uint64_t ord = 0; ord < documents_; ++ord) {
    const int32_t root = Find(parent, static_cast<int32_t>(ord));
    if (static_cast<uint64_t>(root) != ord) joined[static_cast<size_t>(root)] = 1;
  }
  const auto match_of = [&published](uint32_t position) -> const PublishedMatch* {
    const auto it = std::lower_bound(published.begin(), published.end(), position,
                                     [](const PublishedMatch& m, uint32_t p) { return m.position < p; });
    return it != published.end() && it->position == position ? &*it : nullptr;
  };
  struct Member {
    uint32_t root, position;
    auto operator<=>(const Member&) const = default;
  };
  SortedRuns<Member> members(BufferBytes(1));
  for (uint64_t ord = 0; ord < documents_; ++ord) {
    const auto root = static_cast<uint32_t>(Find(parent, static_cast<int32_t>(ord)));
    if (root != ord || joined[ord]) {
      members.Add({root, static_cast<uint32_t>(ord)});
    } else if (const PublishedMatch* match = match_of(root)) {  // alone, a copy of a published document
      published_cluster[root] = 1;
      decisions_.push_back({root, match->exact, true, match->id});
    }
  }
  std::vector<uint8_t>().swap(joined);
  std::vector<uint32_t> cluster;
  DocKeys keys, keeper_keys;
  const auto decide = [&] {
    if (cluster.empty()) return;
    const PublishedMatch* winner = nullptr;  // the first member, in input order, with a published copy
    for (const uint32_t m : cluster) {
      if ((winner = match_of(m))) break;
    }
    if (winner) {
      published_cluster[cluster.front()] = 1;
      for (const uint32_t m : cluster) {
        const PublishedMatch* own = match_of(m);
        decisions_.push_back({m, own && own->exact, true, own ? own->id : winner->id});
      }
      return;
    }
    uint32_t keeper = cluster.front();
    uint64_t keeper_date = UINT64_MAX;
    for (const uint32_t m : cluster) {
      docs_->Get(m, keys, false);
      if (keys.date < keeper_date) {  // ties: the earlier member, seen first
        keeper_date = keys.date;
        keeper = m;
      }
    }
    docs_->Get(keeper, keeper_keys, true);
    for (const uint32_t m : cluster) {
      if (m == keeper) continue;
      docs_->Get(m, keys, false);
      decisions_.push_back({m, keys.exact == keeper_keys.exact, false, keeper_keys.id});
    }
  };
  members.Merge([&](const Member& member) {
    if (!cluster.empty() && member.root != cluster.front()) {
      decide();
      cluster.clear();
    }
    cluster.push_back(member.position);
  });
  decide();
  std::sort(decisions_.begin(), decisions_.end(),
            [](const Decision& a, const Decision& b) { return a.position < b.position; });
}

// Lines counted once per cluster without a published copy (its members' line
// keys, sorted with the cluster), plus the counts of earlier runs: the final
// repeated lines, and this run's counts for the state.
void DedupStage::CountClusterLines(std::vector<int32_t>& parent, const std::vector<uint8_t>& published_cluster) {
  if (!options_.lines) return;
  SortedRuns<ClusterLine> lines(BufferBytes(1));
  for (auto& owners : line_owners_) {
    if (!owners) continue;
    owners->ForEach([&](const LineOwner& owner) {
      const auto root = static_cast<uint32_t>(Find(parent, static_cast<int32_t>(owner.position)));
      if (!published_cluster[root]) lines.Add({__builtin_bswap64(owner.key), root});
    });
  }
  line_owners_.clear();
  std::vector<int32_t>().swap(parent);
  repeated_lines_.clear();
  if (state_) state_->BeginRead();
  bool any = false;
  ClusterLine previous{};
  uint32_t clusters = 0;
  lines.Merge([&](const ClusterLine& line) {
    if (any && line.key_be == previous.key_be) {
      if (line.root != previous.root) ++clusters;
    } else {
      if (any) AddFinalLine(__builtin_bswap64(previous.key_be), clusters);
      clusters = 1;
    }
    previous = line;
    any = true;
  });
  if (any) AddFinalLine(__builtin_bswap64(previous.key_be), clusters);
  if (state_) state_->EndRead();
  counters_.Add("repeated_line_kinds", static_cast<int64_t>(repeated_lines_.size()));
}

void DedupStage::AddFinalLine(uint64_t key, uint32_t count) {
  if (state_) run_line_counts_.Add({key, count});
  const uint32_t total = count + (state_ ? state_->LineCount(key) : 0);
  if (total >= static_cast<uint32_t>(options_.line_min_docs)) {
    repeated_lines_.insert(key);
  } else if (options_.line_block_min_docs > 0 && total >= static_cast<uint32_t>(options_.line_block_min_docs)) {
    weak_lines_.insert(key);
  }
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
  } else if (const auto it = std::lower_bound(
                 decisions_.begin(), decisions_.end(), doc.spool_position,
                 [](const Decision& d, uint64_t position) { return d.position < position; });
             it != decisions_.end() && it->position == doc.spool_position) {
    dup_of = it->dup_of;
    exact = it->exact;
    published = it->published;
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
    kept_input_orders_.Add(doc.input_order);  // published by the report task (CommitPhased)
  } else if (state_) {
    kept_positions_.Add(static_cast<uint32_t>(doc.spool_position));  // read back from the DocTable by Commit
  }
}

void DedupStage::Commit(int64_t run_id) {
  if (!state_) return;
  if (phase_.phased()) return CommitPhased(run_id);
  std::vector<uint32_t> positions;  // 4 bytes a kept document, for the commit only
  positions.reserve(kept_positions_.records());
  kept_positions_.ForEach([&positions](uint32_t position) { positions.push_back(position); });
  const auto doc = [this, &positions](uint64_t i, PublishedDoc& out) {
    DocKeys keys;
    docs_->Get(positions[i], keys, true);
    out.id = std::move(keys.id);
    out.exact = keys.exact;
    out.signature = std::move(keys.signature);
    out.band_keys.clear();
    if (keys.has_shingles) out.band_keys = std::move(keys.band_keys);
  };
  const auto counts = [this](const DedupState::CountFn& fn) {
    run_line_counts_.ForEach([&fn](const LineCount& c) { fn(c.key, c.count); });
  };
  state_->Commit(positions.size(), doc, counts, run_id, options_.memory_bytes / 4);
  spdlog::info("dedup: state {}: {} documents published in all", options_.state_dir, state_->published());
}

Json DedupStage::Stats() const {
  Json out = counters_.ToJson();
  // Per-document index of this run: exact key, band keys, date, order and
  // signature are in a DocTable on disk (temporary files, page cache); in
  // memory while deciding: the union-find parent and a shingles flag.
  const uint64_t keys = sizeof(ExactKey) + static_cast<uint64_t>(options_.bands) * sizeof(uint32_t);
  out["index_bytes_per_document"] = {{"exact_and_band_keys", keys},
                                     {"date_and_order", 2 * sizeof(uint64_t)},
                                     {"in_memory", sizeof(int32_t) + sizeof(uint8_t)},
                                     {"signature_on_disk", static_cast<uint64_t>(options_.num_perm) * sizeof(uint32_t)}};
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
  registry.AddStateMigration(MigrateSingleFileIndex);
}

}  // namespace textmill
