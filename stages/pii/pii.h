// Stage `pii`: redacts personal data in `text` with configurable tokens:
// e-mail addresses, IPv4 and IPv6 addresses, and optionally phone numbers.
// Patterns are RE2 (linear time on hostile input); IPv6 candidates are
// confirmed with inet_pton.
//
// As datatrove's PIIFormatter (pipeline/formatters/pii.py, FineWeb's): its
// e-mail pattern (no address starts right after a non-ASCII letter, as
// Python's Unicode \b has it; RE2's \b is ASCII); IPv4 with
// octets 0-255 without leading zeros, and only public addresses redacted
// (ip_public_only; Python's ipaddress is_global: not 0/8, 10/8, 100.64/10,
// 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24, 192.168/16,
// 198.18/15, 198.51.100/24, 203.0.113/24, 240/4, 255.255.255.255).
// Where textmill differs (options): IPv6 addresses are redacted too (ipv6;
// datatrove has none; loopback, link-local, unique-local and documentation
// ranges are not public), and dotted numbers that read as versions
// ("v1.2.3.4", "version 10.0.0.1", "1.2.3.4.5") are not addresses
// (skip_version_numbers; datatrove redacts the first four numbers of "1.2.3.4.5").
// One token per kind (datatrove's default cycles through example addresses).
//
// Reads and writes: text. Rejects: none. Counters: redacted.email,
// redacted.ipv4, redacted.ipv6, redacted.phone, docs_with_pii.
#pragma once

#include <memory>
#include <string>

#include <re2/re2.h>

#include "pipeline/counters.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"

namespace textmill {

struct PiiOptions {
  bool email = true;
  bool ip = true;
  bool ipv6 = true;                  // datatrove: IPv4 only
  bool ip_public_only = true;        // as datatrove: private and local addresses are kept
  bool skip_version_numbers = true;  // datatrove: false
  bool phone = false;  // off by default: phone patterns also match many non-phone numbers
  std::string email_token = "<EMAIL>";
  std::string ip_token = "<IP_ADDRESS>";
  std::string phone_token = "<PHONE>";

  static PiiOptions Parse(OptionReader& reader);
};

// Redacts `text`; adds to the per-kind counts. Thread-safe.
class PiiRedactor {
 public:
  explicit PiiRedactor(const PiiOptions& options);
  std::string Redact(std::string_view text, int64_t& emails, int64_t& ipv4, int64_t& ipv6, int64_t& phones) const;

 private:
  PiiOptions options_;
  RE2 email_, ipv4_, ipv4_datatrove_, ipv6_, phone_;
};

class PiiStage : public Stage {
 public:
  explicit PiiStage(const PiiOptions& options) : redactor_(options) {}
  std::string_view Name() const override { return "pii"; }
  void ProcessDoc(Document& doc) override;
  Json Stats() const override;

 private:
  PiiRedactor redactor_;
  mutable Counters counters_;
};

void RegisterPiiStage(Registry& registry);

}  // namespace textmill
