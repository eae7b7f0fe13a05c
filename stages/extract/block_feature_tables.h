// The vocabularies of the block features (block_features.h): hint families
// matched in class/id/role/itemprop, tag families, owner tags, page types.
// Changing any of them changes FeatureNames(), and so needs a retrained model
// (scripts/train_extraction_model.py): the model check refuses the old one.
#pragma once

#include <cstddef>
#include <iterator>
#include <utility>

namespace textmill::block_feature_tables {

// Class/id/role/itemprop families. Overlaps are fine: the model weighs them.
// Each is a distance feature (levels from the owner up to the nearest element
// whose hints match; the owner itself is 0).
constexpr std::pair<const char*, const char*> kHintFamilies[] = {
    {"nav", "nav|menu|breadcrumb|crumb"},
    {"header", "header|masthead|topbar|top-bar"},
    {"footer", "footer|copyright|colophon"},
    {"sidebar", "sidebar|aside|side-bar|widget|rail"},
    {"comment", "comment|disqus|respond|repl(y|ies)"},
    {"share", "share|sharing|social|follow"},
    {"related", "related|recommend|popular|trending|also"},
    {"ad", "(^|[^a-z])ads?([^a-z]|\\z)|advert|sponsor|promo|banner"},  // \z: see hint_patterns.h
    {"cookie", "cookie|consent|gdpr|privacy"},
    {"account", "newsletter|subscri|signup|sign-up|login|register|account|cart|checkout"},
    {"content", "content|main|article|body|story|entry|text|prose|markdown|rich"},
    {"post", "post|message|thread|topic|forum|discussion"},
    {"qa", "question|answer|accepted|solution"},
    {"author", "author|byline|user|avatar|profile|member|poster"},
    {"meta", "meta|date|time|posted|published|info"},
    {"title", "title|headline|heading|name"},
    {"product", "product|price|offer|sku|spec|detail|descr|feature|attribute"},
    {"review", "review|rating|stars|testimonial|quote"},
    {"card", "card|item|tile|teaser|result|grid|listing|collection"},
    {"pagination", "paginat|pager|page-num|next|prev"},
    {"filter", "filter|facet|sort|refine|search"},
    {"toc", "toc|table-of-contents|on-this-page|outline"},
    {"docs", "doc|api|reference|guide|tutorial|manual|highlight|code|syntax"},
    {"edit", "edit|github|feedback|improve|version"},
    {"faq", "faq|accordion|collaps|tab|panel"},
    {"hero", "hero|intro|lead|summary|excerpt|abstract|subtitle|description"},
    {"vote", "vote|score|like|karma|points|reaction|badge"},
    {"signature", "signature"},
    {"tags", "tag|categor|label"},
    {"modal", "modal|popup|overlay|dialog|drawer|offcanvas"},
    {"hidden", "hidden|sr-only|visually-hidden|screen-reader|hide"},
    {"caption", "caption|credit|figure|image|photo|gallery|thumb"},
    {"skip", "skip|jump"},
};
constexpr size_t kNumHintFamilies = std::size(kHintFamilies);

// Ancestor tags, same distance encoding.
constexpr std::pair<const char*, const char*> kTagFamilies[] = {
    {"nav", "nav"},         {"header", "header"},   {"footer", "footer"},   {"aside", "aside"},
    {"main", "main"},       {"article", "article"}, {"section", "section"}, {"form", "form"},
    {"table", "table"},     {"list", "ul ol menu"}, {"li", "li"},           {"dl", "dl"},
    {"quote", "blockquote"}, {"figure", "figure"},  {"heading", "h1 h2 h3 h4 h5 h6"},
    {"a", "a"},             {"p", "p"},             {"pre", "pre code"},    {"details", "details summary"},
    {"address", "address"}, {"noscript", "noscript"},
};
constexpr size_t kNumTagFamilies = std::size(kTagFamilies);

// Owner tag, one-hot.
constexpr const char* kOwnerTags[] = {"p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
                                      "pre", "blockquote", "dd", "dt", "section", "article", "span",
                                      "figcaption", "caption", "label", "body"};

// Page types from structured data, as page-level flags.
constexpr std::pair<const char*, const char*> kPageTypes[] = {
    {"product", "product|offer|aggregateoffer|productgroup"},
    {"article", "article|newsarticle|blogposting|report|scholarlyarticle|techarticle"},
    {"discussion", "qapage|question|answer|discussionforumposting|comment|socialmediaposting"},
    {"faq", "faqpage"},
    {"list", "itemlist|collectionpage|searchresultspage|offercatalog"},
    {"service", "service|organization|localbusiness|professionalservice|corporation"},
    {"howto", "howto|recipe|event|course|softwareapplication|jobposting"},
    {"webpage", "webpage|website|aboutpage|contactpage"},
};
constexpr size_t kNumPageTypes = std::size(kPageTypes);

}  // namespace textmill::block_feature_tables
