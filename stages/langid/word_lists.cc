#include "stages/langid/word_lists.h"

#include <lttoolbox/fst_processor.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <hunspell/hunspell.hxx>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "stages/langid/accepted_forms.h"
#include "stages/langid/spelling_table.h"

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

// The script of the first letter of `word` (USCRIPT_COMMON if none).
int WordScript(const std::string& word) {
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const auto n = static_cast<int32_t>(word.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &status);
    if (U_SUCCESS(status) && script != USCRIPT_COMMON && script != USCRIPT_INHERITED) return script;
  }
  return USCRIPT_COMMON;
}

// The script of the first letter of the words (USCRIPT_COMMON if none).
int WordsScript(const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    if (const int script = WordScript(word); script != USCRIPT_COMMON) return script;
  }
  return USCRIPT_COMMON;
}

// Apertium pairs whose two analysers compare their two languages, relative to
// the Apertium data directory. Not apertium-nno-nob: looked up word by word,
// each of its analysers also takes the other standard's spellings ("ikke" in
// Nynorsk's), so Hunspell's nb/nn dictionaries tell them apart better.
struct ApertiumPair {
  const char* languages[2];
  const char* analysers[2];
};
constexpr ApertiumPair kApertiumPairs[] = {
    {{"ms", "id"}, {"apertium-ind-zlm/zlm-ind.automorf.bin", "apertium-ind-zlm/ind-zlm.automorf.bin"}},
};

std::atomic<size_t> loads_in_this_process{0};

}  // namespace

struct WordLists::Lexicon {
  std::string base;      // Hunspell: path without .aff/.dic
  std::string analyser;  // or an Apertium analyser (.automorf.bin)
  std::once_flag loaded;
  std::mutex mutex;
  std::unique_ptr<Hunspell> hunspell;  // set once, under `loaded`
  std::unique_ptr<FSTProcessor> fst;   // set once, under `loaded`
  std::string encoding;                // the dictionary's charset ("UTF-8", "ISO8859-2")
  std::unique_ptr<UConverter, void (*)(UConverter*)> converter{nullptr, nullptr};  // to `encoding`, if not UTF-8
  std::unordered_map<std::string, bool> answers;  // words already looked up, under `mutex`
  std::atomic<bool> ready{false};                 // loaded: its answers cost no load
};

struct WordLists::Table {
  std::string path;  // <spelling dir>/<dictionary name>.tsv
  std::string base;  // the dictionary it answers for
  std::once_flag opened;
  std::optional<SpellingTable> table;    // set once, under `opened`; empty if absent or stale
  std::unique_ptr<AcceptedForms> forms;  // likewise
};

WordLists::Table* WordLists::SharedTable(const std::string& path, const std::string& base) {
  static std::mutex mutex;
  static auto* tables = new std::map<std::string, std::unique_ptr<Table>>();
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<Table>& table = (*tables)[path + '\n' + base];
  if (!table) {
    table = std::make_unique<Table>();
    table->path = path;
    table->base = base;
  }
  return table.get();
}

// Never freed: see word_lists.h.
WordLists::Lexicon* WordLists::SharedLexicon(const std::string& base, const std::string& analyser) {
  static std::mutex mutex;
  static auto* lexicons = new std::map<std::string, std::unique_ptr<Lexicon>>();
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<Lexicon>& lexicon = (*lexicons)[base.empty() ? "a:" + analyser : "h:" + base];
  if (!lexicon) {
    lexicon = std::make_unique<Lexicon>();
    lexicon->base = base;
    lexicon->analyser = analyser;
  }
  return lexicon.get();
}

size_t WordLists::LoadsInThisProcess() { return loads_in_this_process.load(); }

