#include "pipeline/util/utf8.h"

#include <simdjson.h>
#include <unicode/utf8.h>

namespace textmill {

bool IsValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

void AppendUtf8(char32_t c, std::string& out) {
  char buf[U8_MAX_LENGTH];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(buf, len, U8_MAX_LENGTH, static_cast<UChar32>(c), error);
  if (!error) out.append(buf, static_cast<size_t>(len));
}

int64_t RepairUtf8(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  int64_t repairs = 0;
  const auto* bytes = reinterpret_cast<const uint8_t*>(in.data());
  const auto length = static_cast<int32_t>(in.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) {
      out += "\xEF\xBF\xBD";
      ++repairs;
    } else if (c == 0) {
      ++repairs;  // NUL bytes break C tools downstream; drop them
    } else {
      out.append(in.data() + start, static_cast<size_t>(i - start));
    }
  }
  return repairs;
}

int64_t RepairUtf8InPlace(std::string& s) {
  if (IsValidUtf8(s) && s.find('\0') == std::string::npos) return 0;
  std::string repaired;
  const int64_t repairs = RepairUtf8(s, repaired);
  s.swap(repaired);
  return repairs;
}

}  // namespace textmill
