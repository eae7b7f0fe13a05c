#include "stages/langid/accepted_forms.h"

#include <cstdio>
#include <filesystem>

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
  trie.build(keyset);
  const std::string temp = TempPathFor(path);
  trie.save(temp.c_str());
  CommitTempFile(temp, path);
}

bool AcceptedForms::Contains(std::string_view word) const {
  marisa::Agent agent;
  agent.set_query(word.data(), word.size());
  return trie_.lookup(agent);
}

}  // namespace textmill