WordLists::WordLists(const std::string& hunspell_dir, const std::string& apertium_dir,
                     const std::vector<std::string>& languages, const std::string& spelling_dir) {
  const auto wanted = [&](const char* lang) {
    return std::find(languages.begin(), languages.end(), lang) != languages.end();
  };
  for (const std::string& lang : languages) {
    if (hunspell_dir.empty()) break;
    for (const std::string& base : DictionaryPaths(hunspell_dir, lang)) {
      Table* table = nullptr;
      if (!spelling_dir.empty()) {
        table = SharedTable((fs::path(spelling_dir) / (fs::path(base).filename().string() + ".tsv")).string(), base);
      }
      dictionaries_[lang].push_back({SharedLexicon(base, ""), table, -1, DictionaryScript(base)});
    }
  }
  for (size_t p = 0; p < std::size(kApertiumPairs) && !apertium_dir.empty(); ++p) {
    const ApertiumPair& pair = kApertiumPairs[p];
    if (!wanted(pair.languages[0]) || !wanted(pair.languages[1])) continue;
    const fs::path paths[2] = {fs::path(apertium_dir) / pair.analysers[0], fs::path(apertium_dir) / pair.analysers[1]};
    if (!fs::is_regular_file(paths[0]) || !fs::is_regular_file(paths[1])) continue;  // a pair or nothing
    for (int i = 0; i < 2; ++i) {
      analysers_[pair.languages[i]].push_back({SharedLexicon("", paths[i].string()), nullptr, static_cast<int>(p), -1});
    }
  }
}

WordLists::~WordLists() = default;

