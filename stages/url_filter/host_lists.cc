#include "stages/url_filter/host_lists.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "pipeline/errors.h"
#include "pipeline/util/strings.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

// FNV-1a from the last byte to the first: the state at a label boundary is
// the hash of the suffix from there, so one pass hashes the host and all of
// its parent domains.
uint64_t SuffixHash(std::string_view s) {
  uint64_t h = kFnvOffset;
  for (size_t i = s.size(); i-- > 0;) h = (h ^ static_cast<unsigned char>(s[i])) * kFnvPrime;
  return h;
}

// FNV-1a forwards: the state at a '/' is the hash of the URL key before it.
uint64_t PrefixHash(std::string_view s) {
  uint64_t h = kFnvOffset;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * kFnvPrime;
  return h;
}

bool IsIpLiteral(std::string_view token) {
  const std::string s(token);
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, s.c_str(), &v4) == 1 || inet_pton(AF_INET6, s.c_str(), &v6) == 1;
}

// The names every hosts file maps to itself: not block-list entries.
bool IsHostsFileBoilerplate(std::string_view host) {
  static const std::set<std::string_view> kNames = {
      "localhost",     "localhost.localdomain", "local",           "broadcasthost", "ip6-localhost",
      "ip6-loopback",  "ip6-localnet",          "ip6-mcastprefix", "ip6-allnodes",  "ip6-allrouters",
      "ip6-allhosts", "0.0.0.0"};
  return kNames.count(host) > 0;
}

std::vector<std::string_view> SplitWhitespace(std::string_view line) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t begin = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > begin) tokens.push_back(line.substr(begin, i - begin));
  }
  return tokens;
}

bool LooksLikeUrl(std::string_view token) {
  const size_t scheme = token.find("://");
  if (scheme != std::string_view::npos) token.remove_prefix(scheme + 3);
  return token.find('/') != std::string_view::npos;
}

}  // namespace

uint16_t HostLists::AddLabel(const std::string& label) {
  const auto it = std::find(labels_.begin(), labels_.end(), label);
  if (it != labels_.end()) return static_cast<uint16_t>(it - labels_.begin());
  if (labels_.size() >= 0xFFFF) return 0xFFFF - 1;  // absurdly many lists share the last label
  labels_.push_back(label);
  return static_cast<uint16_t>(labels_.size() - 1);
}

void HostLists::Load(const std::vector<std::string>& paths, const std::vector<std::string>& categories,
                     const std::string& option) {
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      LoadFile(path, Kind::kAny, AddLabel(fs::path(path).filename().string()), option);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.is_directory(ec) &&
          (fs::exists(entry.path() / "domains", ec) || fs::exists(entry.path() / "urls", ec))) {
        found.push_back(entry.path().filename().string());
      }
    }
    if (ec) throw ConfigError(option + ": cannot read " + path + ": " + ec.message());
    std::sort(found.begin(), found.end());
    if (found.empty()) {
      throw ConfigError(option + ": " + path + " is a folder without <category>/domains or <category>/urls (UT1 layout)");
    }
    for (const std::string& category : categories) {
      if (std::find(found.begin(), found.end(), category) == found.end()) {
        throw ConfigError(option + ": " + path + " has no category '" + category + "'");
      }
    }
    for (const std::string& category : found) {
      if (!categories.empty() && std::find(categories.begin(), categories.end(), category) == categories.end()) {
        continue;
      }
      const fs::path dir = fs::path(path) / category;
      const uint16_t label = AddLabel(category);
      if (fs::exists(dir / "domains", ec)) LoadFile((dir / "domains").string(), Kind::kDomains, label, option);
      if (fs::exists(dir / "urls", ec)) LoadFile((dir / "urls").string(), Kind::kUrls, label, option);
    }
  }
}

void HostLists::LoadFile(const std::string& path, Kind kind, uint16_t label, const std::string& option) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(option + ": cannot read " + path + ": " + std::strerror(errno));
  std::string line;
  while (std::getline(in, line)) AddLine(line, kind, label);
  if (in.bad()) throw ConfigError(option + ": cannot read " + path + ": " + std::strerror(errno));
}

void HostLists::AddLine(std::string_view line, Kind kind, uint16_t label) {
  if (const size_t comment = line.find(" #"); comment != std::string_view::npos) line = line.substr(0, comment);
  if (const size_t comment = line.find("\t#"); comment != std::string_view::npos) line = line.substr(0, comment);
  line = TrimBlanks(line);
  if (line.empty() || line[0] == '#' || line[0] == '!') {
    ++stats_.skipped;
    return;
  }
  std::vector<std::string_view> tokens = SplitWhitespace(line);
  if (tokens.size() > 1) {
    if (kind == Kind::kUrls || !IsIpLiteral(tokens[0])) {
      ++stats_.garbage;
      return;
    }
    tokens.erase(tokens.begin());  // hosts file: "0.0.0.0 host [host...]"
  }
  for (std::string_view token : tokens) {
    const bool url = kind == Kind::kUrls || (kind == Kind::kAny && LooksLikeUrl(token));
    if (url) {
      const std::optional<UrlParts> parts = ParseUrl(token);
      if (!parts) {
        ++stats_.garbage;
        continue;
      }
      stats_.urls += urls_.Insert(PrefixHash(parts->url_key), label);
      continue;
    }
    // "*.example.com" and ".example.com" (wildcard styles) mean the same as example.com here.
    if (token.substr(0, 2) == "*.") token.remove_prefix(2);
    if (!token.empty() && token[0] == '.') token.remove_prefix(1);
    const std::optional<std::string> host = NormalizeHost(token);
    if (!host || token.find('/') != std::string_view::npos) {
      ++stats_.garbage;
      continue;
    }
    if (IsHostsFileBoilerplate(*host)) {
      ++stats_.skipped;
      continue;
    }
    if (psl_is_public_suffix(psl_, host->c_str())) ++stats_.public_suffix_entries;
    stats_.domains += domains_.Insert(SuffixHash(*host), label);
  }
}

std::optional<uint16_t> HostLists::MatchHost(const UrlParts& url) const {
  if (domains_.size() == 0) return std::nullopt;
  const std::string& host = url.host;
  // Parents are checked down to the registrable domain; a host that is a
  // public suffix itself, or an IP address, only as it is.
  size_t last_start = 0;
  if (!url.is_ip) {
    if (const char* registrable = psl_registrable_domain(psl_, host.c_str())) {
      last_start = static_cast<size_t>(registrable - host.c_str());
    }
  }
  uint64_t h = kFnvOffset;
  for (size_t i = host.size(); i-- > 0;) {
    h = (h ^ static_cast<unsigned char>(host[i])) * kFnvPrime;
    if (i > last_start || (i > 0 && host[i - 1] != '.')) continue;
    if (const std::optional<uint16_t> label = domains_.Find(h)) return label;
  }
  return std::nullopt;
}

std::optional<uint16_t> HostLists::MatchUrl(const UrlParts& url) const {
  if (urls_.size() == 0) return std::nullopt;
  const std::string& key = url.url_key;
  uint64_t h = kFnvOffset;
  for (size_t i = 0; i < key.size(); ++i) {
    // An entry blocks its own URL and everything under it: the key up to a
    // '/' or '?' after the host.
    if (i >= url.host_end && (key[i] == '/' || key[i] == '?')) {
      if (const std::optional<uint16_t> label = urls_.Find(h)) return label;
    }
    h = (h ^ static_cast<unsigned char>(key[i])) * kFnvPrime;
  }
  return urls_.Find(h);
}

}  // namespace textmill
