#include "stages/decontaminate/ngram_words.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <string>

#include "pipeline/util/hash.h"

namespace textmill {
namespace {

bool IsWordCodePoint(UChar32 c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (u_isalnum(c)) return true;
  const int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK;
}

}  // namespace

void SplitNormalizedWords(std::string_view text, std::vector<WordSpan>& words) {
  words.clear();
  std::string folded;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto size = static_cast<int32_t>(text.size());
  int32_t i = 0;
  size_t word_begin = 0;
  bool in_word = false;
  while (i <= size) {
    const int32_t at = i;
    UChar32 c = -1;
    if (i < size) {
      if (bytes[i] < 0x80) {
        c = bytes[i++];  // ASCII: most of the text, no ICU call
      } else {
        U8_NEXT(bytes, i, size, c);
      }
    } else {
      ++i;
    }
    if (c >= 0 && IsWordCodePoint(c)) {
      if (!in_word) {
        in_word = true;
        word_begin = static_cast<size_t>(at);
        folded.clear();
      }
      if (c < 0x80) {
        folded += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      } else {
        uint8_t buffer[U8_MAX_LENGTH];
        int32_t length = 0;
        U8_APPEND_UNSAFE(buffer, length, u_foldCase(c, U_FOLD_CASE_DEFAULT));  // 4 bytes always fit
        folded.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(length));
      }
    } else if (in_word) {
      in_word = false;
      words.push_back({word_begin, static_cast<size_t>(at), Hash64(folded)});
    }
  }
}

uint64_t NgramKey(const WordSpan* first, int n) {
  uint64_t hashes[64];
  for (int k = 0; k < n; ++k) hashes[k] = first[k].hash;
  return Hash64(std::string_view(reinterpret_cast<const char*>(hashes), static_cast<size_t>(n) * sizeof(uint64_t)));
}

}  // namespace textmill
