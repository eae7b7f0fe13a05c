// HtmlTree: a compact, read-only tree built from libxml2's HTML parser (the
// parser lxml and trafilatura use), keeping only what extraction needs.
//
// Never-content subtrees (script, style, template, svg, iframe, form controls,
// comments, <head> and <noscript> in it) and hidden ones (hidden, aria-hidden="true",
// display:none, visibility:hidden) are dropped while building; but when
// visibility:hidden would hide most of the page's text, it is a cover the
// page's scripts lift, and the page is read as shown. Hidden accordion and
// tab panels (FAQ answers, product specifications) are content and kept. Nesting deeper than kMaxDepth is
// flattened into the element at that depth, so a 100,000-level page costs no
// stack. Built iteratively; thread-compatible (one tree per document).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace textmill {

struct HtmlNode {
  int parent = -1;
  std::vector<int> children;
  std::string tag;    // lowercase element name; empty for a text node
  std::string text;   // text nodes only, as in the source
  std::string hints;  // lowercased class, id, role and itemprop, space-separated
  bool in_button = false;  // a text node inside a <button> (which has no node of its own)
  // A <label> of a checkbox (around it, or naming its id with for=): a
  // search form's filter option, a consent or "remember me" box.
  bool checkbox_label = false;
};

struct HtmlMeta {
  std::string title;      // og:title, else <title>
  std::string url;        // <link rel=canonical>, else og:url
  std::string lang;       // <html lang>
  std::string date;       // publication date from a meta tag, as given
  std::string description;
  // The longest of the description, og:description and twitter:description
  // (a site's own meta description is often cut short): the text of a page
  // whose body only a script fills.
  std::string longest_description;
  std::string og_type;                  // og:type, lowercased
  std::string generator;                // <meta name="generator"> values, lowercased, space-separated
  std::vector<std::string> json_ld;     // bodies of <script type="application/ld+json">, as given
  std::vector<std::string> item_types;  // microdata itemtype values
};

class HtmlTree {
 public:
  static constexpr int kMaxDepth = 256;

  // Parses UTF-8 HTML. `deadline_ns` (thread CPU time, 0 = none) is checked while
  // building; timed_out() tells whether it was hit. The attributes the tree
  // never reads are cut before parsing (unread_attributes.h) unless
  // `drop_unread_attributes` is false (tests compare the two trees).
  HtmlTree(std::string_view html, int64_t deadline_ns, bool drop_unread_attributes = true);

  const std::vector<HtmlNode>& nodes() const { return nodes_; }
  int body() const { return body_; }  // the <body> node, or the root
  const HtmlMeta& meta() const { return meta_; }
  bool timed_out() const { return timed_out_; }

 private:
  struct VisibleText {
    size_t kept = 0;               // bytes of body text in the tree
    size_t visibility_hidden = 0;  // bytes left out for visibility:hidden alone
  };
  VisibleText Build(std::string_view html, int64_t deadline_ns, bool honor_visibility);

  std::vector<HtmlNode> nodes_;
  int body_ = 0;
  HtmlMeta meta_;
  bool timed_out_ = false;
};

// Thread CPU time in nanoseconds, for per-document deadlines.
int64_t ThreadCpuNow();

}  // namespace textmill
