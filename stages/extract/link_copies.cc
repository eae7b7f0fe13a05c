#include "stages/extract/link_copies.h"

#include <algorithm>
#include <unordered_set>

namespace textmill {
namespace {

// A block is a link when nearly all of its text is link text.
constexpr float kLinkBlockRatio = 0.9F;

bool IsAsciiWordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// U+00A7 §, U+00B6 ¶, U+200B zero-width space, U+FEFF: heading anchors and
// invisible marks, not words.
size_t AnchorMarkLength(std::string_view text, size_t i) {
  for (const std::string_view mark : {"\xC2\xA7", "\xC2\xB6", "\xE2\x80\x8B", "\xEF\xBB\xBF"}) {
    if (text.substr(i, mark.size()) == mark) return mark.size();
  }
  return 0;
}

}  // namespace

std::string LooseText(std::string_view text) {
  std::string out;
  bool gap = false;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (const size_t mark = AnchorMarkLength(text, i); mark > 0) {
      gap = true;
      i += mark;
      continue;
    }
    if (c < 0x80 && !IsAsciiWordByte(c)) {
      gap = true;
      ++i;
      continue;
    }
    if (gap && !out.empty()) out.push_back(' ');
    gap = false;
    out.push_back(c < 0x80 ? static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c) : static_cast<char>(c));
    ++i;
  }
  return out;
}

void DropLinkCopiesOfKeptText(const PageBlocks& blocks, std::vector<uint8_t>& keep_block) {
  static const size_t links_at = FeatureIndex("link_ratio");
  const size_t width = FeatureNames().size();
  if (links_at >= width) return;
  const auto is_link = [&](size_t b) { return blocks.features[b * width + links_at] >= kLinkBlockRatio; };
  std::unordered_set<std::string> kept_text;
  for (size_t b = 0; b < keep_block.size(); ++b) {
    if (keep_block[b] && !is_link(b)) kept_text.insert(LooseText(blocks.text[b]));
  }
  kept_text.erase("");
  if (kept_text.empty()) return;
  for (size_t b = 0; b < keep_block.size(); ++b) {
    if (keep_block[b] && is_link(b) && kept_text.count(LooseText(blocks.text[b]))) keep_block[b] = 0;
  }
}

}  // namespace textmill
