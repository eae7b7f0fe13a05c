// Fuzzes decompression and the charset path: bytes in any encoding -> valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pipeline/io/charset.h"
#include "pipeline/io/compression.h"
#include "pipeline/util/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const textmill::DecodedText decoded = textmill::DecodeToUtf8(bytes, "", size % 2 == 0);
  if (!textmill::IsValidUtf8(decoded.text)) std::abort();
  textmill::Decompress(bytes, textmill::Compression::kGzip, 1 << 20);
  textmill::Decompress(bytes, textmill::Compression::kZstd, 1 << 20);
  return 0;
}
