// Fuzzes URL normalisation and the URL word rules (url_filter): any bytes,
// no crash, and a parsed host is canonical (normalising it again is a no-op).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "stages/url_filter/banned_words.h"
#include "stages/url_filter/url_parts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  if (const std::optional<textmill::UrlParts> parts = textmill::ParseUrl(url)) {
    if (!parts->is_ip && textmill::NormalizeHost(parts->host) != parts->host) std::abort();
  }
  static const textmill::SubwordMatcher matcher = [] {
    textmill::SubwordMatcher m;
    for (const char* word : {"abc", "bca", "zz9", "a"}) m.Add(word);
    m.Build();
    return m;
  }();
  matcher.Matches(textmill::NormalizeUrlWord(url));
  return 0;
}
