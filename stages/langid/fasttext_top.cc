// LanguageIdentifier::FastTextTop: fastText's prediction with a per-thread
// cache of token inputs (language_identifier.h).
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/loss.h>
#include <fasttext/model.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stages/langid/language_identifier.h"

namespace textmill {
namespace {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// What FastTextTop keeps of a token: how many input ids (fastText's subwords)
// it has and the sum of their rows of the input matrix.
struct TokenInput {
  size_t id_count = 0;
  std::vector<fasttext::real> row_sum;
};

// Tokens already seen on this thread, for one model.
struct TokenIds {
  uint64_t model = 0;  // LanguageIdentifier::instance_, never reused
  std::unordered_map<std::string, TokenInput, StringHash, std::equal_to<>> tokens;
};

bool IsFastTextSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

}  // namespace

// What fastText's predictLine does (Dictionary::getLine, then predict), with
// each distinct token's input ids and the sum of their input rows cached per
// thread: computing the ids (every character n-gram hashed and looked up in
// the pruned model's index) and adding the quantized rows are most of
// fastText's time, and the words of a text repeat. The hidden vector is the
// mean of the rows, as in Model::computeHidden; summed per token first, it
// differs from fastText's only by float rounding.
std::vector<LanguageIdentifier::Candidate> LanguageIdentifier::FastTextTop(const std::string& line, int k) const {
  if (fasttext_word_ngrams_ != 1 || !fasttext_loss_) {  // word n-grams need fastText's own line reader
    std::vector<Candidate> out;
    std::istringstream in(line + "\n");
    std::vector<std::pair<fasttext::real, std::string>> predictions;
    fasttext_->predictLine(in, predictions, k, 0.0);
    for (const auto& [prob, label] : predictions) out.push_back({CanonicalLanguage(label), prob});
    return out;
  }
  thread_local TokenIds cache;
  if (cache.model != instance_ || cache.tokens.size() > 200'000) {
    cache.tokens.clear();
    cache.model = instance_;
  }
  const auto& dict = *fasttext_dictionary_;
  fasttext::Model::State state(fasttext_dim_, fasttext_labels_, 0);
  fasttext::Vector& hidden = state.hidden;
  hidden.zero();
  size_t input_count = 0;
  const auto add = [&](std::string_view token) {
    auto it = cache.tokens.find(token);
    if (it == cache.tokens.end()) {
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
      TokenInput input;
      input.id_count = ids.size();
      input.row_sum.assign(static_cast<size_t>(fasttext_dim_), 0);
      fasttext::Vector row(fasttext_dim_);
      for (const int32_t id : ids) {
        fasttext_->getInputVector(row, id);
        for (int64_t d = 0; d < row.size(); ++d) input.row_sum[static_cast<size_t>(d)] += row[d];
      }
      it = cache.tokens.emplace(word, std::move(input)).first;
    }
    input_count += it->second.id_count;
    for (int64_t d = 0; d < hidden.size(); ++d) hidden[d] += it->second.row_sum[static_cast<size_t>(d)];
  };
  size_t pos = 0;
  while (pos < line.size()) {  // tokens end at fastText's white space; a newline ends the line
    if (line[pos] == '\n') break;
    if (IsFastTextSpace(line[pos])) {
      ++pos;
      continue;
    }
    size_t end = pos;
    while (end < line.size() && !IsFastTextSpace(line[end])) ++end;
    add(std::string_view(line).substr(pos, end - pos));
    pos = end;
  }
  add(fasttext::Dictionary::EOS);   // predictLine reads the line's "\n" as </s>
  if (input_count == 0) return {};  // FastText::predict: no input, no prediction
  hidden.mul(1.0 / static_cast<fasttext::real>(input_count));
  fasttext::Predictions predictions;
  predictions.reserve(static_cast<size_t>(k) + 1);
  fasttext_loss_->predict(k, 0.0, predictions, state);
  std::vector<Candidate> out;
  for (const auto& [log_prob, label] : predictions) {
    out.push_back({CanonicalLanguage(dict.getLabel(label)), std::exp(log_prob)});
  }
  return out;
}

}  // namespace textmill
