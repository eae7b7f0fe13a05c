#include "stages/extract/html_extractor.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "pipeline/util/strings.h"
#include "pipeline/util/utf8.h"
#include "stages/extract/furniture.h"
#include "stages/extract/hint_matches.h"
#include "stages/extract/link_copies.h"
#include "stages/extract/page_signals.h"
#include "stages/extract/page_type.h"
#include "stages/extract/product_specs.h"
#include "stages/extract/rule_extractor.h"
#include "stages/extract/text_renderer.h"
#include "stages/extract/thread_posts.h"

namespace textmill {
namespace {

// Step 5: drop boilerplate lines, tidy blank lines.
std::string DropBoilerplateLines(const std::string& text, const BoilerplatePhrases* phrases) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  int blank = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(' ') == std::string_view::npos) {
      ++blank;
      continue;
    }
    if (phrases && phrases->Matches(line)) continue;
    if (!out.empty()) out.append(blank > 0 ? "\n\n" : "\n");
    blank = 0;
    out.append(line);
  }
  return out;
}

HtmlExtractResult RuleChain(const HtmlTree& tree, const std::vector<uint8_t>& flags,
                            const HtmlExtractOptions& options, const BoilerplatePhrases* phrases) {
  HtmlExtractResult best;
  const std::pair<RuleMode, const char*> attempts[] = {
      {RuleMode::kStrict, "article"}, {RuleMode::kRelaxed, "relaxed"}, {RuleMode::kBody, "body"}};
  for (const auto& [mode, name] : attempts) {
    std::string text = DropBoilerplateLines(RuleExtractText(tree, flags, options, mode), phrases);
    if (CountCodePoints(text) > CountCodePoints(best.text)) {
      best.text = std::move(text);
      best.method = name;
    }
    if (CountCodePoints(best.text) >= static_cast<size_t>(options.min_text_chars)) break;
  }
  return best;
}

// The rule extractor's choices are features of the blocks, so they are made
// with the options the model was trained with (textmill-block-features: the
// defaults) whatever the run's keep_comments: the model sees the features it
// learned from, and keep_comments acts only on what is kept.
PageBlocks BlocksWithFlags(const HtmlTree& tree, const HintMatches& hints, const HtmlExtractOptions& options,
                           const StructuredData& structured) {
  HtmlExtractOptions as_trained = options;
  as_trained.keep_comments = HtmlExtractOptions{}.keep_comments;
  RuleSelections rules;
  rules.strict = RuleSelection(tree, hints.rule_flags, as_trained, RuleMode::kStrict);
  rules.relaxed = RuleSelection(tree, hints.rule_flags, as_trained, RuleMode::kRelaxed);
  return ComputeBlocks(tree, rules, hints.families, structured.types,
                       structured.name + "\n" + structured.description + "\n" + structured.body);
}

constexpr size_t kMinRepeatedBlockBytes = 40;

// keep_comments: false drops the comment section of an article, not the posts
// of a thread: comment blocks go only when the kept text outside comment
// sections is an article of its own: at least kMinArticleChars, and more
// than the comments hold (a thread's opening post is shorter than its replies).
constexpr size_t kMinArticleChars = 250;

void DropCommentSections(const HtmlTree& tree, const PageBlocks& blocks, const std::vector<uint8_t>& flags,
                         std::vector<uint8_t>& keep_block) {
  const std::vector<uint8_t> in_comments = InCommentSection(tree.nodes(), flags);
  std::vector<uint8_t> block_in_comments(keep_block.size(), 0);
  for (size_t k = 0; k < in_comments.size(); ++k) {
    const int b = blocks.block_of_text[k];
    if (b >= 0 && in_comments[k]) block_in_comments[static_cast<size_t>(b)] = 1;
  }
  size_t inside = 0, outside = 0;
  for (size_t b = 0; b < keep_block.size(); ++b) {
    if (keep_block[b]) (block_in_comments[b] ? inside : outside) += CountCodePoints(blocks.text[b]);
  }
  if (inside == 0 || outside < kMinArticleChars || outside < inside) return;
  for (size_t b = 0; b < keep_block.size(); ++b) {
    if (block_in_comments[b]) keep_block[b] = 0;
  }
}

// Blocks laid out alike (posts, cards, list items) are one kind of thing: when
// the model keeps most of a group's text (kGroupMajority, of at least
// kMinGroupBlocks blocks), the group's other blocks are kept too unless the
// model is sure of them (kGroupFloor). Grouped cross-validation on the WCXB
// set: +0.001 mean F1; it keeps every item of a long listing whose late items
// the position features would drop.
constexpr int kMinGroupBlocks = 3;
constexpr double kGroupMajority = 0.5;
constexpr float kGroupFloor = 0.02F;

