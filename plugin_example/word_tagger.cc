// word_tagger: an example plugin stage (pipeline/plugin_api.h), built out of
// tree against the installed textmill (CMakeLists.txt beside this file).
//
// Tags each document with the words of a list file that its text contains
// (metadata.<key>: the distinct words, in list order), and optionally rejects
// documents containing many of them.
//   reads: text; writes: metadata.<key>
//   rejects: `word_list` (at least `reject_at` distinct words; 0 = never)
//   counters: documents_tagged, word_matches
// Words are matched whole and case-insensitively for ASCII letters; bytes of
// UTF-8 sequences count as letters, so "café" stays one word.
#include <cctype>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pipeline/plugin_api.h"

namespace {

using textmill::Counters;
using textmill::Document;
using textmill::Json;

struct WordTaggerOptions {
  std::string words;              // list file: one word per line, `#` comments
  std::string key = "word_tags";  // metadata key of the matched words
  int reject_at = 0;              // reject with this many distinct words; 0 = never
};

bool IsWordByte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class WordTagger : public textmill::Stage {
 public:
  WordTagger(WordTaggerOptions options, const std::string& list_path) : options_(std::move(options)) {
    std::ifstream in(list_path);
    if (!in) throw textmill::ConfigError("word_tagger: cannot read word list " + list_path);
    std::string line;
    while (std::getline(in, line)) {
      const std::string word = Lower(line.substr(0, line.find('#')));
      const auto begin = word.find_first_not_of(" \t\r");
      if (begin == std::string::npos) continue;
      const std::string trimmed = word.substr(begin, word.find_last_not_of(" \t\r") - begin + 1);
      if (index_.emplace(trimmed, words_.size()).second) words_.push_back(trimmed);
    }
    if (words_.empty()) throw textmill::ConfigError("word_tagger: no words in " + list_path);
  }

  std::string_view Name() const override { return "word_tagger"; }

  void ProcessDoc(Document& doc) override {
    std::vector<bool> seen(words_.size(), false);
    size_t distinct = 0;
    const std::string& text = doc.text;
    for (size_t i = 0; i < text.size();) {
      if (!IsWordByte(static_cast<unsigned char>(text[i]))) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < text.size() && IsWordByte(static_cast<unsigned char>(text[end]))) ++end;
      const auto it = index_.find(Lower(std::string_view(text).substr(i, end - i)));
      if (it != index_.end()) {
        counters_.Add("word_matches");
        if (!seen[it->second]) ++distinct;
        seen[it->second] = true;
      }
      i = end;
    }
    if (distinct == 0) return;
    Json tags = Json::array();
    for (size_t w = 0; w < words_.size(); ++w) {
      if (seen[w]) tags.push_back(words_[w]);
    }
    doc.metadata[options_.key] = std::move(tags);
    counters_.Add("documents_tagged");
    if (options_.reject_at > 0 && distinct >= static_cast<size_t>(options_.reject_at)) doc.Reject("word_list");
  }

  Json Stats() const override { return counters_.ToJson(); }

 private:
  const WordTaggerOptions options_;
  std::vector<std::string> words_;                 // list order, lower case
  std::unordered_map<std::string, size_t> index_;  // word -> position in words_
  Counters counters_;                              // per thread, merged by Stats()
};

std::unique_ptr<textmill::Stage> MakeWordTagger(textmill::OptionReader& reader, const textmill::StageContext& context) {
  WordTaggerOptions options;
  reader.Get("words", options.words);
  reader.Get("key", options.key);
  reader.Get("reject_at", options.reject_at, 0, 1000);
  reader.Finish();  // a misspelt key first: it is the likelier cause of a
                    // missing value
  if (options.words.empty()) reader.Fail("words", "a word list file is required");
  // Like the built-in stages' lists: beside the config, then the data dirs.
  return std::make_unique<WordTagger>(options, context.ResolvePath(options.words));
}

void RegisterStages(textmill::Registry& registry) { registry.Add("word_tagger", MakeWordTagger); }

}  // namespace

TEXTMILL_PLUGIN("word_tagger", RegisterStages)
