// The dedup stage in a phased run (see pipeline/phases.h for the phases and
// dedup.h for the algorithm). Each phase does the part of the single-machine
// algorithm that sits between two barriers, on one input slice or one hash
// range, and exchanges fixed-size records through the work dir:
//
//   process  observed-rR      (line key, text hash) by line-key range
//   count    first-bB         line keys seen in >= 2K distinct texts
//   sign     sig-rR meta-rR ids-rR   signature, (input order, date, exact key), id per spooled doc
//            band-rR exact-rR lines-rR   band, exact and line keys by hash range
//   pairs    edges-bB         pairs confirmed by exact key or estimated Jaccard
//   merge    decisions-rR clusters   keeper per cluster, earliest date then input order
//   lines    final-bB weak-bB counts-bB   line keys in >= K clusters (and in
//            >= line_block_min_docs); the run's counts
//   finalize kept-rR          the documents published (for the index)
//   report   (with --state) commits kept documents and line counts to the index
//
// With --state every task reads the index of earlier runs (LMDB allows many
// reader processes): count and lines add its line counts, sign matches each
// document against published ones (published-rR), merge makes a published
// copy win. Only the report task writes it.
//
// Why four range phases and not one: signatures are computed on the text
// without the repeated lines, so the line counts of the whole corpus must
// exist before any signature (count, after the observe pass), and the final
// line counts need the clusters (merge, then lines).
//
// process, sign, finalize and report are the core's steps (PhaseStep);
// count, pairs, merge and lines the range phases this stage declares
// (RangePhases, in dedup_range_phases.cc). Records name documents by
// Document::input_order (phase_records.h).
#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>

#include "pipeline/errors.h"
#include "pipeline/util/atomic_file.h"
#include "pipeline/util/io_error.h"
#include "stages/dedup/dedup.h"
#include "stages/dedup/dedup_keys.h"
#include "stages/dedup/phase_records.h"

namespace fs = std::filesystem;

