// AcceptedForms: word forms one Hunspell dictionary accepts (every form of its
// stems that hunspell-tools' unmunch expands and the dictionary itself then
// accepts), kept in a marisa trie that is mapped, not loaded: a few megabytes
// on disk for millions of forms. A form in
// it is accepted; a word not in it may still be (compounds, names...), so it
// settles only "yes". Written by `textmill spelling-tables` beside the
// spelling table, under a name carrying the dictionary's fingerprint
// (spelling_table.h): a changed dictionary finds no file.
#pragma once

#include <marisa.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace textmill {

class AcceptedForms {
 public:
  // <dir>/<dictionary name>.<fingerprint, hex>.forms
  static std::string PathFor(const std::string& dir, const std::string& base, uint64_t fingerprint);

  // The file mapped; null if absent or unreadable (`why` says which).
  static std::unique_ptr<AcceptedForms> Map(const std::string& path, std::string* why = nullptr);

  // Writes `forms` as a trie at `path`, atomically.
  static void Write(const std::string& path, const std::vector<std::string>& forms);

  bool Contains(std::string_view word) const;
  // Calls `visit` with every `every`-th form (in the trie's order).
  void ForEach(size_t every, const std::function<void(std::string_view)>& visit) const;
  size_t size() const { return trie_.num_keys(); }

 private:
  marisa::Trie trie_;
};

}  // namespace textmill
