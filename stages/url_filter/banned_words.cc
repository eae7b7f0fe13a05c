#include "stages/url_filter/banned_words.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>

#include "pipeline/errors.h"
#include "pipeline/util/hash.h"

namespace textmill {
namespace {

bool IsWordChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string NormalizeUrlWord(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (IsWordChar(Lower(c))) out += Lower(c);
  }
  return out;
}

void SubwordMatcher::Add(std::string_view word) {
  if (word.empty()) return;
  int32_t node = 0;
  for (const char c : word) {
    int32_t& child = next_[static_cast<size_t>(node)][static_cast<size_t>(Symbol(c))];
    if (child == 0) {
      child = static_cast<int32_t>(next_.size());
      next_.push_back({});
      output_.push_back(0);
    }
    node = next_[static_cast<size_t>(node)][static_cast<size_t>(Symbol(c))];
  }
  output_[static_cast<size_t>(node)] = 1;
  ++words_;
}

void SubwordMatcher::Build() {
  // Breadth first: a node's suffix link is known before its children's.
  // Missing transitions become the suffix link's, so matching is one table
  // step a character (the dense form of Aho and Corasick 1975).
  std::vector<int32_t> link(next_.size(), 0);
  std::deque<int32_t> queue;
  for (int32_t child : next_[0]) {
    if (child != 0) queue.push_back(child);
  }
  while (!queue.empty()) {
    const auto u = static_cast<size_t>(queue.front());
    queue.pop_front();
    for (int c = 0; c < kAlphabet; ++c) {
      int32_t& v = next_[u][static_cast<size_t>(c)];
      const int32_t via_link = next_[static_cast<size_t>(link[u])][static_cast<size_t>(c)];
      if (v == 0) {
        v = via_link;
        continue;
      }
      link[static_cast<size_t>(v)] = via_link;
      output_[static_cast<size_t>(v)] |= output_[static_cast<size_t>(via_link)];
      queue.push_back(v);
    }
  }
}

bool SubwordMatcher::Matches(std::string_view text) const {
  size_t node = 0;
  for (const char c : text) {
    node = static_cast<size_t>(next_[node][static_cast<size_t>(Symbol(c))]);
    if (output_[node]) return true;
  }
  return false;
}

BannedWords::BannedWords(const BannedWordLists& lists, const std::string& option)
    : soft_threshold_(lists.soft_threshold) {
  for (const std::string& path : lists.words) {
    LoadFile(path, option + ".words", [&](std::string_view w) { hard_.Insert(Hash64(w), 0); });
  }
  for (const std::string& path : lists.soft_words) {
    LoadFile(path, option + ".soft_words", [&](std::string_view w) { soft_.Insert(Hash64(w), 0); });
  }
  for (const std::string& path : lists.subwords) {
    LoadFile(path, option + ".subwords", [&](std::string_view w) {
      subwords_.Add(w);
      ++subword_count_;
    });
  }
  subwords_.Build();
}

void BannedWords::LoadFile(const std::string& path, const std::string& option,
                           const std::function<void(std::string_view)>& add) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(option + ": cannot read " + path + ": " + std::strerror(errno));
  std::string line;
  while (std::getline(in, line)) {
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') {
      ++skipped_;
      continue;
    }
    const std::string word = NormalizeUrlWord(line);
    if (word.empty()) {
      ++garbage_;  // nothing of [a-z0-9] in it: it could never match
      continue;
    }
    add(word);
  }
  if (in.bad()) throw ConfigError(option + ": cannot read " + path + ": " + std::strerror(errno));
}

std::string_view BannedWords::Check(std::string_view url) const {
  std::string squeezed;  // the URL without non-alphanumerics, for the subwords
  squeezed.reserve(url.size());
  std::vector<uint64_t> soft_hits;
  bool hard_hit = false;
  size_t i = 0;
  std::string token;
  while (i <= url.size()) {
    const char c = i < url.size() ? Lower(url[i]) : ' ';
    if (IsWordChar(c)) {
      token += c;
      squeezed += c;
    } else if (!token.empty()) {
      const uint64_t h = Hash64(token);
      hard_hit = hard_hit || hard_.Find(h).has_value();
      if (soft_.Find(h)) soft_hits.push_back(h);
      token.clear();
    }
    ++i;
  }
  if (hard_hit) return "url_banned_word";
  std::sort(soft_hits.begin(), soft_hits.end());
  const auto distinct = std::unique(soft_hits.begin(), soft_hits.end()) - soft_hits.begin();
  if (soft_.size() > 0 && distinct >= soft_threshold_) return "url_soft_banned_words";
  if (!subwords_.empty() && subwords_.Matches(squeezed)) return "url_banned_subword";
  return "";
}

}  // namespace textmill
