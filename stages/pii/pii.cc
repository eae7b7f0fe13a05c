#include "stages/pii/pii.h"

#include <arpa/inet.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace textmill {
namespace {

struct Span {
  size_t begin, end;
  const std::string* token;
  int kind;  // 0 email, 1 ipv4, 2 ipv6, 3 phone
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordByte(char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

// "v1.2.3.4", "version 10.0.0.1", "1.2.3.4.5": not addresses.
bool LooksLikeVersion(std::string_view text, size_t begin, size_t end) {
  if (begin >= 2 && text[begin - 1] == '.' && IsDigit(text[begin - 2])) return true;
  if (end + 1 < text.size() && text[end] == '.' && IsDigit(text[end + 1])) return true;
  if (begin >= 1 && (text[begin - 1] == 'v' || text[begin - 1] == 'V')) return true;
  const size_t from = begin >= 12 ? begin - 12 : 0;
  std::string before(text.substr(from, begin - from));
  for (char& c : before) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return before.find("version") != std::string::npos || before.find("ver.") != std::string::npos ||
         before.find("release") != std::string::npos;
}

// Python's ipaddress.IPv4Address.is_global (3.12.4 and later; before, only
// 192.0.0.0/29 and .170/31 of 192.0.0.0/24 were private): not in a private,
// reserved or shared range.
bool IsGlobalIpv4(std::string_view address) {
  const std::string s(address);
  in_addr addr{};
  if (inet_pton(AF_INET, s.c_str(), &addr) != 1) return false;
  const uint32_t ip = ntohl(addr.s_addr);
  struct Net {
    uint32_t base;
    int bits;
  };
  static constexpr Net kNotGlobal[] = {
      {0x00000000, 8},  {0x0A000000, 8},  {0x64400000, 10}, {0x7F000000, 8},  {0xA9FE0000, 16},
      {0xAC100000, 12}, {0xC0000000, 24}, {0xC0000200, 24}, {0xC0A80000, 16}, {0xC6120000, 15},
      {0xC6336400, 24}, {0xCB007100, 24}, {0xF0000000, 4},  {0xFFFFFFFF, 32}};
  if (ip == 0xC0000009 || ip == 0xC000000A) return true;  // 192.0.0.9, .10: globally reachable anycast
  for (const Net& net : kNotGlobal) {
    const uint32_t mask = net.bits == 0 ? 0 : ~uint32_t{0} << (32 - net.bits);
    if ((ip & mask) == net.base) return false;
  }
  return true;
}

// Public IPv6: not loopback/unspecified, link-local (fe80::/10), unique-local
// (fc00::/7), documentation (2001:db8::/32), nor an IPv4-mapped private address.
bool IsGlobalIpv6(const in6_addr& addr) {
  const uint8_t* b = addr.s6_addr;
  bool zero_prefix = true;
  for (int i = 0; i < 15; ++i) zero_prefix = zero_prefix && b[i] == 0;
  if (zero_prefix && b[15] <= 1) return false;
  if ((b[0] & 0xFE) == 0xFC || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)) return false;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false;
  bool mapped = b[10] == 0xFF && b[11] == 0xFF;
  for (int i = 0; i < 10; ++i) mapped = mapped && b[i] == 0;
  if (mapped) {
    const std::string v4 = std::to_string(b[12]) + "." + std::to_string(b[13]) + "." + std::to_string(b[14]) + "." +
                           std::to_string(b[15]);
    return IsGlobalIpv4(v4);
  }
  return true;
}

// Python's \b is Unicode: a match that RE2 (ASCII \b) starts right after a
// non-ASCII letter or digit has no word boundary in datatrove's pattern.
bool UnicodeWordBefore(std::string_view text, size_t begin) {
  if (begin == 0 || static_cast<unsigned char>(text[begin - 1]) < 0x80) return false;
  size_t i = begin - 1;
  while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  auto at = static_cast<int32_t>(i);
  UChar32 c = 0;
  U8_NEXT(p, at, static_cast<int32_t>(text.size()), c);
  return c >= 0 && (u_isalnum(c) || c == '_' || u_charType(c) == U_NON_SPACING_MARK);
}

}  // namespace

PiiOptions PiiOptions::Parse(OptionReader& reader) {
  PiiOptions o;
  reader.Get("email", o.email);
  reader.Get("ip", o.ip);
  reader.Get("ipv6", o.ipv6);
  reader.Get("ip_public_only", o.ip_public_only);
  reader.Get("skip_version_numbers", o.skip_version_numbers);
  reader.Get("phone", o.phone);
  reader.Get("email_token", o.email_token);
  reader.Get("ip_token", o.ip_token);
  reader.Get("phone_token", o.phone_token);
  return o;
}

PiiRedactor::PiiRedactor(const PiiOptions& options)
    : options_(options),
      // datatrove's pattern, character for character.
      email_(R"(\b[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:(?:[A-Za-z0-9](?:[)"
             R"(A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|\[(?:(?:25[0-5]|2[0-4][0-9]|[)"
             R"(01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[A-Za-z0-9-]*[A-Za-z0-9]:)]))"),
      ipv4_(R"(\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b)"),
      ipv4_datatrove_(R"((?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?))"),
      ipv6_(R"((?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:(?:\.[0-9]{1,3}){3})?)"),
      phone_(R"((?:\+|\b)[0-9][0-9 ().-]{7,18}[0-9]\b)") {}

std::string PiiRedactor::Redact(std::string_view text, int64_t& emails, int64_t& ipv4, int64_t& ipv6,
                                int64_t& phones) const {
  std::vector<Span> spans;
  // Scan each pattern with Match() from successive positions.
  // A rejected match: `retry_inside` tries the next start (a failed \b
  // would); else the scan goes on after it (Python's re.sub consumes a match
  // its validator returns unchanged).
  auto scan = [&](const RE2& re, const std::string& token, int kind, bool retry_inside, auto accept) {
    size_t pos = 0;
    re2::StringPiece m;
    while (pos < text.size() &&
           re.Match(re2::StringPiece(text.data(), text.size()), pos, text.size(), RE2::UNANCHORED, &m, 1)) {
      const size_t begin = static_cast<size_t>(m.data() - text.data());
      const size_t end = begin + m.size();
      if (m.empty()) {
        pos = begin + 1;
        continue;
      }
      if (!accept(begin, end)) {
        pos = retry_inside ? begin + 1 : end;
        continue;
      }
      spans.push_back({begin, end, &token, kind});
      pos = end;
    }
  };
  if (options_.email) scan(email_, options_.email_token, 0, true, [&](size_t b, size_t) {
    return !(IsWordByte(text[b]) && UnicodeWordBefore(text, b));
  });
  if (options_.ip) {
    // skip_version_numbers off: datatrove's pattern (no \b), whose matches
    // with a leading-zero octet ("108.0.0.01") Python's ipaddress rejects.
    const bool exact = !options_.skip_version_numbers;
    scan(exact ? ipv4_datatrove_ : ipv4_, options_.ip_token, 1, !exact, [&](size_t b, size_t e) {
      if (!exact && LooksLikeVersion(text, b, e)) return false;
      in_addr addr{};
      if (inet_pton(AF_INET, std::string(text.substr(b, e - b)).c_str(), &addr) != 1) return false;
      return !options_.ip_public_only || IsGlobalIpv4(text.substr(b, e - b));
    });
  }
  if (options_.ip && options_.ipv6) {
    scan(ipv6_, options_.ip_token, 2, false, [&](size_t b, size_t e) {
      const std::string candidate(text.substr(b, e - b));
      if (std::count(candidate.begin(), candidate.end(), ':') < 2) return false;
      in6_addr addr{};
      if (inet_pton(AF_INET6, candidate.c_str(), &addr) != 1) return false;  // "12:30:45" is no address
      return !options_.ip_public_only || IsGlobalIpv6(addr);
    });
  }
  if (options_.phone) {
    scan(phone_, options_.phone_token, 3, false, [&](size_t b, size_t e) {
      int digits = 0;
      for (size_t i = b; i < e; ++i) digits += IsDigit(text[i]);
      return digits >= 9 && digits <= 15;
    });
  }
  if (spans.empty()) return std::string(text);
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin < b.begin || (a.begin == b.begin && a.end > b.end);
  });
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (const Span& s : spans) {
    if (s.begin < copied) continue;  // overlaps an earlier (longer) span
    out.append(text.substr(copied, s.begin - copied));
    out.append(*s.token);
    copied = s.end;
    (s.kind == 0 ? emails : s.kind == 1 ? ipv4 : s.kind == 2 ? ipv6 : phones)++;
  }
  out.append(text.substr(copied));
  return out;
}

void PiiStage::ProcessDoc(Document& doc) {
  int64_t emails = 0, ipv4 = 0, ipv6 = 0, phones = 0;
  std::string redacted = redactor_.Redact(doc.text, emails, ipv4, ipv6, phones);
  if (emails + ipv4 + ipv6 + phones == 0) return;
  doc.text = std::move(redacted);
  counters_.Add("docs_with_pii");
  if (emails) counters_.Add("redacted.email", emails);
  if (ipv4) counters_.Add("redacted.ipv4", ipv4);
  if (ipv6) counters_.Add("redacted.ipv6", ipv6);
  if (phones) counters_.Add("redacted.phone", phones);
}

Json PiiStage::Stats() const { return counters_.ToJson(); }

void RegisterPiiStage(Registry& registry) {
  registry.Add("pii", [](OptionReader& reader, const StageContext&) {
    return std::make_unique<PiiStage>(PiiOptions::Parse(reader));
  });
}

}  // namespace textmill
