#include "stages/decontaminate/benchmark_ngrams.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "pipeline/errors.h"
#include "stages/decontaminate/ngram_words.h"

namespace textmill {
namespace {

namespace fs = std::filesystem;

bool IsJsonLines(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".jsonl" || ext == ".ndjson" || ext == ".json";
}

}  // namespace

BenchmarkNgrams::BenchmarkNgrams(const std::vector<std::string>& paths, const std::string& field, int n,
                                 const std::string& option)
    : n_(n) {
  for (size_t from = 0;;) {
    const size_t dot = field.find('.', from);
    field_path_.push_back(field.substr(from, dot == std::string::npos ? std::string::npos : dot - from));
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      LoadFile(path, fs::path(path).filename().string(), option);
      continue;
    }
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().filename().string()[0] != '.') found.push_back(it->path());
    }
    if (ec) throw ConfigError(option + ": cannot read " + path + ": " + ec.message());
    if (found.empty()) throw ConfigError(option + ": " + path + " holds no file");
    std::sort(found.begin(), found.end());
    const fs::path root = fs::path(path).lexically_normal();
    const std::string root_name = (root.filename().empty() ? root.parent_path() : root).filename().string();
    for (const fs::path& file : found) {
      LoadFile(file.string(), root_name + "/" + file.lexically_relative(root).string(), option);
    }
  }
  // 16 bits an n-gram: a key of no benchmark passes the bitmap 1 time in 16.
  int bits = 6;
  while (bits < 40 && (size_t{1} << bits) < 16 * table_.size()) ++bits;
  filter_.assign((size_t{1} << bits) / 64, 0);
  filter_shift_ = 64 - bits;
  for (uint64_t key : table_.Keys()) filter_[(key >> filter_shift_) >> 6] |= uint64_t{1} << ((key >> filter_shift_) & 63);
}

void BenchmarkNgrams::LoadFile(const std::string& path, const std::string& label, const std::string& option) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(option + ": cannot read " + path + ": " + std::strerror(errno));
  if (files_.size() >= 0xFFFF) throw ConfigError(option + ": more than 65535 benchmark files");
  const auto file = static_cast<uint16_t>(files_.size());
  files_.push_back({label});
  BenchmarkFileStats& stats = files_.back();
  const bool json = IsJsonLines(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!json) {
      AddExample(line, stats, file);
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    const nlohmann::json* value = &record;
    for (const std::string& key : field_path_) {
      if (!value->is_object() || !value->contains(key)) {
        value = nullptr;
        break;
      }
      value = &(*value)[key];
    }
    if (record.is_discarded() || value == nullptr) {
      ++stats.bad_lines;
    } else if (value->is_string()) {
      AddExample(value->get_ref<const std::string&>(), stats, file);
    } else if (value->is_array()) {
      for (const auto& item : *value) {
        if (item.is_string()) AddExample(item.get_ref<const std::string&>(), stats, file);
      }
    } else {
      ++stats.bad_lines;
    }
  }
  if (in.bad()) throw ConfigError(option + ": cannot read " + path + ": " + std::strerror(errno));
}

void BenchmarkNgrams::AddExample(std::string_view text, BenchmarkFileStats& stats, uint16_t file) {
  std::vector<WordSpan> words;
  SplitNormalizedWords(text, words);
  if (words.empty()) return;  // a blank line is no example
  ++stats.examples;
  if (words.size() < static_cast<size_t>(n_)) {
    ++stats.short_examples;
    return;
  }
  for (size_t i = 0; i + static_cast<size_t>(n_) <= words.size(); ++i) {
    stats.ngrams += table_.Insert(NgramKey(&words[i], n_), file);
  }
}

}  // namespace textmill
