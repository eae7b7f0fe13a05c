// The `pii` stage: textmill's own cases, and datatrove's PII test cases.
//
// kIpTest* and kEmailTest* are ported from huggingface/datatrove
// tests/pipeline/filters/test_pii_removal.py (commit 6345b00a, March 2026):
//   Copyright 2024 The HuggingFace Inc. team.
//   Licensed under the Apache License, Version 2.0 (the "License"); you may
//   not use this file except in compliance with the License. You may obtain
//   a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
//   Unless required by applicable law or agreed to in writing, software
//   distributed under the License is distributed on an "AS IS" BASIS,
//   WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
//   See the License for the specific language governing permissions and
//   limitations under the License.
#include "stages/pii/pii.h"

#include <gtest/gtest.h>

namespace textmill {
namespace {

const std::string kIpTestInput = R"dt(It correctly doesn't match this invalid ips:
999.999.999.999.
108.0.0.01
0.1.2.3
00.0000.00.00
192.168.l.1
912.456.123.123
.3.3.3.0
192.168.o.0

It doesn't match local IPs:

172.16.0.9
172.16.4.1
172.17.1.1
127.0.0.2
10.0.1.5
10.0.0.1
10.155.155.155
10.255.255.254
172.16.0.4
172.16.0.1
172.17.1.1
172.31.254.254
192.168.1.2
192.168.254.0

valid ips:
163.36.107.25
114.35.103.54
57.120.21.121
13.83.69.70
29.116.31.158
193.163.229.23
211.160.67.46
4.132.211.142
214.70.227.4
35.88.121.75)dt";
const std::string kIpTestOutput = R"dt(It correctly doesn't match this invalid ips:
999.999.999.999.
108.0.0.01
0.1.2.3
00.0000.00.00
192.168.l.1
912.456.123.123
.IP
192.168.o.0

It doesn't match local IPs:

172.16.0.9
172.16.4.1
172.17.1.1
127.0.0.2
10.0.1.5
10.0.0.1
10.155.155.155
10.255.255.254
172.16.0.4
172.16.0.1
172.17.1.1
172.31.254.254
192.168.1.2
192.168.254.0

valid ips:
IP
IP
IP
IP
IP
IP
IP
IP
IP
IP)dt";
const std::string kEmailTestInput = R"dt(Use: for testing against email regex
ref: http://codefool.tumblr.com/post/15288874550/list-of-valid-and-invalid-email-addresses


List of Valid Email Addresses

email@example.com
firstname.lastname@example.com
email@subdomain.example.com
firstname+lastname@example.com
email@123.123.123.123
email@[123.123.123.123]
"email"@example.com
1234567890@example.com
email@example-one.com
_______@example.com
email@example.name
email@example.museum
email@example.co.jp
firstname-lastname@example.com
NAME@MYSITE.COM



List of Strange Valid Email Addresses

much.”more\ unusual”@example.com
very.unusual.”@”.unusual.com@example.com
very.”(),:;<>[]”.VERY.”very@\ "very”.unusual@strange.example.com



List of Invalid Email Addresses

plainaddress
#@%^%#$@#$@#.com
@example.com
Joe Smith <email@example.com>
email.example.com
email@example@example.com
.email@example.com
email.@example.com
email..email@example.com
あいうえお@example.com
email@example.com (Joe Smith)
email@example
email@-example.com
email@example.web
email@111.222.333.44444
email@example..com
Abc..123@example.com



List of Strange Invalid Email Addresses

”(),:;<>[\]@example.com
just”not”right@example.com
this\ is"really"not\allowed@example.com)dt";
const std::string kEmailTestOutput = R"dt(Use: for testing against email regex
ref: http://codefool.tumblr.com/post/15288874550/list-of-valid-and-invalid-email-addresses


List of Valid Email Addresses

EMAIL
EMAIL
EMAIL
EMAIL
EMAIL
EMAIL
"email"@example.com
EMAIL
EMAIL
EMAIL
EMAIL
EMAIL
EMAIL
EMAIL
EMAIL



List of Strange Valid Email Addresses

much.”more\ unusual”@example.com
very.unusual.”@”.EMAIL
very.”(),:;<>[]”.VERY.”very@\ "very”.EMAIL



List of Invalid Email Addresses

plainaddress
#@%^%#$@#$@#.com
@example.com
Joe Smith <EMAIL>
email.example.com
email@EMAIL
.EMAIL
email.@example.com
email..EMAIL
あいうえお@example.com
EMAIL (Joe Smith)
email@example
email@-example.com
EMAIL
EMAIL
email@example..com
Abc..EMAIL



List of Strange Invalid Email Addresses

”(),:;<>[\]@example.com
just”not”EMAIL
this\ is"really"not\EMAIL)dt";

std::string Redact(const PiiOptions& options, const std::string& text) {
  int64_t e = 0, v4 = 0, v6 = 0, ph = 0;
  return PiiRedactor(options).Redact(text, e, v4, v6, ph);
}

// datatrove's PIIFormatter(email_replacement="EMAIL", ip_replacement="IP"):
// invalid IPs not matched, private and local IPs kept, public ones replaced.
PiiOptions DatatroveTokens() {
  PiiOptions o;
  o.email_token = "EMAIL";
  o.ip_token = "IP";
  return o;
}

