#include "stages/dedup/minhash.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>
#include <xxhash.h>

#include <algorithm>
#include <limits>
#include <random>

#include "pipeline/util/strings.h"

namespace textmill {

std::string DedupNormalize(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  // NFKC_Casefold does NFKC and case folding in one ICU call. On ASCII it is
  // lower-casing A-Z, done here without the call (most lines of most pages).
  const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  const icu::Normalizer2* nfkc_cf = ascii ? nullptr : icu::Normalizer2::getNFKCCasefoldInstance(status);
  std::string folded;
  if (ascii) {
    folded = AsciiLower(text);
  } else if (U_SUCCESS(status)) {
    icu::StringByteSink<std::string> sink(&folded);
    nfkc_cf->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink, nullptr,
                           status);
  }
  if (U_FAILURE(status)) folded.assign(text);
  std::string out;
  out.reserve(folded.size());
  const auto* s = reinterpret_cast<const uint8_t*>(folded.data());
  const auto n = static_cast<int32_t>(folded.size());
  bool space = false;
  for (int32_t i = 0; i < n;) {
    if (s[i] < 0x80) {  // ASCII: White_Space is U+0009..U+000D and U+0020
      const char c = static_cast<char>(s[i++]);
      if (c == ' ' || (c >= '\t' && c <= '\r')) {
        space = !out.empty();
        continue;
      }
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
      continue;
    }
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    if (c < 0) continue;
    if (u_isUWhiteSpace(c) || c == 0x200B) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.append(folded, static_cast<size_t>(start), static_cast<size_t>(i - start));
  }
  return out;
}

ExactKey ExactKeyOf(std::string_view normalized) {
  const XXH128_hash_t h = XXH3_128bits(normalized.data(), normalized.size());
  return {h.high64, h.low64};
}

std::vector<uint64_t> Shingles(std::string_view normalized, int n) {
  std::vector<uint64_t> words;
  const auto* s = reinterpret_cast<const uint8_t*>(normalized.data());
  const auto len = static_cast<int32_t>(normalized.size());
  int32_t i = 0;
  while (i < len) {
    int32_t start = -1, end = i;
    while (i < len) {
      const int32_t at = i;
      bool word_char = false;
      if (s[i] < 0x80) {  // ASCII fast path
        const uint8_t c = s[i++];
        word_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
      } else {
        UChar32 c = 0;
        U8_NEXT(s, i, len, c);
        word_char = c >= 0 && (u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK);
      }
      if (word_char) {
        if (start < 0) start = at;
        end = i;
      } else if (start >= 0) {
        break;
      }
    }
    if (start >= 0) words.push_back(XXH3_64bits(normalized.data() + start, static_cast<size_t>(end - start)));
  }
  std::vector<uint64_t> shingles;
  if (words.empty()) return shingles;
  const size_t k = std::min(words.size(), static_cast<size_t>(n));
  shingles.reserve(words.size() - k + 1);
  for (size_t w = 0; w + k <= words.size(); ++w) {
    shingles.push_back(XXH3_64bits(words.data() + w, k * sizeof(uint64_t)));
  }
  return shingles;
}

MinHasher::MinHasher(int num_perm, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < num_perm; ++i) {
    a_.push_back(rng() | 1);
    b_.push_back(rng());
  }
}

namespace {

// The hot loop, compiled twice: for AVX2 (4 lanes of 64-bit arithmetic) and
// for baseline x86-64; the loader picks the one the CPU runs. Same integers,
// same signatures either way.
__attribute__((target_clones("avx2", "default")))
void MinInto(const uint64_t* shingles, size_t count, const uint64_t* a, const uint64_t* b, size_t n, uint32_t* sig) {
  for (size_t s = 0; s < count; ++s) {
    const uint64_t x = shingles[s];
    for (size_t i = 0; i < n; ++i) {
      const auto h = static_cast<uint32_t>((a[i] * x + b[i]) >> 32);
      sig[i] = h < sig[i] ? h : sig[i];
    }
  }
}

}  // namespace

std::vector<uint32_t> MinHasher::Signature(const std::vector<uint64_t>& shingles) const {
  std::vector<uint32_t> signature(a_.size(), std::numeric_limits<uint32_t>::max());
  MinInto(shingles.data(), shingles.size(), a_.data(), b_.data(), a_.size(), signature.data());
  return signature;
}

double EstimatedJaccard(const uint32_t* a, const uint32_t* b, int num_perm) {
  int equal = 0;
  for (int i = 0; i < num_perm; ++i) equal += a[i] == b[i];
  return num_perm > 0 ? static_cast<double>(equal) / num_perm : 0.0;
}

std::vector<uint32_t> BandKeys(const std::vector<uint32_t>& signature, int bands, int rows) {
  std::vector<uint32_t> keys(static_cast<size_t>(bands));
  for (int i = 0; i < bands; ++i) {
    keys[static_cast<size_t>(i)] = static_cast<uint32_t>(
        XXH3_64bits_withSeed(signature.data() + i * rows, static_cast<size_t>(rows) * sizeof(uint32_t),
                             static_cast<uint64_t>(i)));
  }
  return keys;
}

uint64_t LineKey(std::string_view line) {
  const std::string normalized = DedupNormalize(line);
  return XXH3_64bits(normalized.data(), normalized.size());
}

}  // namespace textmill
