#include "stages/quality/quality.h"

#include <yaml-cpp/yaml.h>

#include <cmath>

#include "pipeline/errors.h"

namespace textmill {
namespace {

double Round(double v) { return std::round(v * 1e4) / 1e4; }

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

void ReadNgramMap(OptionReader& reader, const std::string& key, std::map<int, double>& out) {
  std::map<std::string, double> raw;
  reader.Get(key, raw, 0.0, 1.0);
  if (raw.empty()) return;
  out.clear();
  for (const auto& [n, v] : raw) {
    char* end = nullptr;
    const long value = std::strtol(n.c_str(), &end, 10);
    if (*end != '\0' || value < 1 || value > 20) reader.Fail(key, "keys must be n-gram sizes 1..20, got '" + n + "'");
    out[static_cast<int>(value)] = v;
  }
}

}  // namespace

QualityOptions QualityOptions::Parse(OptionReader& reader) {
  QualityOptions o;
  reader.GetEnum("mode", o.mode, {"drop", "annotate"});
  reader.Get("stop_words", o.stop_words);
  reader.Get("no_word_length_languages", o.no_word_length_languages);
  reader.Get("no_punctuation_rules_languages", o.no_punctuation_rules_languages);
  OptionReader g = reader.Child("gopher_quality");
  g.Get("enabled", o.gopher.enabled);
  g.Get("min_words", o.gopher.min_words, 0, 1 << 30);
  g.Get("max_words", o.gopher.max_words, 0, 1 << 30);
  g.Get("min_avg_word_length", o.gopher.min_avg_word_length, 0, 1000);
  g.Get("max_avg_word_length", o.gopher.max_avg_word_length, 0, 1000);
  g.Get("max_symbol_word_ratio", o.gopher.max_symbol_word_ratio, 0, 1e9);
  g.Get("max_bullet_lines_ratio", o.gopher.max_bullet_lines_ratio, 0, 1);
  g.Get("max_ellipsis_lines_ratio", o.gopher.max_ellipsis_lines_ratio, 0, 1);
  g.Get("min_alpha_words_ratio", o.gopher.min_alpha_words_ratio, 0, 1);
  g.Get("min_stop_words", o.gopher.min_stop_words, 0, 1 << 30);
  g.Finish();
  OptionReader r = reader.Child("gopher_repetition");
  r.Get("enabled", o.repetition.enabled);
  r.Get("dup_line_frac", o.repetition.dup_line_frac, 0, 1);
  r.Get("dup_para_frac", o.repetition.dup_para_frac, 0, 1);
  r.Get("dup_line_char_frac", o.repetition.dup_line_char_frac, 0, 1);
  r.Get("dup_para_char_frac", o.repetition.dup_para_char_frac, 0, 1);
  ReadNgramMap(r, "top_ngram_char_frac", o.repetition.top_ngram);
  ReadNgramMap(r, "dup_ngram_char_frac", o.repetition.dup_ngram);
  r.Finish();
  OptionReader c = reader.Child("c4");
  c.Get("enabled", o.c4.enabled);
  c.Get("min_words_per_line", o.c4.min_words_per_line, 0, 1000);
  c.Get("max_word_length", o.c4.max_word_length, 1, 1 << 30);
  c.Get("min_sentences", o.c4.min_sentences, 0, 1 << 30);
  c.Finish();
  OptionReader f = reader.Child("fineweb");
  f.Get("enabled", o.fineweb.enabled);
  f.Get("min_line_punct_ratio", o.fineweb.min_line_punct_ratio, 0, 1);
  f.Get("max_short_line_ratio", o.fineweb.max_short_line_ratio, 0, 1);
  f.Get("max_char_dup_ratio", o.fineweb.max_char_dup_ratio, 0, 1);
  f.Get("max_list_ratio", o.fineweb.max_list_ratio, 0, 1e9);
  f.Get("short_line_length", o.fineweb.short_line_length, 1, 100000);
  f.Finish();
  return o;
}

QualityStage::QualityStage(const QualityOptions& options, const StageContext& context) : options_(options) {
  if (options_.stop_words.empty()) return;
  const std::string path = context.ResolvePath(options_.stop_words);
  YAML::Node lists;
  try {
    lists = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw ConfigError("quality.stop_words: cannot read " + path + ": " + e.what());
  }
  if (!lists.IsMap()) throw ConfigError("quality.stop_words: " + path + " must map languages to word lists");
  for (const auto& entry : lists) {
    for (const auto& word : entry.second) stop_words_[entry.first.Scalar()].insert(word.Scalar());
  }
}

std::string QualityStage::Evaluate(Document& doc, Json& annotation) const {
  std::string failed;
  auto check = [&](bool fails, const char* rule) {
    if (fails && failed.empty()) failed = rule;
  };
  const std::string& lang = doc.lang;
  const bool word_length_rules = !Contains(options_.no_word_length_languages, lang);
  const bool punctuation_rules = !Contains(options_.no_punctuation_rules_languages, lang);

  std::vector<std::string_view> words = SplitWords(doc.text);
  if (options_.gopher.enabled) {
    const auto it = stop_words_.find(lang.empty() ? "en" : lang);
    const GopherQualityValues v = MeasureGopherQuality(doc.text, words, it == stop_words_.end() ? nullptr : &it->second);
    const auto& o = options_.gopher;
    check(v.n_words < o.min_words, "gopher_short_doc");
    check(v.n_words > o.max_words, "gopher_long_doc");
    if (word_length_rules) {
      check(v.avg_word_length < o.min_avg_word_length, "gopher_below_avg_word_length");
      check(v.avg_word_length > o.max_avg_word_length, "gopher_above_avg_word_length");
    }
    check(v.hash_ratio > o.max_symbol_word_ratio, "gopher_too_many_hashes");
    check(v.ellipsis_ratio > o.max_symbol_word_ratio, "gopher_too_many_ellipsis");
    check(v.bullet_lines_ratio > o.max_bullet_lines_ratio, "gopher_too_many_bullets");
    check(v.end_ellipsis_ratio > o.max_ellipsis_lines_ratio, "gopher_too_many_end_ellipsis");
    check(v.alpha_words_ratio < o.min_alpha_words_ratio, "gopher_below_alpha_ratio");
    if (v.stop_words >= 0) check(v.stop_words < o.min_stop_words, "gopher_not_enough_stop_words");
    annotation["gopher"] = {{"n_words", v.n_words},
                            {"avg_word_length", Round(v.avg_word_length)},
                            {"hash_ratio", Round(v.hash_ratio)},
                            {"ellipsis_ratio", Round(v.ellipsis_ratio)},
                            {"bullet_lines_ratio", Round(v.bullet_lines_ratio)},
                            {"end_ellipsis_ratio", Round(v.end_ellipsis_ratio)},
                            {"alpha_words_ratio", Round(v.alpha_words_ratio)}};
    if (v.stop_words >= 0) annotation["gopher"]["stop_words"] = v.stop_words;
  }
  if (options_.repetition.enabled) {
    const GopherRepetitionValues v = MeasureGopherRepetition(doc.text, words);
    const auto& o = options_.repetition;
    check(v.dup_para_frac > o.dup_para_frac, "gopher_dup_para_frac");
    check(v.dup_para_char_frac > o.dup_para_char_frac, "gopher_dup_para_char_frac");
    check(v.dup_line_frac > o.dup_line_frac, "gopher_dup_line_frac");
    check(v.dup_line_char_frac > o.dup_line_char_frac, "gopher_dup_line_char_frac");
    Json top = Json::object(), dup = Json::object();
    for (const auto& [n, limit] : o.top_ngram) {
      const auto it = v.top_ngram_char_frac.find(n);
      const double value = it == v.top_ngram_char_frac.end() ? 0 : it->second;
      if (value > limit && failed.empty()) failed = "gopher_top_" + std::to_string(n) + "_gram";
      top[std::to_string(n)] = Round(value);
    }
    for (const auto& [n, limit] : o.dup_ngram) {
      const auto it = v.dup_ngram_char_frac.find(n);
      const double value = it == v.dup_ngram_char_frac.end() ? 0 : it->second;
      if (value > limit && failed.empty()) failed = "gopher_dup_" + std::to_string(n) + "_grams";
      dup[std::to_string(n)] = Round(value);
    }
    annotation["gopher_repetition"] = {{"dup_line_frac", Round(v.dup_line_frac)},
                                       {"dup_para_frac", Round(v.dup_para_frac)},
                                       {"dup_line_char_frac", Round(v.dup_line_char_frac)},
                                       {"dup_para_char_frac", Round(v.dup_para_char_frac)},
                                       {"top_ngram_char_frac", top},
                                       {"dup_ngram_char_frac", dup}};
  }
  if (options_.c4.enabled) {
    const auto& o = options_.c4;
    C4Values v = MeasureC4(doc.text, o.min_words_per_line, o.max_word_length);
    check(v.lorem_ipsum, "c4_lorem_ipsum");
    check(v.curly_bracket, "c4_curly_bracket");
    check(v.long_word, "c4_long_word");
    if (punctuation_rules) check(v.sentences < o.min_sentences, "c4_min_sentences");
    annotation["c4"] = {{"lines_removed", v.lines_removed}, {"lines", v.lines_total}, {"sentences", v.sentences}};
    if (options_.mode == "drop" && failed.empty() && punctuation_rules && v.lines_removed > 0) {
      counters_.Add("c4_lines_removed", v.lines_removed);
      doc.text = std::move(v.kept_text);
      words = SplitWords(doc.text);
    }
  }
  if (options_.fineweb.enabled) {
    const auto& o = options_.fineweb;
    const FineWebValues v = MeasureFineWeb(doc.text, words.size(), o.short_line_length);
    if (punctuation_rules) check(v.line_punct_ratio <= o.min_line_punct_ratio, "fineweb_line_punct_ratio");
    check(v.short_line_ratio >= o.max_short_line_ratio, "fineweb_short_line_ratio");
    check(v.char_dup_ratio >= o.max_char_dup_ratio, "fineweb_char_dup_ratio");
    check(v.list_ratio > o.max_list_ratio, "fineweb_list_ratio");
    annotation["fineweb"] = {{"line_punct_ratio", Round(v.line_punct_ratio)},
                             {"short_line_ratio", Round(v.short_line_ratio)},
                             {"char_dup_ratio", Round(v.char_dup_ratio)},
                             {"list_ratio", Round(v.list_ratio)}};
  }
  return failed;
}

void QualityStage::ProcessDoc(Document& doc) {
  Json annotation = Json::object();
  const std::string failed = Evaluate(doc, annotation);
  if (options_.mode == "annotate") {
    if (!failed.empty()) annotation["first_failed_rule"] = failed;
    doc.metadata["quality"] = std::move(annotation);
    counters_.Add(failed.empty() ? "would_pass" : "would_fail." + failed);
    return;
  }
  if (!failed.empty()) doc.Reject(failed);
}

Json QualityStage::Stats() const { return counters_.ToJson(); }

void RegisterQualityStage(Registry& registry) {
  registry.Add("quality", [](OptionReader& reader, const StageContext& context) {
    return std::make_unique<QualityStage>(QualityOptions::Parse(reader), context);
  });
}

}  // namespace textmill
