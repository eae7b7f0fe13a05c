#include "stages/url_filter/url_filter.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

namespace textmill {

UrlFilterOptions UrlFilterOptions::Parse(OptionReader& reader) {
  UrlFilterOptions o;
  reader.Get("block_lists", o.block_lists);
  reader.Get("allow_lists", o.allow_lists);
  reader.Get("categories", o.categories);
  reader.GetEnum("mode", o.mode, {"drop", "annotate"});
  OptionReader words = reader.Child("banned_words");
  words.Get("words", o.banned_words.words);
  words.Get("soft_words", o.banned_words.soft_words);
  words.Get("subwords", o.banned_words.subwords);
  words.Get("soft_threshold", o.banned_words.soft_threshold, 1, 1000);
  words.Finish();
  return o;
}

UrlFilterStage::UrlFilterStage(const UrlFilterOptions& options, const StageContext& context)
    : options_(options), own_psl_(psl_latest(nullptr)), psl_(own_psl_ ? own_psl_.get() : psl_builtin()) {
  auto resolve = [&](std::vector<std::string>& paths) {
    for (std::string& path : paths) path = context.ResolvePath(path);
  };
  resolve(options_.block_lists);
  resolve(options_.allow_lists);
  resolve(options_.banned_words.words);
  resolve(options_.banned_words.soft_words);
  resolve(options_.banned_words.subwords);
  if (!options_.block_lists.empty() || !options_.allow_lists.empty()) {
    if (psl_ == nullptr) throw ConfigError("url_filter: libpsl has no public suffix list");
  }
}

void UrlFilterStage::Load() {
  const auto start = std::chrono::steady_clock::now();
  block_.emplace(psl_);
  block_->Load(options_.block_lists, options_.categories, "url_filter.block_lists");
  allow_.emplace(psl_);
  allow_->Load(options_.allow_lists, {}, "url_filter.allow_lists");
  words_.emplace(options_.banned_words, "url_filter.banned_words");
  enabled_ = !block_->empty() || !words_->empty();
  load_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  loaded_.Set();
}

std::string_view UrlFilterStage::Verdict(std::string_view url, std::string* list) const {
  const std::optional<UrlParts> parts = ParseUrl(url);
  if (!parts) counters_.Add("malformed_url");
  std::string_view reason;
  std::optional<uint16_t> label;
  if (parts && (label = block_->MatchHost(*parts))) {
    reason = "url_blocked_domain";
  } else if (parts && (label = block_->MatchUrl(*parts))) {
    reason = "url_blocked_url";
  } else {
    reason = words_->Check(url);
  }
  if (reason.empty()) return reason;
  if (parts && (allow_->MatchHost(*parts) || allow_->MatchUrl(*parts))) {
    counters_.Add("allowed_over_block");
    return "";
  }
  if (label && list) *list = block_->Label(*label);
  return reason;
}

void UrlFilterStage::ProcessDoc(Document& doc) {
  loaded_.Check("url_filter");
  if (!enabled_) return;
  if (doc.url.empty()) {
    counters_.Add("no_url");
    return;
  }
  counters_.Add("checked");
  std::string list;
  const std::string_view reason = Verdict(doc.url, &list);
  if (reason.empty()) return;
  if (!list.empty()) counters_.Add("list." + list);
  if (options_.mode == "annotate") {
    doc.metadata["url_filter"] = {{"reason", reason}};
    if (!list.empty()) doc.metadata["url_filter"]["list"] = list;
    counters_.Add("would_block." + std::string(reason));
    return;
  }
  counters_.Add("blocked." + std::string(reason));
  doc.Reject(reason);
}

Json UrlFilterStage::Stats() const {
  Json stats = counters_.ToJson();
  if (!enabled_) return stats;
  const ListLoadStats& b = block_->stats();
  const ListLoadStats& a = allow_->stats();
  const double mb = static_cast<double>(block_->MemoryBytes() + allow_->MemoryBytes() + words_->MemoryBytes()) / 1e6;
  stats["lists"] = {{"block_domains", b.domains},
                    {"block_urls", b.urls},
                    {"allow_domains", a.domains},
                    {"allow_urls", a.urls},
                    {"banned_words", words_->entries()},
                    {"public_suffix_entries", b.public_suffix_entries + a.public_suffix_entries},
                    {"skipped_lines", b.skipped + a.skipped + words_->skipped()},
                    {"garbage_lines", b.garbage + a.garbage + words_->garbage()},
                    {"memory_bytes", block_->MemoryBytes() + allow_->MemoryBytes() + words_->MemoryBytes()},
                    {"memory_mb", std::round(mb * 100) / 100},
                    {"load_seconds", std::round(load_seconds_ * 1000) / 1000}};
  int64_t blocked = 0;
  for (const auto& [name, n] : counters_.Merged()) {
    if (name.rfind("blocked.", 0) == 0 || name.rfind("would_block.", 0) == 0) blocked += n;
  }
  // Shown as a table by the HTML report. What the lists hold is text: a
  // phased run's report adds numbers up over its tasks, and every task loads
  // the same lists.
  stats["summary"] = {
      {"mode", options_.mode},
      {"URLs checked", stats.value("checked", int64_t{0})},
      {options_.mode == "drop" ? "blocked" : "would block", blocked},
      {"kept by an allow list", stats.value("allowed_over_block", int64_t{0})},
      {"without URL (passed)", stats.value("no_url", int64_t{0})},
      {"malformed URLs", stats.value("malformed_url", int64_t{0})},
      {"list entries", std::to_string(b.domains + b.urls + a.domains + a.urls + words_->entries())},
      {"list lines skipped / garbage", std::to_string(b.skipped + a.skipped + words_->skipped()) + " / " +
                                           std::to_string(b.garbage + a.garbage + words_->garbage())},
      {"list memory (MB)", fmt::format("{:.2f}", mb)},
      {"list load time (s)", std::round(load_seconds_ * 1000) / 1000}};
  return stats;
}

void RegisterUrlFilterStage(Registry& registry) {
  registry.Add("url_filter", [](OptionReader& reader, const StageContext& context) {
    return std::make_unique<UrlFilterStage>(UrlFilterOptions::Parse(reader), context);
  });
}

}  // namespace textmill
