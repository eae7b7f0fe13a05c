#include "stages/word_lists.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <algorithm>

#include <hunspell/hunspell.hxx>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <filesystem>

namespace textmill {
namespace {

namespace fs = std::filesystem;

// Dictionary base paths (without .dic/.aff) for `lang` in `dir`.
std::vector<std::string> DictionaryPaths(const std::string& dir, const std::string& lang) {
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale locale(lang.c_str());
  locale.addLikelySubtags(status);
  const std::string region = U_SUCCESS(status) ? locale.getCountry() : "";
  // Portuguese: the European dictionary. Both accept the core vocabulary that
  // tells Portuguese from Spanish, Galician and Catalan (dev.tsv: pt 79.6% with
  // pt_PT, 79.8% with pt_BR), and pt_BR takes 17x longer to load (586 vs 34 ms),
  // a cost every process that meets a Spanish or Portuguese page pays.
  std::vector<std::string> preferred = {lang, lang == "pt" ? "pt_PT" : lang + "_" + region};
  // Serbian is written in Cyrillic and Latin: load both spellings.
  if (lang == "sr") preferred.push_back("sr_Latn_" + region);
  std::vector<std::string> found;
  std::vector<fs::path> loaded;  // ca_ES.dic is a symlink to ca.dic: one load, not two
  for (const std::string& base : preferred) {
    const fs::path p = fs::path(dir) / base;
    if (!fs::exists(p.string() + ".dic") || !fs::exists(p.string() + ".aff")) continue;
    std::error_code ec;
    const fs::path target = fs::canonical(p.string() + ".dic", ec);
    if (std::find(loaded.begin(), loaded.end(), target) != loaded.end()) continue;
    loaded.push_back(target);
    found.push_back(p.string());
  }
  if (!found.empty() || !fs::is_directory(dir)) return found;
  std::vector<std::string> any;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(lang + "_") && name.ends_with(".dic")) {
      const std::string base = (fs::path(dir) / name.substr(0, name.size() - 4)).string();
      if (fs::exists(base + ".aff")) any.push_back(base);
    }
  }
  std::sort(any.begin(), any.end());
  if (!any.empty()) found.push_back(any.front());
  return found;
}

// The script a dictionary is written in, from its locale name and ICU's likely
// subtags ("sr_RS" -> Cyrl, "sr_Latn_RS" -> Latn); -1 if unknown.
int DictionaryScript(const std::string& base) {
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale locale(fs::path(base).filename().string().c_str());
  locale.addLikelySubtags(status);
  if (U_FAILURE(status) || !*locale.getScript()) return -1;
  const int script = u_getPropertyValueEnum(UCHAR_SCRIPT, locale.getScript());
  return script == UCHAR_INVALID_CODE ? -1 : script;
}

// The script of the first letter of the words (USCRIPT_COMMON if none).
int WordsScript(const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    const auto* s = reinterpret_cast<const uint8_t*>(word.data());
    const auto n = static_cast<int32_t>(word.size());
    for (int32_t i = 0; i < n;) {
      UChar32 c = 0;
      U8_NEXT(s, i, n, c);
      UErrorCode status = U_ZERO_ERROR;
      const UScriptCode script = uscript_getScript(c, &status);
      if (U_SUCCESS(status) && script != USCRIPT_COMMON && script != USCRIPT_INHERITED) return script;
    }
  }
  return USCRIPT_COMMON;
}

}  // namespace

WordLists::WordLists(const std::string& dir, const std::vector<std::string>& languages) {
  for (const std::string& lang : languages) {
    for (const std::string& base : DictionaryPaths(dir, lang)) {
      Dictionary d;
      d.base = base;
      d.script = DictionaryScript(base);
      d.loaded = std::make_unique<std::once_flag>();
      d.mutex = std::make_unique<std::mutex>();
      dictionaries_[lang].push_back(std::move(d));
    }
  }
}

WordLists::~WordLists() = default;

void WordLists::Load(Dictionary& d) {
  std::call_once(*d.loaded, [&d] {
    d.hunspell = std::make_unique<Hunspell>((d.base + ".aff").c_str(), (d.base + ".dic").c_str());
    d.encoding = d.hunspell->get_dict_encoding();
  });
}

std::vector<std::string> WordLists::Languages() const {
  std::vector<std::string> out;
  for (const auto& entry : dictionaries_) out.push_back(entry.first);
  return out;
}

std::vector<std::string> WordLists::Words(std::string_view text, size_t max_words) {
  std::vector<std::string> words;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < n && words.size() < max_words) {
    int32_t start = i, end = i;
    int letters = 0;
    for (;;) {  // one run of letters (apostrophes and hyphens inside a word)
      if (i >= n) break;
      int32_t next = i;
      UChar32 c = 0;
      U8_NEXT(s, next, n, c);
      const bool letter = c >= 0 && (u_isalpha(c) || u_getCombiningClass(c) > 0 ||
                                     u_charType(c) == U_NON_SPACING_MARK || u_charType(c) == U_COMBINING_SPACING_MARK);
      if (!letter) {
        if (letters == 0) start = next;
        i = next;
        if (letters > 0) break;
        continue;
      }
      ++letters;
      i = next;
      end = i;
    }
    if (letters >= 2) words.emplace_back(text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
  }
  return words;
}

double WordLists::KnownShare(const std::string& lang, const std::vector<std::string>& words) const {
  const auto it = dictionaries_.find(lang);
  if (it == dictionaries_.end() || words.empty()) return -1;
  // A language written in two scripts (Serbian) has a dictionary for each:
  // only the one in the text's script is used, so the other is never loaded
  // (each takes most of a second).
  const int script = WordsScript(words);
  const bool any_in_script =
      std::any_of(it->second.begin(), it->second.end(), [&](const Dictionary& d) { return d.script == script; });
  int known = 0;
  for (const std::string& word : words) {
    bool accepted = false;
    for (Dictionary& d : it->second) {
      if (any_in_script && d.script != script) continue;
      Load(d);
      std::string encoded = word;
      if (d.encoding != "UTF-8" && d.encoding != "utf-8") {
        const icu::UnicodeString u = icu::UnicodeString::fromUTF8(word);
        encoded.assign(static_cast<size_t>(u.length()) * 4 + 4, '\0');
        const int32_t len = u.extract(0, u.length(), encoded.data(), static_cast<uint32_t>(encoded.size()),
                                      d.encoding.c_str());
        encoded.resize(static_cast<size_t>(std::max(len, 0)));
        // A letter the charset cannot hold means the word is not in this language.
        if (encoded.find('\x1A') != std::string::npos || encoded.find('?') != std::string::npos) continue;
      }
      std::lock_guard<std::mutex> lock(*d.mutex);
      if (d.hunspell->spell(encoded)) {
        accepted = true;
        break;
      }
    }
    known += accepted;
  }
  return static_cast<double>(known) / static_cast<double>(words.size());
}

}  // namespace textmill