// `never`: blocks no rule may keep (bare counts, forum post numbers and dates).
void KeepWholeGroups(const PageBlocks& blocks, const std::vector<float>& scores, const std::vector<uint8_t>& never,
                     std::vector<uint8_t>& keep_block) {
  int groups = 0;
  for (const int g : blocks.group) groups = std::max(groups, g + 1);
  std::vector<int> members(static_cast<size_t>(groups), 0);
  std::vector<double> chars(static_cast<size_t>(groups), 0), kept(static_cast<size_t>(groups), 0);
  for (size_t b = 0; b < keep_block.size(); ++b) {
    const size_t g = static_cast<size_t>(blocks.group[b]);
    const double size = static_cast<double>(blocks.text[b].size());
    ++members[g];
    chars[g] += size;
    if (keep_block[b]) kept[g] += size;
  }
  for (size_t b = 0; b < keep_block.size(); ++b) {
    const size_t g = static_cast<size_t>(blocks.group[b]);
    if (members[g] >= kMinGroupBlocks && kept[g] >= kGroupMajority * chars[g] && scores[b] >= kGroupFloor &&
        !never[b]) {
      keep_block[b] = 1;
    }
  }
}

// The text of the blocks the model keeps.
std::string ModelText(const HtmlTree& tree, const PageBlocks& blocks, const TreeModel& model, const PageType& page_type,
                      const std::vector<uint8_t>& flags, const HtmlExtractOptions& options) {
  const size_t width = FeatureNames().size();
  const size_t rows = blocks.owner.size();
  const std::vector<float> scores = model.Predict(blocks.features.data(), rows, width);
  std::vector<uint8_t> keep_block(rows, 0), never(rows, 0);
  const std::vector<uint8_t> thread_post = ThreadPosts(blocks, scores, page_type);
  for (size_t b = 0; b < rows; ++b) {
    // A number in a table cell is the table's (standings, prices, scores).
    const std::string_view owner(tree.nodes()[static_cast<size_t>(blocks.owner[b])].tag);
    const bool cell = owner == "td" || owner == "th";
    never[b] = (IsBareCount(blocks.text[b]) && !cell) || IsPostNumber(blocks.text[b], page_type) ||
               IsPostDate(blocks.text[b], page_type);
    keep_block[b] = !never[b] && (scores[b] >= page_type.block_threshold || thread_post[b]);
  }
  KeepWholeGroups(blocks, scores, never, keep_block);
  KeepSpecificationRows(tree, blocks, flags, page_type, never, keep_block);
  // A block whose text a kept block already said is left out: forum software
  // renders a post twice (teaser and body), quotes repeat the post they answer.
  std::unordered_set<std::string_view> said;
  for (size_t b = 0; b < rows; ++b) {
    if (keep_block[b] && blocks.text[b].size() >= kMinRepeatedBlockBytes && !said.insert(blocks.text[b]).second) {
      keep_block[b] = 0;
    }
  }
  DropConsentBanners(tree, blocks, flags, keep_block);
  DropButtonLabels(tree, blocks, keep_block);
  DropCheckboxLabels(tree, blocks, keep_block);
  DropLinkCopiesOfKeptText(blocks, keep_block);
  if (!options.keep_comments && DropsCommentsOn(page_type)) DropCommentSections(tree, blocks, flags, keep_block);
  std::vector<uint8_t> keep_text(tree.nodes().size(), 0);
  bool any = false;
  for (size_t k = 0; k < keep_text.size(); ++k) {
    const int b = blocks.block_of_text[k];
    if (b >= 0 && keep_block[static_cast<size_t>(b)]) keep_text[k] = 1;
    any |= keep_text[k] != 0;
  }
  if (!any) return {};
  const std::vector<uint8_t> skip(tree.nodes().size(), 0);
  TextRenderer renderer(tree.nodes());
  renderer.Render(tree.body(), skip, &keep_text);
  return renderer.Take();
}

// A product's own description, which the page's visible text does not hold:
// the container a script fills is empty in the HTML, while the related
// products around it are not. Plain text only (some sites put HTML in it).
constexpr size_t kMinProductDescriptionChars = 80;

bool LacksProductDescription(const StructuredData& structured, const std::string& text) {
  const std::string_view description = TrimBlanks(structured.description);
  if (structured.main_type != "product" || CountCodePoints(description) < kMinProductDescriptionChars ||
      description.find('<') != std::string_view::npos) {
    return false;
  }
  // A page that shows a paragraph of its own shows its description, maybe in
  // other words than the structured data's (WCXB's truths keep those).
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (CountCodePoints(std::string_view(text).substr(start, end - start)) >= kMinProductDescriptionChars) return false;
    start = end + 1;
  }
  // Compared as LooseText (link_copies.h): whatever its spacing, punctuation or case.
  const std::string wanted = LooseTextUpTo(description, 60).substr(0, 60);
  return LooseText(text).find(wanted) == std::string::npos;
}