namespace textmill {

std::string DedupStage::PhaseFile(const std::string& name) const {
  return (fs::path(phase_.work_dir) / "dedup" / name).string();
}

void DedupStage::BeginPhase(const PhaseContext& context) {
  phase_ = context;
  fs::create_directories(fs::path(phase_.work_dir) / "dedup");
  const auto n = static_cast<uint32_t>(phase_.count);
  const std::string rank = std::to_string(phase_.rank);
  if (phase_.step == PhaseStep::kObserve) {
    if (options_.lines) observed_ = std::make_unique<BucketFileWriter>(PhaseFile("observed-r" + rank + ".bin"), n, sizeof(ObservedRecord), BufferBytes(1));
  } else if (phase_.step == PhaseStep::kAnalyze) {
    if (options_.lines) repeated_lines_ = LoadKeyRanges(PhaseFile("first"), phase_.count);
    if (options_.near) band_records_ = std::make_unique<BucketFileWriter>(PhaseFile("band-r" + rank + ".bin"), n, sizeof(BandRecord), BufferBytes(3));
    if (options_.exact) exact_records_ = std::make_unique<BucketFileWriter>(PhaseFile("exact-r" + rank + ".bin"), n, sizeof(ExactRecord), BufferBytes(3));
    if (options_.lines) line_records_ = std::make_unique<BucketFileWriter>(PhaseFile("lines-r" + rank + ".bin"), n, sizeof(LineRecord), BufferBytes(3));
  } else if (phase_.step == PhaseStep::kApply) {
    if (options_.lines) {
      repeated_lines_ = LoadKeyRanges(PhaseFile("final"), phase_.count);
      weak_lines_ = LoadKeyRanges(PhaseFile("weak"), phase_.count);
      // Every task loads the same set: counted once in the merged report.
      if (phase_.rank == 0) counters_.Add("repeated_line_kinds", static_cast<int64_t>(repeated_lines_.size()));
    }
    const std::string bytes = ReadBytes(PhaseFile("decisions-r" + rank + ".bin"));
    std::string_view in(bytes), id;
    uint64_t input_order = 0;
    uint8_t flags = 0;
    while (NextTagged(in, input_order, flags, id)) phase_decisions_[input_order] = {std::string(id), (flags & 1) != 0, (flags & 2) != 0};
    if (!in.empty()) throw RuntimeError(PhaseFile("decisions-r" + rank + ".bin") + ": truncated");
  }
}

void DedupStage::WriteObserved(uint64_t text_hash, const std::vector<uint64_t>& line_keys) {
  std::vector<ObservedRecord> records;
  std::vector<uint32_t> buckets;
  for (const uint64_t key : line_keys) {
    records.push_back({key, text_hash});
    buckets.push_back(BucketOf(key, static_cast<uint32_t>(phase_.count)));
  }
  observed_->Add(buckets.data(), records.data(), records.size());
}

void DedupStage::WriteSigned(const Document& doc, const DocKeys& keys, const std::vector<uint64_t>& line_keys) {
  const uint64_t ord = doc.spool_position, input_order = doc.input_order;
  const auto n = static_cast<uint32_t>(phase_.count);
  if (line_records_) {
    std::vector<LineRecord> records;
    std::vector<uint32_t> buckets;
    for (const uint64_t key : line_keys) {
      records.push_back({key, input_order});
      buckets.push_back(BucketOf(key, n));
    }
    line_records_->Add(buckets.data(), records.data(), records.size());
  }
  if (exact_records_) {
    const ExactRecord record{keys.exact.high, keys.exact.low, input_order};
    const uint32_t bucket = BucketOf(record.high, n);
    exact_records_->Add(&bucket, &record, 1);
  }
  if (band_records_) {
    std::vector<BandRecord> records;
    std::vector<uint32_t> buckets;
    const uint32_t flag = keys.has_shingles ? kHasShingles : 0;
    for (int b = 0; b < options_.bands; ++b) {
      const uint32_t key = keys.band_keys[static_cast<size_t>(b)];
      records.push_back({static_cast<uint32_t>(b) | flag, key, input_order, static_cast<uint32_t>(phase_.rank), static_cast<uint32_t>(ord)});
      buckets.push_back(BucketOf(Mix64((uint64_t{static_cast<uint32_t>(b)} << 32) | key), n));
    }
    band_records_->Add(buckets.data(), records.data(), records.size());
  }
}

// The sign task's per-document files, from the DocTable in spool order.
void DedupStage::FinishSigned() {
  const std::string rank = std::to_string(phase_.rank);
  StreamedFile sigs(PhaseFile("sig-r" + rank + ".bin")), meta(PhaseFile("meta-r" + rank + ".bin")),
      bands(PhaseFile("bandkeys-r" + rank + ".bin")), ids(PhaseFile("ids-r" + rank + ".bin"));
  std::vector<uint64_t> input_orders(documents_);  // 8 bytes a document: the published matches name them
  DocKeys keys;
  std::string id;
  for (uint64_t ord = 0; ord < documents_; ++ord) {
    docs_->Get(ord, keys, true);
    input_orders[ord] = keys.input_order;
    const MetaRecord record{keys.input_order, keys.date, keys.exact.high, keys.exact.low, keys.has_shingles};
    meta.Write(&record, sizeof record);
    bands.Write(keys.band_keys.data(), keys.band_keys.size() * sizeof(uint32_t));
    sigs.Write(keys.signature.data(), keys.signature.size() * sizeof(uint32_t));
    id.clear();
    AppendString(id, keys.id);
    ids.Write(id.data(), id.size());
  }
  sigs.Commit();
  meta.Commit();
  bands.Commit();
  // Copies of documents published by earlier runs (the index is only read).
  std::string published;
  for (const PublishedMatch& match : MatchPublished()) {
    AppendTagged(published, input_orders[match.position], match.exact, match.id);
  }
  WriteFileAtomic(PhaseFile("published-r" + rank + ".bin"), published);
  ids.Commit();
  for (auto* writer : {band_records_.get(), exact_records_.get(), line_records_.get()}) {
    if (writer) writer->Close();
  }
}

void DedupStage::Flush() {
  if (phase_.step == PhaseStep::kApply && state_) {
    StreamedFile kept(PhaseFile("kept-r" + std::to_string(phase_.rank) + ".bin"));
    kept_input_orders_.ForEach([&kept](uint64_t input_order) { kept.Write(&input_order, sizeof input_order); });
    kept.Commit();
  }
}

namespace {

// One input slice's files read in spool order, in step: the kept input orders
// (kept-rR, ascending) and, per spooled document, its meta record, band keys
// and id. The report task merges the slices by input order, so it holds a
// read buffer per slice, not the corpus.
class SliceReader {
 public:
  SliceReader(const std::function<std::string(const std::string&)>& file, int rank, int bands)
      : rank_(rank), bands_(static_cast<size_t>(bands)) {
    for (const char* stem : {"kept", "meta", "bandkeys", "ids"}) {
      const std::string path = file(Numbered(stem, 'r', rank));
      files_.push_back(std::fopen(path.c_str(), "rb"));
      if (!files_.back()) throw RuntimeError("cannot read " + path + ": " + std::strerror(errno));
    }
    band_keys_.resize(bands_);
    NextKept();
  }
  ~SliceReader() {
    for (std::FILE* f : files_) {
      if (f) std::fclose(f);
    }
  }
  SliceReader(const SliceReader&) = delete;
  SliceReader& operator=(const SliceReader&) = delete;

  bool done() const { return done_; }
  uint64_t input_order() const { return kept_; }
  int rank() const { return rank_; }
  // Reads up to the kept document and fills `doc` but its signature; the
  // position of the document in the slice's spool goes to `position`.
  void Read(PublishedDoc& doc, uint32_t& position) {
    MetaRecord meta{};
    do {
      uint32_t length = 0;
      if (std::fread(&meta, sizeof meta, 1, files_[1]) != 1 ||
          std::fread(band_keys_.data(), sizeof(uint32_t), bands_, files_[2]) != bands_ ||
          std::fread(&length, sizeof length, 1, files_[3]) != 1) {
        throw RuntimeError("dedup report: the files of slice " + std::to_string(rank_) +
                           " do not agree (sign and finalize of different runs?)");
      }
      id_.resize(length);
      if (length > 0 && std::fread(id_.data(), 1, length, files_[3]) != length) {
        throw RuntimeError("dedup report: ids-r" + std::to_string(rank_) + " is truncated");
      }
      position = next_position_++;
    } while (meta.input_order != kept_);
    doc.id = id_;
    doc.exact = ExactKey{meta.high, meta.low};
    doc.band_keys.clear();
    if (meta.has_shingles) doc.band_keys = band_keys_;
    NextKept();
  }

