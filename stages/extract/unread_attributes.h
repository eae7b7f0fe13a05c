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
// a comment or the input), with the blanks before it. Text, end tags and
// the bodies of raw-text and title elements are copied as they are.
// At the first markup it does not follow (a malformed start tag, "<!" that
// is not a comment or doctype, "<?", a raw-text element without its end
// tag), the rest of the page is copied unchanged.
//
// The bodies of comments go too ("<!---->" stays): libxml2 reads them a
// character at a time for a handler the builder does not set.
//
// kReadAttributes and kReadElementAttributes must hold every attribute
// HtmlTree's builder reads (html_tree.cc: Start, ReadMeta, the formulas): one
// it reads but this drops reads as absent; a test reads html_tree.cc and
// holds the lists to it, another compares the trees of real pages.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace textmill {

// Read on every element.
inline constexpr std::string_view kReadAttributes[] = {"class",  "id",          "itemprop",        "itemtype", "role",
                                                       "hidden", "aria-hidden", "aria-labelledby", "style"};

// Read on one element only: (element, attribute). The builder reads href on
// <link> alone, so the href of every link (a tenth of the news pages' bytes
// left after the cut of script bodies) goes too: 5% off the extract stage.
inline constexpr std::pair<std::string_view, std::string_view> kReadElementAttributes[] = {
    {"meta", "name"},
    {"meta", "property"},
    {"meta", "content"},
    {"link", "rel"},
    {"link", "href"},
    {"html", "lang"},
    // formulas: MathML's TeX and display mode, MathJax's script type, MediaWiki's image alt text
    {"math", "alttext"},
    {"math", "display"},
    {"annotation", "encoding"},
    {"script", "type"},
    {"img", "alt"},
    // checkbox labels: an input's type, a label's for
    {"input", "type"},
    {"label", "for"},
};

// Writes the page without unread attributes and comment bodies to `out`; false (and `out` empty) when there was nothing to drop.
bool DropUnreadAttributes(std::string_view html, std::string& out);

}  // namespace textmill