void WordLists::Load(Lexicon& d) {
  std::call_once(d.loaded, [&d] {
    ++loads_in_this_process;
    // Set on every way out: whatever was loaded (or not) answers from now on.
    struct MarkReady {
      Lexicon& d;
      ~MarkReady() { d.ready = true; }
    } mark_ready{d};
    spdlog::debug("langid: loading {}", d.analyser.empty() ? d.base + ".dic" : d.analyser);
    if (d.analyser.empty()) {
      d.hunspell = std::make_unique<Hunspell>((d.base + ".aff").c_str(), (d.base + ".dic").c_str());
      d.encoding = d.hunspell->get_dict_encoding();
      if (d.encoding != "UTF-8" && d.encoding != "utf-8") {
        UErrorCode status = U_ZERO_ERROR;
        d.converter = {ucnv_open(d.encoding.c_str(), &status), ucnv_close};
        // A letter the charset cannot hold is an error, not a substitute.
        if (d.converter) {
          ucnv_setFromUCallBack(d.converter.get(), UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
        }
        if (U_FAILURE(status)) d.converter.reset();
      }
      return;
    }
    FILE* file = std::fopen(d.analyser.c_str(), "rb");
    if (!file) return;  // unreadable now: it accepts no word
    auto fst = std::make_unique<FSTProcessor>();
    try {
      fst->load(file);
      fst->initBiltrans();  // whole-word lookup, the way bilingual dictionaries are read
    } catch (const std::exception&) {
      fst.reset();
    }
    std::fclose(file);
    if (fst && fst->valid()) d.fst = std::move(fst);
  });
}

// Lookups are remembered per dictionary: the words of a corpus repeat (and a
// Hunspell lookup, a few microseconds, is most of the cost of splitting close
// languages). Bounded: the memory is cleared when it is full.
constexpr size_t kMaxRememberedWords = 200'000;

// Once a dictionary is loaded its remembered answers are cheaper than the
// tables' lookups; before, the tables spare loading it.
bool WordLists::Accepts(const Dictionary& dictionary, const std::string& word) {
  if (!dictionary.lexicon->ready) {
    if (const std::optional<bool> listed = TableAnswer(dictionary, word)) return *listed;
  }
  return AcceptsWithoutTable(dictionary, word);
}

std::optional<bool> WordLists::TableAnswer(const Dictionary& dictionary, const std::string& word) {
  Table* t = dictionary.table;
  if (!t) return std::nullopt;
  std::call_once(t->opened, [t] {
    if (!fs::exists(t->path)) {
      spdlog::debug("langid: no spelling table {}", t->path);
      return;
    }
    const uint64_t fingerprint = DictionaryFingerprint(t->base);
    std::string why;
    t->table = SpellingTable::Open(t->path, fingerprint, &why);
    if (!t->table) {
      // Once a process: tables made on another machine are all refused alike.
      static std::atomic<bool> warned{false};
      const auto level = warned.exchange(true) ? spdlog::level::debug : spdlog::level::warn;
      spdlog::log(level,
                  "langid: spelling table {} {}: not used (scripts/build_spelling_tables.sh rebuilds the tables "
                  "for this machine's dictionaries; without them the output is the same, slower)",
                  t->path, why);
      return;
    }
    const std::string forms = AcceptedForms::PathFor(fs::path(t->path).parent_path().string(), t->base, fingerprint);
    t->forms = AcceptedForms::Map(forms, &why);
    if (!t->forms) spdlog::debug("langid: accepted forms {} {}", forms, why);
  });
  if (!t->table) return std::nullopt;
  if (const std::optional<bool> listed = t->table->Answer(word)) return listed;
  if (t->forms && t->forms->Contains(word)) return true;  // only "yes" is settled by the forms
  return std::nullopt;
}

std::optional<bool> WordLists::KnownAnswer(const Dictionary& dictionary, const std::string& word) {
  if (dictionary.lexicon->ready) return AcceptsWithoutTable(dictionary, word);
  return TableAnswer(dictionary, word);
}

bool WordLists::AcceptsWithoutTable(const Dictionary& dictionary, const std::string& word) {
  Lexicon& d = *dictionary.lexicon;
  Load(d);
  std::lock_guard<std::mutex> lock(d.mutex);
  if (const auto it = d.answers.find(word); it != d.answers.end()) return it->second;
  const bool accepted = LookUp(d, word);
  if (d.answers.size() >= kMaxRememberedWords) d.answers.clear();
  d.answers.emplace(word, accepted);
  return accepted;
}

bool WordLists::LookUp(Lexicon& d, const std::string& word) {
  const bool utf8 = d.encoding == "UTF-8" || d.encoding == "utf-8";
  if (d.analyser.empty() && d.hunspell && utf8) return d.hunspell->spell(word);  // no conversion needed
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(word);
  if (!d.analyser.empty()) {
    if (!d.fst) return false;
    const UString input(reinterpret_cast<const char16_t*>(u.getBuffer()), static_cast<size_t>(u.length()));
    const UString analysis = d.fst->biltrans(input, false);
    return !analysis.empty() && analysis[0] != u'@';  // "@word": not in the lexicon
  }
  if (!d.hunspell) return false;
  if (!d.converter) return false;  // a charset ICU does not know
  std::string encoded(static_cast<size_t>(u.length()) * 4 + 4, '\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t len = ucnv_fromUChars(d.converter.get(), encoded.data(), static_cast<int32_t>(encoded.size()),
                                      u.getBuffer(), u.length(), &status);
  ucnv_reset(d.converter.get());
  if (U_FAILURE(status)) return false;  // a letter the charset cannot hold: not a word of this language
  encoded.resize(static_cast<size_t>(len));
  return d.hunspell->spell(encoded);
}

bool WordLists::Paired(const std::string& a, const std::string& b) const {
  const auto da = analysers_.find(a);
  const auto db = analysers_.find(b);
  if (da == analysers_.end() || db == analysers_.end()) return false;
  return da->second.front().pair == db->second.front().pair;
}

std::vector<std::string> WordLists::Languages() const {
  std::vector<std::string> out;
  for (const auto& entry : dictionaries_) out.push_back(entry.first);
  for (const auto& entry : analysers_) {
    if (!dictionaries_.count(entry.first)) out.push_back(entry.first);
  }
  std::sort(out.begin(), out.end());
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
  if (words.empty()) return -1;
  if (const auto it = dictionaries_.find(lang); it != dictionaries_.end()) return Share(it->second, words);
  if (const auto it = analysers_.find(lang); it != analysers_.end()) return Share(it->second, words);
  return -1;
}

double WordLists::AnalysedShare(const std::string& lang, const std::vector<std::string>& words) const {
  const auto it = analysers_.find(lang);
  if (it == analysers_.end() || words.empty()) return -1;
  return Share(it->second, words);
}

double WordLists::Share(const std::vector<Dictionary>& dictionaries, const std::vector<std::string>& words) {
  const int script = WordsScript(words);
  int known = 0;
  for (const std::string& word : words) known += AnyAccepts(dictionaries, script, word);
  return static_cast<double>(known) / static_cast<double>(words.size());
}

bool WordLists::Knows(const std::string& lang, const std::string& word) const {
  const auto it = dictionaries_.find(lang);
  return it != dictionaries_.end() && AnyAccepts(it->second, WordScript(word), word);
}

// A language written in two scripts (Serbian) has a dictionary for each: only
// the one in the text's script is used, so the other is never loaded (each
// takes most of a second).
bool WordLists::InScript(const std::vector<Dictionary>& dictionaries, const Dictionary& d, int script) {
  const bool any_in_script =
      std::any_of(dictionaries.begin(), dictionaries.end(), [&](const Dictionary& e) { return e.script == script; });
  return !any_in_script || d.script == script;
}

bool WordLists::AnyAccepts(const std::vector<Dictionary>& dictionaries, int script, const std::string& word) {
  return std::any_of(dictionaries.begin(), dictionaries.end(),
                     [&](const Dictionary& d) { return InScript(dictionaries, d, script) && Accepts(d, word); });
}

WordLists::KnownRange WordLists::KnownCountRange(const std::string& lang, const std::vector<std::string>& words) const {
  const int n = static_cast<int>(words.size());
  const std::vector<Dictionary>* dictionaries = nullptr;
  if (const auto it = dictionaries_.find(lang); it != dictionaries_.end()) {
    dictionaries = &it->second;
  } else if (const auto a = analysers_.find(lang); a != analysers_.end()) {
    dictionaries = &a->second;
  }
  if (!dictionaries) return {0, n};
  const int script = WordsScript(words);
  KnownRange range;
  for (const std::string& word : words) {
    // AnyAccepts without loading: one dictionary known to accept settles it;
    // all known to reject settles it; anything else is open.
    bool open = false, accepted = false;
    for (const Dictionary& d : *dictionaries) {
      if (!InScript(*dictionaries, d, script)) continue;
      const std::optional<bool> answer = KnownAnswer(d, word);
      if (answer == true) {
        accepted = true;
        break;
      }
      if (!answer) open = true;
    }
    range.least += accepted;
    range.most += accepted || open;
  }
  return range;
}

std::vector<std::string> WordLists::WriteSpellingTables(const std::vector<std::string>& words,
                                                        const std::string& out_dir, const std::string& unmunch,
                                                        bool force) const {
  std::vector<std::string> written;
  for (const auto& [lang, dictionaries] : dictionaries_) {
    for (const Dictionary& d : dictionaries) {
      const std::string& base = d.lexicon->base;
      const uint64_t fingerprint = DictionaryFingerprint(base);
      if (fingerprint == 0) continue;  // unreadable: no table
      const std::string path = (fs::path(out_dir) / (fs::path(base).filename().string() + ".tsv")).string();
      const std::string forms_path = AcceptedForms::PathFor(out_dir, base, fingerprint);
      if (!force && SpellingTable::Open(path, fingerprint) && (unmunch.empty() || fs::exists(forms_path))) {
        continue;  // made from this very dictionary already
      }
      std::vector<std::pair<std::string, bool>> answers;
      answers.reserve(words.size());
      for (const std::string& word : words) answers.emplace_back(word, AcceptsWithoutTable(d, word));
      SpellingTable::Write(path, fingerprint, std::move(answers));
      written.push_back(path);
      if (unmunch.empty()) continue;
      // Files of earlier versions of this dictionary are never read again.
      const std::string stem = fs::path(base).filename().string() + ".";
      for (const auto& entry : fs::directory_iterator(out_dir)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with(stem) && name.ends_with(".forms") && entry.path() != forms_path &&
            name.find('.', stem.size()) == name.size() - 6) {
          fs::remove(entry.path());
        }
      }
      // Written even when empty (unmunch could not expand the dictionary), so
      // the next call knows this dictionary is done.
      AcceptedForms::Write(forms_path, ExpandedForms(*d.lexicon, unmunch));
      written.push_back(forms_path);
    }
  }
  return written;
}

