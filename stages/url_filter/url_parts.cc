#include "stages/url_filter/url_parts.h"

#include <arpa/inet.h>
#include <idn2.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace textmill {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  c = Lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Length of "scheme://" at the start of `url`, 2 for "//", else 0.
size_t SchemeLength(std::string_view url) {
  if (url.substr(0, 2) == "//") return 2;
  if (url.empty() || !IsAlpha(url[0])) return 0;
  size_t i = 1;
  while (i < url.size() && (IsAlpha(url[i]) || IsDigit(url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.')) ++i;
  return url.substr(i, 3) == "://" ? i + 3 : 0;
}

// Letters, digits, '-', '_' (real hosts have it, though DNS names may not)
// and non-empty labels of at most 63 bytes.
bool ValidAsciiHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t label = 0;
  for (const char c : host) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!(IsAlpha(c) || IsDigit(c) || c == '-' || c == '_') || ++label > 63) return false;
  }
  return label > 0;
}

bool IsIpv4(const std::string& host) {
  in_addr addr{};
  return inet_pton(AF_INET, host.c_str(), &addr) == 1;
}

}  // namespace

std::optional<std::string> NormalizeHost(std::string_view raw) {
  std::string host;
  host.reserve(raw.size());
  bool ascii = true;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%' && i + 2 < raw.size() && HexValue(raw[i + 1]) >= 0 && HexValue(raw[i + 2]) >= 0) {
      c = static_cast<char>(HexValue(raw[i + 1]) * 16 + HexValue(raw[i + 2]));
      i += 2;
    }
    ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    host += Lower(c);
  }
  if (!host.empty() && host.back() == '.') host.pop_back();  // "example.com." is example.com
  if (!ascii) {
    char* converted = nullptr;
    if (idn2_to_ascii_8z(host.c_str(), &converted, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK) {
      return std::nullopt;
    }
    const std::unique_ptr<char, decltype(&std::free)> owned(converted, &std::free);
    host = owned.get();
    for (char& c : host) c = Lower(c);
  }
  if (!ValidAsciiHost(host)) return std::nullopt;
  // No top-level domain is numeric: a host ending in a number is an IPv4
  // address or nothing (as WHATWG's URL parser decides).
  const std::string_view last = std::string_view(host).substr(host.rfind('.') + 1);
  if (std::all_of(last.begin(), last.end(), IsDigit) && !IsIpv4(host)) return std::nullopt;
  return host;
}

std::optional<UrlParts> ParseUrl(std::string_view url) {
  while (!url.empty() && static_cast<unsigned char>(url.front()) <= ' ') url.remove_prefix(1);
  while (!url.empty() && static_cast<unsigned char>(url.back()) <= ' ') url.remove_suffix(1);
  url.remove_prefix(SchemeLength(url));
  const size_t authority_end = std::min(url.find_first_of("/?#\\"), url.size());
  std::string_view authority = url.substr(0, authority_end);
  std::string_view rest = url.substr(authority_end);
  rest = rest.substr(0, rest.find('#'));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);

  UrlParts parts;
  std::string_view host = authority, port;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return std::nullopt;
    port = after.empty() ? after : after.substr(1);
    in6_addr addr{};
    parts.host = std::string(host);
    for (char& c : parts.host) c = Lower(c);
    if (inet_pton(AF_INET6, parts.host.c_str(), &addr) != 1) return std::nullopt;
    parts.is_ip = true;
  } else {
    if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    std::optional<std::string> normalized = NormalizeHost(host);
    if (!normalized) return std::nullopt;
    parts.host = std::move(*normalized);
    parts.is_ip = IsIpv4(parts.host);
  }
  if (port.size() > 5) return std::nullopt;
  for (const char c : port) {
    if (!IsDigit(c)) return std::nullopt;
  }

  // squidGuard's url lists leave out "www." and match without case.
  const std::string_view key_host =
      parts.host.size() > 4 && parts.host.compare(0, 4, "www.") == 0 ? std::string_view(parts.host).substr(4)
                                                                      : std::string_view(parts.host);
  parts.url_key.assign(key_host);
  parts.host_end = parts.url_key.size();
  for (const char c : rest) parts.url_key += c == '\\' ? '/' : Lower(c);
  while (parts.url_key.size() > parts.host_end && parts.url_key.back() == '/') parts.url_key.pop_back();
  return parts;
}

}  // namespace textmill
