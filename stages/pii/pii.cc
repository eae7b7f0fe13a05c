#include "stages/pii/pii.h"

#include <arpa/inet.h>

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

}  // namespace

PiiOptions PiiOptions::Parse(OptionReader& reader) {
  PiiOptions o;
  reader.Get("email", o.email);
  reader.Get("ip", o.ip);
  reader.Get("phone", o.phone);
  reader.Get("email_token", o.email_token);
  reader.Get("ip_token", o.ip_token);
  reader.Get("phone_token", o.phone_token);
  return o;
}

PiiRedactor::PiiRedactor(const PiiOptions& options)
    : options_(options),
      email_(R"([A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})"),
      ipv4_(R"(\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b)"),
      ipv6_(R"((?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:(?:\.[0-9]{1,3}){3})?)"),
      phone_(R"((?:\+|\b)[0-9][0-9 ().-]{7,18}[0-9]\b)") {}

std::string PiiRedactor::Redact(std::string_view text, int64_t& emails, int64_t& ipv4, int64_t& ipv6,
                                int64_t& phones) const {
  std::vector<Span> spans;
  // Scan each pattern with Match() from successive positions.
  auto scan = [&](const RE2& re, const std::string& token, int kind, auto accept) {
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
      if (accept(begin, end)) spans.push_back({begin, end, &token, kind});
      pos = end;
    }
  };
  if (options_.email) scan(email_, options_.email_token, 0, [](size_t, size_t) { return true; });
  if (options_.ip) {
    scan(ipv4_, options_.ip_token, 1, [&](size_t b, size_t e) { return !LooksLikeVersion(text, b, e); });
    scan(ipv6_, options_.ip_token, 2, [&](size_t b, size_t e) {
      const std::string candidate(text.substr(b, e - b));
      if (std::count(candidate.begin(), candidate.end(), ':') < 2) return false;
      in6_addr addr{};
      return inet_pton(AF_INET6, candidate.c_str(), &addr) == 1;  // "12:30:45" is no address
    });
  }
  if (options_.phone) {
    scan(phone_, options_.phone_token, 3, [&](size_t b, size_t e) {
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
