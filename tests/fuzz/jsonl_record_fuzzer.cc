// Fuzzes one JSONL record -> Document.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/io/document_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static textmill::JsonlRecordParser parser{textmill::JsonlFields{}};
  textmill::Document doc;
  std::string error;
  parser.Parse(std::string_view(reinterpret_cast<const char*>(data), size), doc, error);
  return 0;
}
