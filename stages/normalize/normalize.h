// Stage `normalize`: Unicode and whitespace normalization of `text`.
//
// In order: (1) mojibake repair (mojibake.h): lines that are UTF-8 decoded with a
// single-byte charset ("â€™", "Ã©", "ÐŸÑ€", "РґРѕ", "╨┐╤Ç", "√©"), once or twice,
// whole or in part, are decoded back, as ftfy does, and C1 controls become the
// windows-1252 characters they stand for;
// (2) newlines unified to \n (CR, CRLF, U+2028/9, NEL, VT, FF), Unicode spaces
// to U+0020, control characters, zero-width spaces, BOMs and soft hyphens
// removed (ZWJ/ZWNJ are kept: Persian and Indic scripts and emoji need them);
// (3) ICU normalization to NFC (default) or NFKC; (4) optional folding of
// typographic quotes, dashes and the ellipsis to ASCII; (5) runs of spaces
// collapsed, lines trimmed (their indentation kept unless keep_indentation
// is false), at most `max_blank_lines` blank lines in a row, none at the start
// or end. The result is idempotent: normalizing it again
// changes nothing (a property test checks this).
//
// Reads and writes: text. Rejects: none (an all-whitespace text becomes empty
// and the writer drops it as empty_text). Counters: mojibake_fixes (repair
// steps), docs_with_mojibake, docs_repaired_from.<charset> (documents repaired,
// by the charset the mojibake came from, or c1-controls), chars_removed,
// docs_changed.
#pragma once

#include <string>

#include "pipeline/counters.h"
#include "pipeline/options.h"
#include "pipeline/registry.h"
#include "pipeline/stage.h"

namespace textmill {

struct NormalizeOptions {
  std::string form = "NFC";        // NFC | NFKC | none
  bool fix_mojibake = true;        // undo UTF-8 read as a single-byte charset (mojibake.h)
  bool fold_punctuation = false;   // ‘’“” -> '" , –— -> -, … -> ...
  int max_blank_lines = 1;         // blank lines allowed in a row (paragraph breaks)
  bool keep_indentation = true;    // keep the spaces that start a line (code blocks); false trims them

  static NormalizeOptions Parse(OptionReader& reader);
};

// Pure function behind the stage; `mojibake_fixes` and `chars_removed` count
// work done, `mojibake_sources` gets the mojibake::RepairStats source bits.
std::string NormalizeText(std::string_view text, const NormalizeOptions& options,
                          int64_t* mojibake_fixes = nullptr, int64_t* chars_removed = nullptr,
                          uint32_t* mojibake_sources = nullptr);

// True if the mojibake repair would change `text`.
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