 private:
  void NextKept() { done_ = std::fread(&kept_, sizeof kept_, 1, files_[0]) != 1; }

  int rank_;
  size_t bands_;
  std::vector<std::FILE*> files_;  // kept, meta, bandkeys, ids
  std::vector<uint32_t> band_keys_;
  std::string id_;
  uint64_t kept_ = 0;
  bool done_ = false;
  uint32_t next_position_ = 0;
};

}  // namespace

// The documents the finalize tasks kept, in input order as a single-machine
// run publishes them (the slices' files merged as they are read), and this
// run's line counts: what the index tasks commit. `signature_wanted(i)` says
// whether the i-th document's signature is read (a task commits only the
// signatures of its partitions).
void DedupStage::ReadPublishedRun(const std::function<bool(uint64_t)>& signature_wanted,
                                  const PublishedRunFn& use) const {
  std::vector<std::unique_ptr<SliceReader>> slices;
  uint64_t count = 0;
  for (int r = 0; r < phase_.count; ++r) {
    const std::string kept = Numbered(PhaseFile("kept"), 'r', r);
    std::error_code ec;
    const auto bytes = fs::file_size(kept, ec);
    if (ec || bytes % sizeof(uint64_t) != 0) throw RuntimeError("dedup index: cannot read " + kept);
    count += bytes / sizeof(uint64_t);
    slices.push_back(std::make_unique<SliceReader>([this](const std::string& name) { return PhaseFile(name); }, r,
                                                   options_.bands));
  }
  SignatureFiles signatures(PhaseFile("sig"), phase_.count, options_.num_perm);
  uint64_t next = 0;
  const auto doc = [&](uint64_t i, PublishedDoc& out) {
    if (i != next++) throw RuntimeError("dedup index: documents read out of order");
    SliceReader* first = nullptr;
    for (const auto& slice : slices) {
      if (!slice->done() && (!first || slice->input_order() < first->input_order())) first = slice.get();
    }
    if (!first) throw RuntimeError("dedup index: fewer kept documents than the kept files hold");
    uint32_t position = 0;
    const int rank = first->rank();
    first->Read(out, position);
    out.signature.clear();
    if (!signature_wanted(i)) return;
    const uint32_t* sig = signatures.Get(static_cast<uint32_t>(rank), position);
    out.signature.assign(sig, sig + options_.num_perm);
  };
  // The count files of the hash ranges, streamed (counts of one key add up).
  const auto counts = [this](const DedupState::CountFn& fn) {
    if (!options_.lines) return;
    for (int b = 0; b < phase_.count; ++b) {
      for (const CountRecord& c : ReadRecords<CountRecord>(PhaseFile(Numbered("counts", 'b', b)))) {
        fn(c.line_key, static_cast<uint32_t>(c.count));
      }
    }
  };
  use(count, doc, counts);
}

// What names this phased job's partition commits: its work dir.
std::string DedupStage::PhasedAttempt() const {
  return "phased " + fs::absolute(phase_.work_dir).lexically_normal().string();
}

// The index phase (one task per hash range, after finalize): task R commits
// the partitions P with P mod N = R, so no task writes the whole index. Each
// task reads the kept documents' metadata of every slice (their ordinals are
// their ranks in input order) and the signatures of its partitions only.
Json DedupStage::IndexPhase(const PhaseContext& context) const {
  if (!state_) return {{"partitions_committed", 0}};  // no state dir: nothing to publish
  const int n = state_->partitions();
  const auto owns = [&context](int p) { return p % context.count == context.rank; };
  if (context.rank >= n) return {{"partitions_committed", 0}};  // more tasks than partitions: none is this one's
  const uint64_t published = state_->published();
  uint64_t documents = 0;
  ReadPublishedRun([&](uint64_t i) { return owns(PartitionOfOrdinal(published + i, n)); },
                   [&](uint64_t count, const DedupState::DocFn& doc, const DedupState::CountSource& counts) {
                     documents = count;
                     state_->CommitPartitions(owns, count, doc, counts, PhasedAttempt(), options_.memory_bytes / 4);
                   });
  int committed = 0;
  for (int p = 0; p < n; ++p) committed += owns(p);
  return {{"partitions_committed", committed}, {"documents_published", documents}};
}

// The report task publishes the generation the index tasks committed: the
// manifest, once every partition holds it.
void DedupStage::CommitPhased(int64_t run_id) {
  state_->Publish(run_id, PhasedAttempt());
  spdlog::info("dedup: state {}: {} documents published in all", options_.state_dir, state_->published());
}

}  // namespace textmill
