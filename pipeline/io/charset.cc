#include "pipeline/io/charset.h"

#include <uchardet/uchardet.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "pipeline/util/strings.h"
#include "pipeline/util/utf8.h"

namespace textmill {
namespace {

// WHATWG Encoding Standard label rules that matter in practice: browsers read
// "iso-8859-1" and "ascii" as windows-1252, and gb2312/gbk as gb18030.
std::string CanonicalCharset(std::string_view label) {
  std::string name = AsciiLower(label);
  while (!name.empty() && (name.back() == ' ' || name.back() == '"' || name.back() == '\'')) {
    name.pop_back();
  }
  if (name == "iso-8859-1" || name == "latin1" || name == "iso8859-1" || name == "us-ascii" ||
      name == "ascii" || name == "l1" || name == "cp1252") {
    return "windows-1252";
  }
  if (name == "gb2312" || name == "gbk" || name == "x-gbk") return "gb18030";
  if (name == "utf8" || name == "unicode-1-1-utf-8") return "utf-8";
  if (name == "x-sjis" || name == "sjis" || name == "ms_kanji") return "shift_jis";
  return name;
}

bool IsUtf8Name(std::string_view name) { return name == "utf-8"; }

// ICU conversion; false if ICU does not know the charset.
bool ConvertWithIcu(std::string_view bytes, const std::string& charset, std::string& out,
                    int64_t& repairs) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* probe = ucnv_open(charset.c_str(), &status);
  if (U_FAILURE(status) || probe == nullptr) return false;
  ucnv_close(probe);
  const icu::UnicodeString unicode(bytes.data(), static_cast<int32_t>(bytes.size()),
                                   charset.c_str());
  out.clear();
  unicode.toUTF8String(out);
  // ICU substitutes U+FFFD (or SUB) for unmappable bytes; count them as repairs.
  for (size_t pos = out.find("\xEF\xBF\xBD"); pos != std::string::npos;
       pos = out.find("\xEF\xBF\xBD", pos + 3)) {
    ++repairs;
  }
  repairs += RepairUtf8InPlace(out);  // drops NULs
  return true;
}

std::string DetectWithUchardet(std::string_view bytes) {
  std::unique_ptr<std::remove_pointer_t<uchardet_t>, void (*)(uchardet_t)> detector(
      uchardet_new(), uchardet_delete);
  const size_t sample = std::min<size_t>(bytes.size(), 64 * 1024);
  if (uchardet_handle_data(detector.get(), bytes.data(), sample) != 0) return "";
  uchardet_data_end(detector.get());
  const char* name = uchardet_get_charset(detector.get());
  return name ? std::string(name) : "";
}

}  // namespace

std::string SniffHtmlCharset(std::string_view html) {
  const std::string head = AsciiLower(html.substr(0, 4096));
  size_t pos = head.find("<?xml");
  if (pos != std::string::npos) {
    const size_t end = head.find("?>", pos);
    const size_t enc = head.find("encoding=", pos);
    if (enc != std::string::npos && enc < end) pos = enc + 9;
    else pos = std::string::npos;
  }
  if (pos == std::string::npos) {
    for (size_t meta = head.find("<meta"); meta != std::string::npos;
         meta = head.find("<meta", meta + 5)) {
      const size_t close = head.find('>', meta);
      const size_t cs = head.find("charset", meta);
      if (cs == std::string::npos || (close != std::string::npos && cs > close)) continue;
      size_t p = cs + 7;
      while (p < head.size() && (head[p] == ' ' || head[p] == '=')) ++p;
      pos = p;
      break;
    }
  }
  if (pos == std::string::npos) return "";
  while (pos < head.size() && (head[pos] == '"' || head[pos] == '\'' || head[pos] == ' ')) ++pos;
  size_t end = pos;
  while (end < head.size() && (std::isalnum(static_cast<unsigned char>(head[end])) ||
                               head[end] == '-' || head[end] == '_' || head[end] == '.' ||
                               head[end] == ':')) {
    ++end;
  }
  return head.substr(pos, end - pos);
}

bool LooksBinary(std::string_view bytes) {
  const std::string_view head = bytes.substr(0, 8192);
  if (head.size() >= 2 && ((head[0] == '\xFF' && head[1] == '\xFE') ||
                           (head[0] == '\xFE' && head[1] == '\xFF'))) {
    return false;  // UTF-16 with a BOM has NULs but is text
  }
  // Random binary data has about 12% bytes below 0x20; text has next to
  // none. A stray NUL in a page (it happens) does not make it binary.
  size_t control = 0;
  for (const char ch : head) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1B) ++control;
  }
  return head.size() > 0 && control * 20 > head.size();  // > 5% control bytes
}

bool LooksLikeHtml(std::string_view text) {
  std::string head = AsciiLower(text.substr(0, 2048));
  for (const char* marker : {"<!doctype html", "<html", "<head", "<body", "<meta ", "<title"}) {
    if (head.find(marker) != std::string::npos) return true;
  }
  return false;
}

DecodedText DecodeToUtf8(std::string_view bytes, std::string_view declared, bool is_html) {
  DecodedText result;
  // 1. Byte-order mark.
  std::string bom_charset;
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bom_charset = "utf-8";
    bytes.remove_prefix(3);
  } else if (bytes.starts_with("\xFF\xFE")) {
    bom_charset = "utf-16le";
  } else if (bytes.starts_with("\xFE\xFF")) {
    bom_charset = "utf-16be";
  }
  if (!bom_charset.empty() && !IsUtf8Name(bom_charset)) {
    if (ConvertWithIcu(bytes.substr(2), bom_charset, result.text, result.repairs)) {
      result.charset = bom_charset;
      result.how = "bom";
      return result;
    }
  }
  // 2. Already UTF-8.
  if (IsUtf8Name(bom_charset) || IsValidUtf8(bytes)) {
    result.charset = "utf-8";
    result.how = bom_charset.empty() ? "utf8" : "bom";
    result.text.assign(bytes);
    result.repairs = RepairUtf8InPlace(result.text);
    return result;
  }
  // 3. Declared charset.
  std::string charset = CanonicalCharset(declared);
  if (charset.empty() && is_html) charset = CanonicalCharset(SniffHtmlCharset(bytes));
  if (!charset.empty()) {
    if (IsUtf8Name(charset)) {
      result.text.assign(bytes);
      result.repairs = RepairUtf8InPlace(result.text);
      result.charset = "utf-8";
      result.how = "declared";
      return result;
    }
    if (ConvertWithIcu(bytes, charset, result.text, result.repairs)) {
      result.charset = charset;
      result.how = "declared";
      return result;
    }
  }
  // 4. Detection, 5. fallback.
  charset = CanonicalCharset(DetectWithUchardet(bytes));
  result.how = "detected";
  if (IsUtf8Name(charset)) {  // mostly UTF-8 with a few broken sequences
    result.text.assign(bytes);
    result.repairs = RepairUtf8InPlace(result.text);
    result.charset = charset;
    return result;
  }
  if (charset.empty() || !ConvertWithIcu(bytes, charset, result.text, result.repairs)) {
    charset = "windows-1252";
    result.how = "fallback";
    result.repairs = 0;
    ConvertWithIcu(bytes, charset, result.text, result.repairs);
  }
  result.charset = charset;
  return result;
}

}  // namespace textmill
