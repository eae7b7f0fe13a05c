// How much a text looks like mojibake: the number of character sequences that
// are far more likely to come from UTF-8 decoded with the wrong single-byte
// charset than from anyone's writing (an accented lowercase letter followed by
// a currency sign, "Ã" before a Latin-1 symbol, a C1 control, box drawing
// next to accented letters, "вЂ"...). The model is ftfy's `badness`: a few
// hundred characters that make up mojibake are put in classes (accented
// capitals, accented lowercase, currency, numeric symbols, opening and
// closing punctuation, box drawing, "bad" symbols almost only seen in
// mojibake...) and the rules name unlikely neighbours among the classes.
// Characters outside these classes (ASCII letters, CJK, most of Cyrillic and
// Greek in running text) never count, so correct text of any language scores 0
// unless it puts such symbols side by side.
//
// Thread safety: the class table is built once (static local), then only read.
#pragma once

#include <string_view>

namespace textmill::mojibake {

// Number of mojibake-looking sequences in `text` (0 = looks fine).
int Badness(std::u32string_view text);
// Badness(text) > 0, stopping at the first sequence.
bool IsBad(std::u32string_view text);
// The same test on UTF-8 (valid or not: ill-formed bytes count as U+FFFD).
// Sets *has_a_tilde_or_circumflex if it saw "Ã" or "Â" (the only characters
// whose rules tell how white space is spaced; a complete answer only when
// the text is not bad, since the scan stops at the first bad sequence).
bool IsBadUtf8(std::string_view text, bool* has_a_tilde_or_circumflex = nullptr);

}  // namespace textmill::mojibake
