// HostLists: block or allow lists of domains and of full URLs, loaded once,
// matched in time linear in the length of the URL.
//
// Formats, one entry a line (blank lines and lines starting with '#' or '!'
// skipped; text after " #" ignored):
//   example.com                  a domain: the host and every subdomain of it
//   0.0.0.0 a.example b.example  a hosts file line (any IP first; localhost names skipped)
//   example.com/path/page.html   a URL (scheme optional): that URL and every URL under it
// A folder is read in the UT1 ("Blacklists UT1", squidGuard) layout:
// <folder>/<category>/domains and <folder>/<category>/urls, for the chosen
// categories (all when none are chosen); each category is one list label.
// A plain file's label is its file name. Garbage lines (not a host, several
// words) are skipped and counted.
//
// Domain matching: the URL's host, then its parent domains down to the
// registrable domain that the public suffix list (libpsl) gives:
// "a.b.example.co.uk" is checked as itself, "b.example.co.uk" and
// "example.co.uk", never "co.uk". An entry that is itself a public suffix
// matches that host only (counted at load: public_suffix_entries). IP hosts
// match exactly.
//
// Entries are kept as 64-bit hashes (pipeline/util/hash_table64.h).
// Thread safety: Load() is not; the Match functions are, after it.
#pragma once

#include <libpsl.h>

#include <optional>
#include <string>
#include <vector>

#include "pipeline/util/hash_table64.h"
#include "stages/url_filter/url_parts.h"

namespace textmill {

struct ListLoadStats {
  int64_t domains = 0, urls = 0;    // distinct entries
  int64_t skipped = 0;              // blank and comment lines
  int64_t garbage = 0;              // lines that are no host, URL or hosts-file line
  int64_t public_suffix_entries = 0;
};

class HostLists {
 public:
  // `psl` must outlive this object.
  explicit HostLists(const psl_ctx_t* psl) : psl_(psl) {}

  // Reads files and UT1 folders. Throws ConfigError naming `option` and the
  // path for a missing or unreadable file, a folder without categories, or a
  // chosen category no folder has.
  void Load(const std::vector<std::string>& paths, const std::vector<std::string>& categories,
            const std::string& option);

  // The label index of the list that holds the host or one of its parents.
  std::optional<uint16_t> MatchHost(const UrlParts& url) const;
  // The label index of the list holding the URL or a URL it is under.
  std::optional<uint16_t> MatchUrl(const UrlParts& url) const;

  bool empty() const { return domains_.size() + urls_.size() == 0; }
  const std::string& Label(uint16_t index) const { return labels_[index]; }
  const ListLoadStats& stats() const { return stats_; }
  size_t MemoryBytes() const { return domains_.MemoryBytes() + urls_.MemoryBytes(); }

 private:
  enum class Kind { kAny, kDomains, kUrls };
  void LoadFile(const std::string& path, Kind kind, uint16_t label, const std::string& option);
  void AddLine(std::string_view line, Kind kind, uint16_t label);
  uint16_t AddLabel(const std::string& label);

  const psl_ctx_t* psl_;
  HashTable64 domains_, urls_;
  std::vector<std::string> labels_;
  ListLoadStats stats_;
};

}  // namespace textmill
