// Fuzzes the WARC reader and the HTTP payload parser over a whole file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "pipeline/io/http_payload.h"
#include "pipeline/io/warc_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/textmill-fuzz-warc-" + std::to_string(getpid()) + ".warc";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  textmill::WarcReader reader(path, textmill::Compression::kNone, 1 << 20);
  textmill::WarcRecord record;
  while (reader.Next(record)) {
    if (record.type == "response") textmill::ParseHttpResponse(record.block, 1 << 20);
    reader.TakeProblems();
  }
  return 0;
}
