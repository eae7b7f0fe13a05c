// Page signals: what a page's address and its <head> say about its kind,
// for the page-type classifier (page_type.h), beside its blocks' features.
//
// The address's path follows the conventions of the software that serves it
// (/t/<slug>/<id> for a Discourse thread, /questions/ for a Q&A site, /dp/ or
// /products/ for a product, /collections/ or /category/ for a shop's grid,
// /docs/ for documentation); a <meta name="generator"> names that software
// (Discourse, phpBB, Sphinx, Shopify...), and og:type says article or product.
// Each is a 0/1 feature, or a count: the model learns how much to trust them.
// The word lists are web-wide conventions, not the names of particular sites.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stages/extract/html_tree.h"

namespace textmill {

const std::vector<std::string>& PageSignalNames();

// One value per PageSignalNames() entry. The address is the page's own,
// meta.url (canonical, else og:url): relative ("/t/x/1") or absolute; empty
// when unknown (url_known = 0).
std::vector<float> PageSignals(const HtmlMeta& meta);

}  // namespace textmill
