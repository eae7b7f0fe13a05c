// The page without the attributes HtmlTree never reads (src, srcset, data-*,
// on*...), before libxml2 parses it.
//
// Why: libxml2 reads attribute values a character at a time, entity by
// entity, into buffers of their own; they are about a quarter of the bytes
// left once script and style bodies are cut, and cutting them made the
// extract stage 11% faster on the news pages.
//
// Only what cannot change the parse goes: in a start tag (not <meta>) that
// reads as libxml2 2.9 reads it (a name, then attributes: a name, optionally
// '=' and a quoted or unquoted value), an attribute not in kReadAttributes
// whose value holds no '<', '>', "--" or NUL (nothing that could end a tag,
// a comment or the input), with the blanks before it. Text, comments, end
// tags and the bodies of raw-text and title elements are copied as they are.
// At the first markup it does not follow (a malformed start tag, "<!" that
// is not a comment or doctype, "<?", a raw-text element without its end
// tag), the rest of the page is copied unchanged.
//
// kReadAttributes must hold every attribute HtmlTree's builder reads
// (html_tree.cc: Start, ReadMeta, the formulas): one it reads but this drops
// reads as absent; a test reads html_tree.cc and holds the list to it.
#pragma once

#include <string>
#include <string_view>

namespace textmill {

inline constexpr std::string_view kReadAttributes[] = {
    "class", "id",   "itemprop", "itemtype", "role", "hidden", "aria-hidden", "aria-labelledby",
    "style", "name", "property", "content",  "rel",  "href",   "lang",
    // formulas: MathML's TeX and display mode, MathJax's script type, MediaWiki's image alt text
    "alttext", "display", "encoding", "type", "alt"};

// Writes the page without unread attributes to `out`; false (and `out`
// empty) when there was none to drop.
bool DropUnreadAttributes(std::string_view html, std::string& out);

}  // namespace textmill
