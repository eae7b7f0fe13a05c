#include "stages/html_tree.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <unordered_set>

#include "pipeline/util/strings.h"

namespace textmill {
namespace {

// Subtrees that never hold content.
const std::unordered_set<std::string_view>& DroppedTags() {
  static const std::unordered_set<std::string_view> tags = {
      "script", "style", "noscript", "template", "svg", "math", "iframe", "frame", "frameset",
      "object", "embed", "canvas", "input", "select", "option", "textarea", "button", "head",
      "link", "meta", "audio", "video", "source", "track", "map", "dialog"};
  return tags;
}

std::string_view Attr(const xmlNode* node, const char* name, std::string& storage) {
  for (const xmlAttr* a = node->properties; a; a = a->next) {
    if (xmlStrcasecmp(a->name, reinterpret_cast<const xmlChar*>(name)) == 0) {
      storage.clear();
      for (const xmlNode* c = a->children; c; c = c->next) {
        if (c->content) storage += reinterpret_cast<const char*>(c->content);
      }
      return storage;
    }
  }
  return {};
}

bool HasAttr(const xmlNode* node, const char* name) {
  for (const xmlAttr* a = node->properties; a; a = a->next) {
    if (xmlStrcasecmp(a->name, reinterpret_cast<const xmlChar*>(name)) == 0) return true;
  }
  return false;
}

bool IsHidden(const xmlNode* node, std::string& storage) {
  if (HasAttr(node, "hidden")) return true;
  if (AsciiLower(Attr(node, "aria-hidden", storage)) == "true") return true;
  const std::string style = AsciiLower(Attr(node, "style", storage));
  if (style.empty()) return false;
  std::string compact;
  for (const char c : style) {
    if (c != ' ') compact.push_back(c);
  }
  return compact.find("display:none") != std::string::npos ||
         compact.find("visibility:hidden") != std::string::npos;
}

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

void ReadMeta(const xmlNode* node, HtmlMeta& meta, std::string& og_title, std::string& og_url) {
  std::string a, b;
  const std::string name = AsciiLower(Attr(node, "name", a).empty() ? Attr(node, "property", a)
                                                                : Attr(node, "name", a));
  const std::string itemprop = AsciiLower(Attr(node, "itemprop", b));
  std::string content_storage;
  const std::string_view content = Attr(node, "content", content_storage);
  if (content.empty()) return;
  if (name == "og:title") og_title.assign(content);
  if (name == "og:url") og_url.assign(content);
  if (name == "description" || name == "og:description") {
    if (meta.description.empty()) meta.description.assign(content);
  }
  static const char* kDateNames[] = {"article:published_time", "og:published_time", "datepublished",
                                     "date", "pubdate", "publishdate", "publish-date",
                                     "dc.date.issued", "dc.date", "dcterms.created", "sailthru.date",
                                     "parsely-pub-date"};
  if (meta.date.empty()) {
    for (const char* date_name : kDateNames) {
      if (name == date_name || itemprop == date_name) {
        meta.date.assign(content);
        break;
      }
    }
  }
}

}  // namespace

int64_t ThreadCpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

HtmlTree::HtmlTree(std::string_view html, int64_t deadline_ns) {
  nodes_.push_back(HtmlNode{});
  nodes_[0].tag = "#root";
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_NONET | HTML_PARSE_COMPACT;
  std::unique_ptr<xmlDoc, DocDeleter> doc(htmlReadMemory(
      html.data(), static_cast<int>(std::min<size_t>(html.size(), INT32_MAX)), nullptr, "UTF-8", options));
  if (!doc) return;
  if (deadline_ns && ThreadCpuNow() > deadline_ns) {
    timed_out_ = true;
    return;
  }

  std::string og_title, og_url, storage;
  // Iterative walk: (libxml2 node, our parent, depth).
  struct Item {
    const xmlNode* node;
    int parent;
    int depth;
  };
  std::vector<Item> stack;
  for (const xmlNode* n = xmlDocGetRootElement(doc.get()); n; n = n->next) stack.push_back({n, 0, 1});
  std::reverse(stack.begin(), stack.end());
  size_t visited = 0;
  while (!stack.empty()) {
    const Item item = stack.back();
    stack.pop_back();
    if ((++visited & 1023) == 0 && deadline_ns && ThreadCpuNow() > deadline_ns) {
      timed_out_ = true;
      return;
    }
    const xmlNode* n = item.node;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (!n->content || item.parent == -2) continue;
      HtmlNode text;
      text.parent = item.parent;
      text.text = reinterpret_cast<const char*>(n->content);
      nodes_.push_back(std::move(text));
      nodes_[static_cast<size_t>(item.parent)].children.push_back(static_cast<int>(nodes_.size() - 1));
      continue;
    }
    if (n->type != XML_ELEMENT_NODE || !n->name) continue;
    const std::string tag = AsciiLower(reinterpret_cast<const char*>(n->name));
    if (tag == "title" && meta_.title.empty()) {
      for (const xmlNode* c = n->children; c; c = c->next) {
        if (c->content) meta_.title += reinterpret_cast<const char*>(c->content);
      }
    }
    if (tag == "meta") ReadMeta(n, meta_, og_title, og_url);
    if (tag == "link" && AsciiLower(Attr(n, "rel", storage)) == "canonical") {
      meta_.url.assign(Attr(n, "href", storage));
    }
    if (tag == "html") meta_.lang.assign(Attr(n, "lang", storage));
    if (tag == "head") {  // walk <head> for title/meta, but keep nothing of it
      for (const xmlNode* c = n->last; c; c = c->prev) stack.push_back({c, -2, item.depth + 1});
      continue;
    }
    if (DroppedTags().count(tag) || IsHidden(n, storage) || tag == "title" || tag == "base") continue;
    // Content that a broken <head> swallowed (a script holding "</a>" ends the
    // script early in libxml2 2.9 and the body lands in <head>): keep it.
    const int parent = item.parent == -2 ? 0 : item.parent;

    int self = parent;
    if (item.depth < kMaxDepth) {
      HtmlNode element;
      element.parent = parent;
      element.tag = tag;
      std::string hints;
      for (const char* attr : {"class", "id", "role", "itemprop"}) {
        const std::string_view v = Attr(n, attr, storage);
        if (!v.empty()) {
          hints += AsciiLower(v);
          hints.push_back(' ');
        }
      }
      element.hints = std::move(hints);
      nodes_.push_back(std::move(element));
      self = static_cast<int>(nodes_.size() - 1);
      nodes_[static_cast<size_t>(parent)].children.push_back(self);
      if (tag == "body" && body_ == 0) body_ = self;
    }
    for (const xmlNode* c = n->last; c; c = c->prev) stack.push_back({c, self, item.depth + 1});
  }
  if (!og_title.empty()) meta_.title = og_title;
  if (meta_.url.empty()) meta_.url = og_url;
}

}  // namespace textmill
