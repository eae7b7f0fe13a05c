// Keys shared by the single-machine dedup stage and its phased form
// (dedup_phases.cc): line keys per site, date keys, union-find.
#pragma once

#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/document.h"
#include "stages/dedup/minhash.h"

namespace textmill {

// "2024-03-14T09:30:00Z" -> 20240314093000; undated -> max (sorts last).
inline uint64_t DateKey(std::string_view date) {
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

inline int32_t Find(std::vector<int32_t>& parent, int32_t x) {
  while (parent[static_cast<size_t>(x)] != x) {
    parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
    x = parent[static_cast<size_t>(x)];
  }
  return x;
}

inline void Union(std::vector<int32_t>& parent, int32_t a, int32_t b) {
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

inline bool IsBlank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// The site a document comes from: the host of its URL ("www." dropped), else
// the first directory of its source when that looks like a host name
// (crawls saved as host/path/...), else "" (one bucket for all).
inline std::string SiteOf(const Document& doc) {
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

inline uint64_t SiteKey(const Document& doc) {
  const std::string site = SiteOf(doc);
  return XXH3_64bits(site.data(), site.size());
}


inline void SortUnique(std::vector<uint64_t>& keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

// The distinct line keys of a document, sorted.
inline std::vector<uint64_t> DistinctLineKeys(const Document& doc) {
  std::vector<uint64_t> keys;
  const uint64_t site = SiteKey(doc);
  ForEachLine(doc.text, [&](std::string_view line, size_t, size_t) {
    if (!IsBlank(line)) ForEachLineKey(line, site, [&](uint64_t key) { keys.push_back(key); });
  });
  SortUnique(keys);
  return keys;
}

// The document's date key: its own date, else a "date" metadata field.
inline uint64_t DocDateKey(const Document& doc) {
  if (doc.date.empty() && doc.metadata.contains("date") && doc.metadata["date"].is_string()) {
    return DateKey(doc.metadata["date"].get<std::string>());
  }
  return DateKey(doc.date);
}

// Members of one LSH bucket compared pairwise. Buckets are small for real
// text; a huge one (a template that survived line removal) is capped so the
// cost stays linear.
constexpr size_t kMaxComparedPerBucket = 64;

}  // namespace textmill
