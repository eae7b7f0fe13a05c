#include "pipeline/util/utf8.h"

#include <cstdio>

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

std::string EscapeInvalidUtf8Path(std::string_view path) {
  if (IsValidUtf8(path)) return std::string(path);
  std::string out;
  out.reserve(path.size() + 16);
  for (size_t i = 0; i < path.size();) {
    const auto b = static_cast<unsigned char>(path[i]);
    size_t len = 0;
    if (b < 0x80) len = 1;
    else if (b >= 0xC2 && b <= 0xDF) len = 2;
    else if (b >= 0xE0 && b <= 0xEF) len = 3;
    else if (b >= 0xF0 && b <= 0xF4) len = 4;
    if (len > 0 && i + len <= path.size() && IsValidUtf8(path.substr(i, len)) && b != '%') {
      out.append(path.substr(i, len));
      i += len;
      continue;
    }
    char escape[4];
    std::snprintf(escape, sizeof escape, "%%%02X", b);
    out += escape;
    ++i;
  }
  return out;
}

}  // namespace textmill
