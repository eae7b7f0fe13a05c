// Stage `normalize`: Unicode and whitespace normalization of `text`.
//
// In order: (1) mojibake repair: runs of characters that are UTF-8 bytes decoded
// as windows-1252 or Latin-1 ("â€™", "Ã©", "ÐŸÑ€") are decoded back, as ftfy does;
// (2) newlines unified to \n (CR, CRLF, U+2028/9, NEL, VT, FF), Unicode spaces
// to U+0020, control characters, zero-width spaces, BOMs and soft hyphens
// removed (ZWJ/ZWNJ are kept: Persian and Indic scripts and emoji need them);
// (3) ICU normalization to NFC (default) or NFKC; (4) optional folding of
// typographic quotes, dashes and the ellipsis to ASCII; (5) runs of spaces
// collapsed, lines trimmed, at most `max_blank_lines` blank lines in a row,
// none at the start or end. The result is idempotent: normalizing it again
// changes nothing (a property test checks this).
//
// Reads and writes: text. Rejects: none (an all-whitespace text becomes empty
// and the writer drops it as empty_text). Counters: mojibake_fixes,
// docs_with_mojibake, chars_removed, docs_changed.
#pragma once

#include <string>

#include "pipeline/counters.h"
#include "pipeline/options.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"

namespace textmill {

struct NormalizeOptions {
  std::string form = "NFC";        // NFC | NFKC | none
  bool fix_mojibake = true;        // undo UTF-8 read as windows-1252/Latin-1
  bool fold_punctuation = false;   // ‘’“” -> '" , –— -> -, … -> ...
  int max_blank_lines = 1;         // blank lines allowed in a row (paragraph breaks)

  static NormalizeOptions Parse(OptionReader& reader);
};

// Pure function behind the stage; `mojibake_fixes` and `chars_removed` count work done.
std::string NormalizeText(std::string_view text, const NormalizeOptions& options,
                          int64_t* mojibake_fixes = nullptr, int64_t* chars_removed = nullptr);

// Decodes mojibake runs in `text`; returns the number of runs fixed.
int64_t FixMojibake(std::string& text);
// True if FixMojibake would change `text`.
bool HasMojibake(std::string_view text);

class NormalizeStage : public Stage {
 public:
  explicit NormalizeStage(const NormalizeOptions& options) : options_(options) {}
  std::string_view Name() const override { return "normalize"; }
  void ProcessDoc(Document& doc) override;
  Json Stats() const override;

 private:
  NormalizeOptions options_;
  mutable Counters counters_;
};

void RegisterNormalizeStage(Registry& registry);

}  // namespace textmill