std::vector<std::string> WordLists::VerifySpellingTables(const std::string& dir, size_t every) const {
  std::vector<std::string> wrong;
  for (const auto& [lang, dictionaries] : dictionaries_) {
    for (const Dictionary& d : dictionaries) {
      const std::string& base = d.lexicon->base;
      const uint64_t fingerprint = DictionaryFingerprint(base);
      const std::string path = (fs::path(dir) / (fs::path(base).filename().string() + ".tsv")).string();
      const std::optional<SpellingTable> table = SpellingTable::Open(path, fingerprint);
      if (!table) {
        wrong.push_back(path + ": missing");
        continue;
      }
      for (size_t i = 0; i < table->size(); ++i) {
        const auto [word, accepted] = table->At(i);
        if (AcceptsWithoutTable(d, std::string(word)) != accepted) wrong.push_back(path + ": " + std::string(word));
      }
      const std::string forms_path = AcceptedForms::PathFor(dir, base, fingerprint);
      if (const auto forms = AcceptedForms::Map(forms_path)) {
        forms->ForEach(every, [&](std::string_view form) {
          if (!AcceptsWithoutTable(d, std::string(form))) wrong.push_back(forms_path + ": " + std::string(form));
        });
      }
    }
  }
  return wrong;
}

std::string WordLists::TitleCased(const std::string& word) {
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const auto n = static_cast<int32_t>(word.size());
  int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT(s, i, n, c);
  if (c < 0) return word;
  char head[U8_MAX_LENGTH];
  int32_t length = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(head), length, U8_MAX_LENGTH, u_totitle(c), error);
  if (error) return word;
  return std::string(head, static_cast<size_t>(length)) + word.substr(static_cast<size_t>(i));
}

