#include "stages/extract/link_copies.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

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

std::string LooseText(std::string_view text) { return LooseTextUpTo(text, text.size()); }

std::string LooseTextUpTo(std::string_view text, size_t limit) {
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
    if (out.size() > limit) return out;
    ++i;
  }
  return out;
}

void DropLinkCopiesOfKeptText(const PageBlocks& blocks, std::vector<uint8_t>& keep_block) {
  static const size_t links_at = FeatureIndex("link_ratio");
  const size_t width = FeatureNames().size();
  if (links_at >= width) return;
  const auto is_link = [&](size_t b) { return blocks.features[b * width + links_at] >= kLinkBlockRatio; };
  // The kept links' texts first (a few a page): only text that short can
  // equal one, so the page's prose is read no further than the longest.
  std::vector<std::pair<size_t, std::string>> links;  // (block, LooseText)
  std::unordered_map<std::string_view, bool> said;    // a link's text -> a kept block says it
  size_t longest = 0;
  for (size_t b = 0; b < keep_block.size(); ++b) {
    if (!keep_block[b] || !is_link(b)) continue;
    std::string key = LooseText(blocks.text[b]);
    if (key.empty()) continue;
    longest = std::max(longest, key.size());
    links.emplace_back(b, std::move(key));
  }
  if (links.empty()) return;
  for (const auto& [b, key] : links) said.emplace(key, false);
  for (size_t b = 0; b < keep_block.size(); ++b) {
    if (!keep_block[b] || is_link(b)) continue;
    const auto it = said.find(LooseTextUpTo(blocks.text[b], longest));
    if (it != said.end()) it->second = true;
  }
  for (const auto& [b, key] : links) {
    if (said.at(key)) keep_block[b] = 0;
  }
}

}  // namespace textmill
