// Stage `url_filter`: drops (or annotates) documents by their URL, before
// any text work: block lists of domains and URLs (host-list files, hosts
// files, UT1 folders; host_lists.h), RefinedWeb's banned words in the URL
// (banned_words.h), and allow lists that win over both. Off (does nothing)
// unless some list is given.
//
// Order of the checks: a malformed URL (url_parts.h) is counted and only the
// banned words apply to it; then domain, URL, hard words, soft words,
// subwords; the first that matches is the reason, unless the host or URL is
// on an allow list (counted: allowed_over_block). A document without a URL
// passes and is counted (no_url).
//
// Reads: url. Writes: metadata.url_filter {reason, list} (annotate mode).
// Rejects: url_blocked_domain, url_blocked_url, url_banned_word,
// url_soft_banned_words, url_banned_subword. Counters: checked, no_url,
// malformed_url, blocked.<reason> / would_block.<reason>, list.<label>,
// allowed_over_block; the lists' sizes, memory and load time under `lists`.
//
// Lists are loaded once, in the constructor; the stage is then immutable.
#pragma once

#include <libpsl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/counters.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"
#include "stages/url_filter/banned_words.h"
#include "stages/url_filter/host_lists.h"

namespace textmill {

struct UrlFilterOptions {
  std::vector<std::string> block_lists;  // files and UT1 folders
  std::vector<std::string> allow_lists;  // same formats; a match wins over any block
  std::vector<std::string> categories;   // UT1 categories read from block-list folders; [] = all
  BannedWordLists banned_words;
  std::string mode = "drop";  // drop | annotate

  static UrlFilterOptions Parse(OptionReader& reader);
};

class UrlFilterStage : public Stage {
 public:
  UrlFilterStage(const UrlFilterOptions& options, const StageContext& context);
  std::string_view Name() const override { return "url_filter"; }
  void Load() override;  // the lists
  void ProcessDoc(Document& doc) override;
  Json Stats() const override;

  // The reject reason for `url` ("" passes) and the matching list's label.
  std::string_view Verdict(std::string_view url, std::string* list) const;

 private:
  struct PslFree {
    void operator()(psl_ctx_t* psl) const { psl_free(psl); }
  };

  UrlFilterOptions options_;
  std::unique_ptr<psl_ctx_t, PslFree> own_psl_;  // the newest list on the system
  const psl_ctx_t* psl_;
  std::optional<HostLists> block_, allow_;
  std::optional<BannedWords> words_;
  bool enabled_ = false;
  LoadedFlag loaded_;
  double load_seconds_ = 0;
  mutable Counters counters_;
};

void RegisterUrlFilterStage(Registry& registry);

}  // namespace textmill
