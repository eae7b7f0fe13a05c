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
  reader.Get("icu_word_languages", o.icu_word_languages);
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
  c.Get("min_words_per_line", o.c4.min_words_per_line, -1, 1000);
  c.Get("max_word_length", o.c4.max_word_length, -1, 1 << 30);
  c.Get("min_sentences", o.c4.min_sentences, -1, 1 << 30);
  c.Get("filter_no_terminal_punct", o.c4.filter_no_terminal_punct);
  c.Get("remove_citations", o.c4.remove_citations);
  c.Get("typographic_end_quotes", o.c4.typographic_end_quotes);
  c.Finish();
  OptionReader cp = reader.Child("c4_paragraph");
  cp.Get("enabled", o.c4_paragraph.enabled);
  cp.Get("min_paragraphs", o.c4_paragraph.min_paragraphs, 0, 1000);
  cp.Get("min_paragraph_length", o.c4_paragraph.min_paragraph_length, 0, 1 << 30);
  cp.Finish();
  OptionReader f = reader.Child("fineweb");
  f.Get("enabled", o.fineweb.enabled);
  f.Get("line_punct_exclude_zero", o.fineweb.line_punct_exclude_zero);
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
  auto check = [&](bool fails, std::string_view reason) {
    if (fails && failed.empty()) failed = reason;
  };
  const std::string& lang = doc.lang;
  const bool word_length_rules = !Contains(options_.no_word_length_languages, lang);
  const bool punctuation_rules = !Contains(options_.no_punctuation_rules_languages, lang);
  const bool icu_words = Contains(options_.icu_word_languages, lang);
  // Rules are checked in the order of FineWeb's pipeline (datatrove
  // examples/fineweb.py), and within a filter in datatrove's order.
  std::vector<std::string_view> words = SplitWords(doc.text, icu_words);
  if (options_.repetition.enabled) {
    const auto& o = options_.repetition;
    std::vector<int> top_ns, dup_ns;
    for (const auto& entry : o.top_ngram) top_ns.push_back(entry.first);
    for (const auto& entry : o.dup_ngram) dup_ns.push_back(entry.first);
    const GopherRepetitionValues v = MeasureGopherRepetition(doc.text, words, top_ns, dup_ns);
    // As in datatrove, a threshold of 0 switches its rule off.
    check(o.dup_para_frac && v.dup_para_frac > o.dup_para_frac, "gopher_dup_para_frac");
    check(o.dup_para_char_frac && v.dup_para_char_frac > o.dup_para_char_frac, "gopher_dup_para_char_frac");
    check(o.dup_line_frac && v.dup_line_frac > o.dup_line_frac, "gopher_dup_line_frac");
    check(o.dup_line_char_frac && v.dup_line_char_frac > o.dup_line_char_frac, "gopher_dup_line_char_frac");
    Json top = Json::object(), dup = Json::object();
    for (const auto& [n, limit] : o.top_ngram) {
      const auto it = v.top_ngram_char_frac.find(n);
      if (it == v.top_ngram_char_frac.end()) continue;  // fewer than n words
      check(it->second > limit, "gopher_top_" + std::to_string(n) + "_gram");
      top[std::to_string(n)] = Round(it->second);
    }
    for (const auto& [n, limit] : o.dup_ngram) {
      const double value = v.dup_ngram_char_frac.at(n);
      check(value > limit, "gopher_duplicated_" + std::to_string(n) + "_n_grams");
      dup[std::to_string(n)] = Round(value);
    }
    annotation["gopher_repetition"] = {{"dup_line_frac", Round(v.dup_line_frac)},
                                       {"dup_para_frac", Round(v.dup_para_frac)},
                                       {"dup_line_char_frac", Round(v.dup_line_char_frac)},
                                       {"dup_para_char_frac", Round(v.dup_para_char_frac)},
                                       {"top_ngram_char_frac", top},
                                       {"dup_ngram_char_frac", dup}};
  }
  if (options_.gopher.enabled) {
    const auto it = stop_words_.find(lang.empty() ? "en" : lang);
    const StopWords* stops = it == stop_words_.end() ? nullptr : &it->second;
    const GopherQualityValues v = MeasureGopherQuality(doc.text, words, stops);
    const auto& o = options_.gopher;
    // As in datatrove, a threshold of 0 switches its rule off.
    check(o.min_words && v.n_non_symbol_words < o.min_words, "gopher_short_doc");
    check(o.max_words && v.n_non_symbol_words > o.max_words, "gopher_long_doc");
    if (word_length_rules) {
      check(o.min_avg_word_length && v.avg_word_length < o.min_avg_word_length, "gopher_below_avg_threshold");
      check(o.max_avg_word_length && v.avg_word_length > o.max_avg_word_length, "gopher_above_avg_threshold");
    }
    check(o.max_symbol_word_ratio && v.hash_ratio > o.max_symbol_word_ratio, "gopher_too_many_hashes");
    check(o.max_symbol_word_ratio && v.ellipsis_ratio > o.max_symbol_word_ratio, "gopher_too_many_ellipsis");
    check(o.max_bullet_lines_ratio && v.bullet_lines_ratio > o.max_bullet_lines_ratio, "gopher_too_many_bullets");
    check(o.max_ellipsis_lines_ratio && v.end_ellipsis_ratio > o.max_ellipsis_lines_ratio,
          "gopher_too_many_end_ellipsis");
    check(o.min_alpha_words_ratio && v.alpha_words_ratio < o.min_alpha_words_ratio, "gopher_below_alpha_threshold");
    if (v.stop_words >= 0) check(o.min_stop_words && v.stop_words < o.min_stop_words, "gopher_enough_stop_words");
    annotation["gopher"] = {{"n_words", v.n_non_symbol_words},
                            {"n_tokens", v.n_words},
                            {"avg_word_length", Round(v.avg_word_length)},
                            {"hash_ratio", Round(v.hash_ratio)},
                            {"ellipsis_ratio", Round(v.ellipsis_ratio)},
                            {"bullet_lines_ratio", Round(v.bullet_lines_ratio)},
                            {"end_ellipsis_ratio", Round(v.end_ellipsis_ratio)},
                            {"alpha_words_ratio", Round(v.alpha_words_ratio)}};
    if (v.stop_words >= 0) annotation["gopher"]["stop_words"] = v.stop_words;
  }
  std::string_view fineweb_text = doc.text;
  size_t fineweb_words = words.size();
  std::string c4_text;
  if (options_.c4_paragraph.enabled) {
    const auto& o = options_.c4_paragraph;
    check(!PassesC4Paragraphs(doc.text, o.min_paragraphs, o.min_paragraph_length), "c4_too_few_paragraphs");
  }
  if (options_.c4.enabled) {
    const auto& o = options_.c4;
    C4Settings settings;
    settings.min_words_per_line = o.min_words_per_line;
    settings.max_word_length = o.max_word_length;
    settings.filter_no_terminal_punct = o.filter_no_terminal_punct;
    settings.remove_citations = o.remove_citations;
    settings.typographic_end_quotes = o.typographic_end_quotes;
    settings.count_sentences = punctuation_rules && !icu_words;
    C4Values v = MeasureC4(doc.text, settings, icu_words ? nullptr : &words);
    if (!v.dropped.empty()) check(true, "c4_" + v.dropped);
    if (punctuation_rules) check(v.sentences < o.min_sentences, "c4_too_few_sentences");
    annotation["c4"] = {{"lines_removed", v.lines_removed}, {"lines", v.lines_total}, {"sentences", v.sentences}};
    // Languages without Latin punctuation keep their lines: C4's line rules
    // would remove every one of them.
    if (punctuation_rules && !icu_words) {
      c4_text = std::move(v.kept_text);
      fineweb_text = c4_text;
      fineweb_words = static_cast<size_t>(v.kept_words);
    }
  }
  if (options_.fineweb.enabled) {
    const auto& o = options_.fineweb;
    const FineWebValues v = MeasureFineWeb(fineweb_text, fineweb_words, o.short_line_length);
    check(v.lines == 0, "fineweb_empty");
    if (v.lines > 0) {
      const bool exempt = v.line_punct_ratio == 0 && o.line_punct_exclude_zero;
      if (punctuation_rules && !exempt) check(v.line_punct_ratio < o.min_line_punct_ratio, "fineweb_line_punct_ratio");
      check(v.short_line_ratio > o.max_short_line_ratio, "fineweb_short_line_ratio");
      check(v.char_dup_ratio > o.max_char_dup_ratio, "fineweb_char_dup_ratio");
      check(v.list_ratio > o.max_list_ratio, "fineweb_list_ratio");
    }
    annotation["fineweb"] = {{"line_punct_ratio", Round(v.line_punct_ratio)},
                             {"short_line_ratio", Round(v.short_line_ratio)},
                             {"char_dup_ratio", Round(v.char_dup_ratio)},
                             {"list_ratio", Round(v.list_ratio)}};
  }
  if (options_.mode == "drop" && failed.empty() && options_.c4.enabled && punctuation_rules && !icu_words &&
      c4_text != doc.text) {
    const auto removed = annotation["c4"]["lines_removed"].get<int64_t>();
    if (removed > 0) counters_.Add("c4_lines_removed", removed);
    doc.text = std::move(c4_text);
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