// More lines than this and unmunch is taken to be expanding without end (it
// mishandles some dictionaries' flags: gl_ES gives over 180 million lines of
// mangled words); the dictionary then gets no forms file.
constexpr size_t kMaxUnmunchLines = 12'000'000;

std::vector<std::string> WordLists::ExpandedForms(Lexicon& d, const std::string& unmunch) {
  Load(d);
  if (!d.hunspell) return {};
  const auto quoted = [](const std::string& s) {
    std::string out = "'";
    for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  const std::string command =
      quoted(unmunch) + " " + quoted(d.base + ".dic") + " " + quoted(d.base + ".aff") + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {};
  const bool utf8 = d.encoding == "UTF-8" || d.encoding == "utf-8";
  std::vector<std::string> candidates;
  char* line = nullptr;
  size_t capacity = 0;
  size_t lines = 0;
  ssize_t length = 0;
  while ((length = getline(&line, &capacity, pipe)) > 0 && ++lines <= kMaxUnmunchLines) {
    std::string form(line, static_cast<size_t>(length));
    while (!form.empty() && (form.back() == '\n' || form.back() == '\r')) form.pop_back();
    if (!utf8) {
      std::string converted;
      icu::UnicodeString(form.data(), static_cast<int32_t>(form.size()), d.encoding.c_str()).toUTF8String(converted);
      form = std::move(converted);
    }
    // Only what Words() reads back as one word is ever asked.
    const std::vector<std::string> tokens = Words(form, 2);
    if (tokens.size() == 1 && tokens[0] == form) candidates.push_back(std::move(form));
  }
  std::free(line);
  const int status = pclose(pipe);  // an unmunch still writing dies of SIGPIPE at the closed pipe
  if (lines <= kMaxUnmunchLines && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    spdlog::warn("spelling-tables: unmunch failed on {} (status {}): the forms it gave are kept", d.base, status);
  }
  if (lines > kMaxUnmunchLines) {
    spdlog::warn("spelling-tables: {} expands to over {} forms: no forms file for it", d.base, kMaxUnmunchLines);
    return {};
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  // The dictionary's own answer for each (unmunch also expands what Hunspell
  // rejects: forbidden words, stems that need an affix...).
  std::vector<std::string> accepted;
  std::lock_guard<std::mutex> lock(d.mutex);
  // Not their title-cased forms: checking them doubles the cost (a minute of
  // scripts/setup.sh) and loaded no fewer dictionaries on the 1 GiB benchmark;
  // the spelling table has those of the common words.
  for (std::string& form : candidates) {
    if (LookUp(d, form)) accepted.push_back(std::move(form));
  }
  return accepted;
}

}  // namespace textmill