// Where the visible page says little (script-built product pages), the
// description and body its structured data gives are added, unless the text
// already holds them; on any page, a product description it lacks.
void AddStructuredText(const StructuredData& structured, const HtmlExtractOptions& options,
                       HtmlExtractResult& result) {
  if (CountCodePoints(result.text) >= static_cast<size_t>(options.min_text_chars)) {
    if (!LacksProductDescription(structured, result.text)) return;
    result.text.append("\n\n").append(TrimBlanks(structured.description));
    result.completed_from_structured_data = true;
    return;
  }
  bool added = false;
  for (const std::string* part : {&structured.description, &structured.body}) {
    const std::string_view trimmed = TrimBlanks(*part);
    if (trimmed.size() < 40 || result.text.find(trimmed.substr(0, 40)) != std::string::npos) continue;
    if (!result.text.empty()) result.text += "\n\n";
    result.text.append(trimmed);
    added = true;
  }
  result.completed_from_structured_data = added;
}

// A page whose body a script builds (a Discourse thread served without its
// crawler view) shows nothing, or only its header's few links; its meta
// description, longer than all of that, is the page's own summary of its
// content. It is added after what was found, on short pages only: some sites
// put a whole article in og:description, and a page that said more than
// min_text_chars would get it twice (WCXB, grouped CV outputs: the 7 pages it
// fires on, 0.57 -> 1.66 F1 summed; it fires on no news article).
void AddDescriptionWhenLonger(const HtmlMeta& meta, const HtmlExtractOptions& options, HtmlExtractResult& result) {
  const std::string_view description = TrimBlanks(meta.longest_description);
  const size_t text_chars = CountCodePoints(result.text);
  if (description.empty() || text_chars >= static_cast<size_t>(options.min_text_chars) ||
      CountCodePoints(description) <= text_chars) {
    return;
  }
  if (result.text.empty()) {
    result.text = std::string(description);
    result.method = "description";
    return;
  }
  result.text.append("\n\n").append(description);
  result.completed_from_description = true;
}

}  // namespace

PageBlocks ComputePageBlocks(const HtmlTree& tree, const HtmlExtractOptions& options,
                             const StructuredData& structured) {
  return BlocksWithFlags(tree, MatchAllHints(tree.nodes()), options, structured);
}

HtmlExtractResult ExtractMainText(const HtmlTree& tree, const HtmlExtractOptions& options,
                                  const BoilerplatePhrases* phrases, const TreeModel* model,
                                  const TreeModel* page_model) {
  // With the model, the block features' hint families come from the same scan.
  HintMatches hints;
  if (model) {
    hints = MatchAllHints(tree.nodes());
  } else {
    hints.rule_flags = RuleHintFlags(tree.nodes());
  }
  const std::vector<uint8_t>& flags = hints.rule_flags;
  StructuredData structured = ReadStructuredData(tree.meta());
  HtmlExtractResult best;
  std::string page_type;
  if (model) {
    const PageBlocks blocks = BlocksWithFlags(tree, hints, options, structured);
    // Unclassified: an empty name, and the block model's own threshold.
    PageType type{"", model->threshold()};
    if (page_model) {
      // The page's own address (its canonical URL), not the record's: a page
      // is typed alike whether it comes from a WARC, a JSONL record or a file.
      type = ClassifyPage(*page_model, blocks, PageSignals(tree.meta()), model->threshold());
      page_type = type.name;
    }
    best.text = DropBoilerplateLines(ModelText(tree, blocks, *model, type, flags, options), phrases);
    best.method = "model";
  }
  if (best.text.empty()) best = RuleChain(tree, flags, options, phrases);
  if (best.text.empty()) {
    // Last resort: every text run a browser shows (a page of nothing but
    // links); <noscript> is what it shows without scripts, here a notice.
    std::vector<uint8_t> skip(tree.nodes().size(), 0);
    for (size_t k = 0; k < skip.size(); ++k) skip[k] = tree.nodes()[k].tag == "noscript";
    TextRenderer renderer(tree.nodes());
    renderer.Render(tree.body(), skip, nullptr);
    best.text = DropBoilerplateLines(renderer.Take(), phrases);
    best.method = "visible";
  }
  // The page's type stays whichever step found its text: users filter by it.
  best.page_type = std::move(page_type);
  AddDescriptionWhenLonger(tree.meta(), options, best);
  AddStructuredText(structured, options, best);
  best.structured = std::move(structured);
  if (options.include_title && !tree.meta().title.empty()) {
    std::string title = tree.meta().title;
    best.text = title + (best.text.empty() ? "" : "\n\n") + best.text;
  }
  return best;
}

}  // namespace textmill
