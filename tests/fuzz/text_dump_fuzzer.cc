// Fuzzes text-dump cleaning followed by normalization (which must be idempotent).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "pipeline/util/utf8.h"
#include "stages/extract/boilerplate_phrases.h"
#include "stages/normalize/normalize.h"
#include "stages/extract/text_dump_cleaner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const textmill::BoilerplatePhrases phrases(TEXTMILL_PHRASES);
  std::string text;
  textmill::RepairUtf8(std::string_view(reinterpret_cast<const char*>(data), size), text);
  const std::string cleaned = textmill::CleanTextDump(text, &phrases);
  const std::string once = textmill::NormalizeText(cleaned, {});
  if (textmill::NormalizeText(once, {}) != once || !textmill::IsValidUtf8(once)) std::abort();
  return 0;
}
