// Boilerplate removal for pages that arrive already converted to text (one
// block per line, navigation, comment forms and footers still in).
//
// Each line is classified: "bad" if it is a known boilerplate phrase, a menu
// (short items separated by | or ·), a bare link or a very short fragment in a
// run of such; "good" if it reads like prose (long, or sentence-like with
// terminal punctuation); "neutral" otherwise (subheadings, captions, bylines).
// The article is the contiguous run of lines with the highest score (good
// lines count their length, neutral and bad lines cost), which cuts leading
// navigation and the trailing block after the article (comment forms, related
// links, footers) in one step. Inside that run bad lines are dropped and
// neutral lines kept; a title-like line just above the run is kept as the
// headline.
#pragma once

#include <string>
#include <string_view>

#include "stages/extract/boilerplate_phrases.h"

namespace textmill {

std::string CleanTextDump(std::string_view text, const BoilerplatePhrases* phrases);

}  // namespace textmill
