#include "stages/langid/accepted_forms.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "pipeline/util/atomic_file.h"

namespace textmill {

std::string AcceptedForms::PathFor(const std::string& dir, const std::string& base, uint64_t fingerprint) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(fingerprint));
  return (std::filesystem::path(dir) / (std::filesystem::path(base).filename().string() + "." + hex + ".forms"))
      .string();
}

std::unique_ptr<AcceptedForms> AcceptedForms::Map(const std::string& path, std::string* why) {
  if (!std::filesystem::exists(path)) {
    if (why) *why = "is absent";
    return nullptr;
  }
  auto forms = std::make_unique<AcceptedForms>();
  try {
    forms->trie_.mmap(path.c_str());
  } catch (const marisa::Exception& e) {
    if (why) *why = std::string("cannot be mapped: ") + e.what();
    return nullptr;
  }
  return forms;
}

void AcceptedForms::Write(const std::string& path, const std::vector<std::string>& forms) {
  marisa::Keyset keyset;
  for (const std::string& form : forms) keyset.push_back(form.data(), form.size());
  marisa::Trie trie;
  // This process's own temporary name: two builders writing one directory
  // must not write into each other's file.
  const std::string temp = TempPathFor(path) + "." + std::to_string(getpid());
  try {
    trie.build(keyset);
    trie.save(temp.c_str());
  } catch (const marisa::Exception& e) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    throw std::runtime_error("cannot write " + path + ": " + e.what());
  }
  CommitTempFile(temp, path);
}

bool AcceptedForms::Contains(std::string_view word) const {
  marisa::Agent agent;
  agent.set_query(word.data(), word.size());
  return trie_.lookup(agent);
}

void AcceptedForms::ForEach(size_t every, const std::function<void(std::string_view)>& visit) const {
  marisa::Agent agent;
  agent.set_query("");
  for (size_t i = 0; trie_.predictive_search(agent); ++i) {
    if (i % std::max<size_t>(every, 1) == 0) visit(std::string_view(agent.key().ptr(), agent.key().length()));
  }
}

}  // namespace textmill
