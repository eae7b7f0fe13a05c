// URL normalisation for the url_filter stage: the host in one canonical form
// (lower case, IDN as punycode, no port, userinfo or trailing dot) and the
// key that full-URL block lists are matched on.
//
// Not a full WHATWG URL parser: what block lists need. A URL with or without a
// scheme ("http://a.example/x", "//a.example/x", "a.example/x", as UT1's url
// lists write them); userinfo ("user:pw@") dropped; a port must be digits;
// "[v6]" literals; %XX in the host decoded; a Unicode host converted with
// libidn2 (UTS #46, non-transitional: "ß" stays "ß", as browsers do).
// Anything else (empty host, bad characters, empty labels, bad punycode,
// labels over 63 bytes, hosts over 253) is malformed: std::nullopt, never a throw.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace textmill {

struct UrlParts {
  std::string host;     // "xn--bcher-kva.example": ASCII, lower case
  std::string url_key;  // host without "www.", then path and query in lower case, no trailing '/'
  size_t host_end = 0;  // url_key.substr(0, host_end) is the host part of the key
  bool is_ip = false;   // an IPv4 or IPv6 literal: no parent domains
};

std::optional<UrlParts> ParseUrl(std::string_view url);

// A bare host ("Bücher.Example.", "XN--BCHER-KVA.example") in canonical form.
std::optional<std::string> NormalizeHost(std::string_view host);

}  // namespace textmill
