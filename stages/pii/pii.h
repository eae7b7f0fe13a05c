// Stage `pii`: redacts personal data in `text` with configurable tokens:
// e-mail addresses, IPv4 and IPv6 addresses (not version numbers such as
// "v1.2.3.4" or "version 10.0.0.1", nor parts of longer dotted numbers), and
// optionally phone numbers. Patterns are RE2 (linear time on hostile input);
// IPv6 candidates are confirmed with inet_pton.
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
  RE2 email_, ipv4_, ipv6_, phone_;
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