TEST(PiiDatatroveCasesTest, IpAddresses) { EXPECT_EQ(Redact(DatatroveTokens(), kIpTestInput), kIpTestOutput); }

TEST(PiiDatatroveCasesTest, EmailAddresses) {
  EXPECT_EQ(Redact(DatatroveTokens(), kEmailTestInput), kEmailTestOutput);
}

// With skip_version_numbers off the IPv4 pattern is datatrove's own: the same
// cases give the same output, and "1.2.3.4.5" loses its first four numbers as there.
TEST(PiiDatatroveCasesTest, DatatroveIpPattern) {
  PiiOptions o = DatatroveTokens();
  o.skip_version_numbers = false;
  EXPECT_EQ(Redact(o, kIpTestInput), kIpTestOutput);
  EXPECT_EQ(Redact(o, "v1.2.3.4 and 1.2.3.4.5"), "vIP and IP.5");
  EXPECT_EQ(Redact(DatatroveTokens(), "v1.2.3.4 and 1.2.3.4.5"), "v1.2.3.4 and 1.2.3.4.5");
}

TEST(PiiTest, PrivateAddressesKeptUnlessAsked) {
  const std::string text = "lan 192.168.1.20, loopback ::1, ula fd00::1, doc 2001:db8::1, shared 100.64.1.1";
  EXPECT_EQ(Redact(PiiOptions{}, text), text);
  PiiOptions all;
  all.ip_public_only = false;
  EXPECT_EQ(Redact(all, text),
            "lan <IP_ADDRESS>, loopback <IP_ADDRESS>, ula <IP_ADDRESS>, doc <IP_ADDRESS>, shared <IP_ADDRESS>");
  PiiOptions v4_only;
  v4_only.ipv6 = false;
  EXPECT_EQ(Redact(v4_only, "8.8.8.8 and 2a00:1450:4001:81b::200e"), "<IP_ADDRESS> and 2a00:1450:4001:81b::200e");
}

TEST(PiiTest, EmailNeedsAUnicodeWordBoundary) {
  // Python's \b: "é" is a word character, so no address starts inside "éjohn".
  EXPECT_EQ(Redact(PiiOptions{}, "éjohn@example.com and (jane@example.com)"),
            "éjohn@example.com and (<EMAIL>)");
}

TEST(PiiTest, RedactsEmailsAndAddressesNotVersions) {
  PiiRedactor redactor{PiiOptions{}};
  int64_t e = 0, v4 = 0, v6 = 0, ph = 0;
  const std::string out = redactor.Redact(
      "Write to jane.doe+news@example.co.uk or ops@mail.example.org. Server 93.184.216.34 and 2a00:1450:4001:81b::200e "
      "answered; v1.2.3.4 and version 10.0.0.1 and 1.2.3.4.5 are versions; meeting at 12:30:45; call +1 (555) 123-4567.",
      e, v4, v6, ph);
  EXPECT_EQ(e, 2);
  EXPECT_EQ(v4, 1);
  EXPECT_EQ(v6, 1);
  EXPECT_EQ(ph, 0);  // phones are off by default
  EXPECT_NE(out.find("Write to <EMAIL> or <EMAIL>."), std::string::npos) << out;
  EXPECT_NE(out.find("Server <IP_ADDRESS> and <IP_ADDRESS> answered"), std::string::npos) << out;
  EXPECT_NE(out.find("v1.2.3.4 and version 10.0.0.1 and 1.2.3.4.5"), std::string::npos) << out;
  EXPECT_NE(out.find("12:30:45"), std::string::npos) << out;
  PiiOptions phones;
  phones.phone = true;
  phones.phone_token = "[PHONE]";
  const std::string with_phone = PiiRedactor(phones).Redact("call +1 (555) 123-4567 today", e, v4, v6, ph);
  EXPECT_EQ(with_phone, "call [PHONE] today");
}

TEST(PiiTest, HostileInputIsLinear) {
  PiiRedactor redactor{PiiOptions{}};
  int64_t e = 0, v4 = 0, v6 = 0, ph = 0;
  // RE2 keeps these linear (no timed assertion: the machines are shared).
  // A 400 KB "local@domain" with no dot in the domain is not an address.
  std::string hostile(200000, 'a');
  hostile += "@";
  hostile += std::string(200000, 'b');
  EXPECT_EQ(redactor.Redact(hostile, e, v4, v6, ph), hostile);
  std::string colons(100000, ':');
  EXPECT_EQ(redactor.Redact(colons, e, v4, v6, ph), colons);  // not an IPv6 address
  // The same text with a real address at each end: both redacted, the rest kept.
  const std::string framed = "a@example.com " + colons + " b@example.org";
  const std::string redacted = redactor.Redact(framed, e, v4, v6, ph);
  EXPECT_EQ(e, 2);
  EXPECT_EQ(redacted.find("example.com"), std::string::npos);
  EXPECT_EQ(redacted.find("example.org"), std::string::npos);
  EXPECT_NE(redacted.find(colons), std::string::npos);
  EXPECT_EQ(v4 + v6 + ph, 0);
}

}  // namespace
}  // namespace textmill
