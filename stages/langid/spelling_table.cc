#include "stages/langid/spelling_table.h"

#include <link.h>
#include <unicode/uvernum.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/util/atomic_file.h"
#include "pipeline/util/hash.h"

namespace textmill {
namespace {

constexpr std::string_view kMagic = "textmill spelling table 1\n";

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return false;
  out = std::move(buffer).str();
  return true;
}

// The Hunspell library this process runs, as the hash of its bytes (a
// patched library keeps its file name): its answers are part of what a table
// records. "" if it is not a shared library of its own.
std::string HunspellLibraryHash() {
  std::string path;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        const std::string_view name = info->dlpi_name ? info->dlpi_name : "";
        if (name.find("libhunspell") == std::string_view::npos) return 0;
        *static_cast<std::string*>(data) = std::string(name);
        return 1;
      },
      &path);
  return path.empty() ? "" : HashFile(path);  // the bytes, not where they are (/lib or /usr/lib)
}

}  // namespace

uint64_t DictionaryFingerprint(const std::string& base) {
  static const std::string library = HunspellLibraryHash();
  const std::string aff = HashFile(base + ".aff"), dic = HashFile(base + ".dic");
  if (aff.empty() || dic.empty()) return 0;
  // Also what shapes the answers on this side: how WordLists asks (bump
  // kSpellingAnswersVersion when it changes) and ICU, which converts words for
  // dictionaries in legacy charsets.
  const std::string identity =
      library + " " + aff + " " + dic + " " + std::to_string(kSpellingAnswersVersion) + " " + U_ICU_VERSION;
  const uint64_t fingerprint = Hash64(identity);
  return fingerprint == 0 ? 1 : fingerprint;
}

std::optional<SpellingTable> SpellingTable::Open(const std::string& path, uint64_t fingerprint, std::string* why) {
  const auto fail = [&](const std::string& reason) -> std::optional<SpellingTable> {
    if (why) *why = reason;
    return std::nullopt;
  };
  SpellingTable table;
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return fail("cannot be read");
  if (size > UINT32_MAX) return fail("is too large");  // offsets are 32-bit
  if (!ReadFile(path, table.text_)) return fail("cannot be read");
  const std::string_view text = table.text_;
  if (!text.starts_with(kMagic)) return fail("is not a spelling table");
  size_t pos = kMagic.size();
  const size_t header_end = text.find('\n', pos);
  if (header_end == std::string_view::npos) return fail("is truncated");
  char expected[17];
  std::snprintf(expected, sizeof(expected), "%016llx", static_cast<unsigned long long>(fingerprint));
  if (text.substr(pos, header_end - pos) != expected) return fail("was made from another version of the dictionary");
  pos = header_end + 1;
  if (text.size() > UINT32_MAX) return fail("is too large");  // grown since
  while (pos < text.size()) {
    const size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) return fail("is truncated");
    const std::string_view line = text.substr(pos, end - pos);
    // "word<TAB>1" or "word<TAB>0", in strictly increasing byte order (the
    // lookup is a binary search).
    if (line.size() < 3 || line.find('\t') != line.size() - 2 || (line.back() != '0' && line.back() != '1')) {
      return fail("has a malformed line");
    }
    table.lines_.push_back(static_cast<uint32_t>(pos));
    if (table.lines_.size() > 1 && !(table.WordAt(table.lines_.size() - 2) < table.WordAt(table.lines_.size() - 1))) {
      return fail("is not sorted");
    }
    pos = end + 1;
  }
  return table;
}

std::string_view SpellingTable::WordAt(size_t i) const {
  const std::string_view rest = std::string_view(text_).substr(lines_[i]);
  return rest.substr(0, rest.find('\t'));
}

std::optional<bool> SpellingTable::Answer(std::string_view word) const {
  size_t low = 0, high = lines_.size();
  while (low < high) {
    const size_t mid = low + (high - low) / 2;
    const std::string_view at = WordAt(mid);
    if (at == word) return text_[lines_[mid] + word.size() + 1] == '1';
    if (at < word) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return std::nullopt;
}

void SpellingTable::Write(const std::string& path, uint64_t fingerprint,
                          std::vector<std::pair<std::string, bool>> answers) {
  std::sort(answers.begin(), answers.end());
  answers.erase(
      std::unique(answers.begin(), answers.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
      answers.end());
  std::string out(kMagic);
  char header[18];
  std::snprintf(header, sizeof(header), "%016llx\n", static_cast<unsigned long long>(fingerprint));
  out += header;
  for (const auto& [word, accepted] : answers) {
    if (word.empty() || word.find_first_of("\t\n") != std::string::npos) continue;  // never a word
    out += word;
    out += accepted ? "\t1\n" : "\t0\n";
  }
  WriteFileAtomic(path, out);
}

}  // namespace textmill
