#include "stages/extract/extract.h"

#include <gtest/gtest.h>

#include <map>

#include "stages/extract/html_extractor.h"
#include "stages/extract/html_tree.h"
#include "stages/extract/rule_extractor.h"
#include "unit/test_util.h"

namespace textmill {
namespace {

using testing::ShippedPhrases;

std::string Extract(const std::string& html, HtmlExtractOptions options = {}) {
  const HtmlTree tree(html, 0);
  return ExtractMainText(tree, options, &ShippedPhrases()).text;
}

// The text of the nodes reachable from the tree's body, each followed by
// "|"; a child index outside the tree is a failure (a dangling node).
std::string ReachableText(const HtmlTree& tree) {
  std::string text;
  std::vector<int> open = {tree.body()};
  while (!open.empty()) {
    const HtmlNode& node = tree.nodes()[static_cast<size_t>(open.back())];
    open.pop_back();
    text += node.text + "|";
    for (const int child : node.children) {
      if (child < 0 || static_cast<size_t>(child) >= tree.nodes().size()) {
        ADD_FAILURE() << "child " << child << " of a tree of " << tree.nodes().size() << " nodes";
        continue;
      }
      open.push_back(child);
    }
  }
  return text;
}

std::string Article(const std::string& inner) {
  return "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><div class='article-body'>" + inner +
         "</div><footer>Copyright 2024 Example Media. All rights reserved.</footer></body></html>";
}

const std::string kPara1 =
    "<p>The river rose by more than two metres overnight, flooding the lower streets of the old town, and the "
    "fire brigade evacuated about forty families before dawn.</p>";
const std::string kPara2 =
    "<p>Officials said the water should fall again by Thursday, but warned that more rain is expected in the "
    "mountains, where the ground is already saturated.</p>";

TEST(ExtractHtmlTest, KeepsArticleDropsNavFooterScripts) {
  const std::string text = Extract(Article(kPara1 + "<script>var x = 'tracking code';</script>" + kPara2));
  EXPECT_NE(text.find("The river rose"), std::string::npos);
  EXPECT_NE(text.find("Officials said"), std::string::npos);
  EXPECT_EQ(text.find("Home"), std::string::npos);
  EXPECT_EQ(text.find("tracking"), std::string::npos);
  EXPECT_EQ(text.find("rights reserved"), std::string::npos);
  EXPECT_NE(text.find(".\n\nOfficials"), std::string::npos) << text;  // paragraphs separated by a blank line
}

TEST(ExtractHtmlTest, KeepsStructure) {
  const std::string text = Extract(Article(
      kPara1 + "<h2>What happens next</h2><ul><li>Schools stay closed</li><li>Roads reopen Friday</li></ul>" +
      "<table><tr><th>Town</th><th>Level</th></tr><tr><td>Oldbridge</td><td>2.1 m</td></tr></table>" +
      "<pre>  line one\n    indented</pre><p>First line<br>second line, after a break in the paragraph.</p>" +
      kPara2));
  EXPECT_NE(text.find("\n\nWhat happens next\n\n"), std::string::npos) << text;
  EXPECT_NE(text.find("- Schools stay closed\n- Roads reopen Friday"), std::string::npos) << text;
  EXPECT_NE(text.find("Town | Level\nOldbridge | 2.1 m"), std::string::npos) << text;
  EXPECT_NE(text.find("  line one\n    indented"), std::string::npos) << text;
  EXPECT_NE(text.find("First line\nsecond line"), std::string::npos) << text;
}

TEST(ExtractHtmlTest, CodeLinesEndedByBrKeepTheirBreaksAndIndentation) {
  // Prism (Docusaurus) writes each code line as a span ending in <br>, with
  // no newline in the page; the indentation is a span of spaces.
  const std::string code =
      "<pre class='prism-code'><code><span class='token-line'><span>def area(r):</span><br></span>"
      "<span class='token-line'><span>    </span><span>return 3.14 * r * r</span><br></span></code></pre>";
  const std::string text = Extract(Article(kPara1 + code + kPara2));
  EXPECT_NE(text.find("def area(r):\n    return 3.14 * r * r"), std::string::npos) << text;
}

TEST(ExtractHtmlTest, DropsCommentsUnlessAsked) {
  const std::string html = Article(kPara1 + kPara2) +
                           "<div id='comments' class='comments-area'><p>Great article, thank you so much for "
                           "writing about our town and the flood.</p></div>";
  EXPECT_EQ(Extract(html).find("Great article"), std::string::npos);
  HtmlExtractOptions keep;
  keep.keep_comments = true;
  EXPECT_NE(Extract(html, keep).find("Great article"), std::string::npos);
}

TEST(ExtractHtmlTest, DropsCookieShareAndRelatedBlocks) {
  const std::string html =
      "<html><body><div class='cookie-consent'><p>We use cookies to give you the best experience on this "
      "website, by continuing you accept them.</p></div><article>" +
      kPara1 + "<div class='share-bar'><a href='#'>Facebook</a><a href='#'>Twitter</a></div>" + kPara2 +
      "<div class='related-articles'><a href='/a'>Another flood story from last year in the valley</a></div>"
      "</article></body></html>";
  const std::string text = Extract(html);
  EXPECT_NE(text.find("The river rose"), std::string::npos);
  EXPECT_EQ(text.find("cookies"), std::string::npos);
  EXPECT_EQ(text.find("Facebook"), std::string::npos);
  EXPECT_EQ(text.find("Another flood"), std::string::npos);
}

TEST(ExtractHtmlTest, ForumListingAndShortPagesAreNotEmpty) {
  // A forum thread: posts are content.
  std::string forum = "<html><body><div class='thread'>";
  for (int i = 0; i < 3; ++i) {
    forum += "<div class='post message'><div class='author'>user" + std::to_string(i) +
             "</div><div class='post-content'><p>I had the same problem with the pump after the update, "
             "and replacing the filter fixed it for me, number " + std::to_string(i) + ".</p></div></div>";
  }
  forum += "</div></body></html>";
  const std::string forum_text = Extract(forum);
  EXPECT_NE(forum_text.find("number 0"), std::string::npos) << forum_text;
  EXPECT_NE(forum_text.find("number 2"), std::string::npos) << forum_text;
  // A product page with short text only.
  const std::string product = Extract(
      "<html><body><h1>Steel kettle 1.7 l</h1><div class='price'>39.90 EUR</div><div class='desc'>Boils water "
      "fast. Keeps it warm.</div></body></html>");
  EXPECT_NE(product.find("Boils water fast"), std::string::npos) << product;
}

TEST(ExtractHtmlTest, HiddenElementsOutReactStreamedSegmentsIn) {
  // <div hidden> is not shown; React's streamed segment <div hidden id="S:0">
  // is moved into view by a script and holds the page's content.
  const std::string text = Extract(
      "<html><body><div hidden><p>Secret preview text that no reader ever sees on the page at all.</p></div>"
      "<main><template id=\"B:0\"></template></main><div hidden id=\"S:0\">" + kPara1 + kPara2 +
      "</div></body></html>");
  EXPECT_NE(text.find("The river rose"), std::string::npos) << text;
  EXPECT_NE(text.find("Officials said"), std::string::npos) << text;
  EXPECT_EQ(text.find("Secret preview"), std::string::npos) << text;
}

TEST(ExtractHtmlTest, AVisibilityHiddenCoverOverTheWholePageIsLifted) {
  // A wrapper hidden until the page's scripts ran (anti-flicker, hydration):
  // the reader sees its content, so it is read; a small visibility:hidden
  // element beside visible content (a closed dialog) stays out.
  const std::string covered = Extract("<html><body><div style='visibility: hidden; min-height:100vh'><main>" +
                                      kPara1 + kPara2 + "</main></div></body></html>");
  EXPECT_NE(covered.find("The river rose"), std::string::npos) << covered;
  EXPECT_NE(covered.find("Officials said"), std::string::npos) << covered;
  const std::string dialog =
      Extract("<html><body><main>" + kPara1 + kPara2 +
              "</main><div style='visibility:hidden'><p>Subscribe to our newsletter for weekly updates and offers.</p>"
              "</div></body></html>");
  EXPECT_NE(dialog.find("The river rose"), std::string::npos) << dialog;
  EXPECT_EQ(dialog.find("Subscribe"), std::string::npos) << dialog;
  // Text in elements dropped for what they are (a <textarea>'s draft, a
  // <template>) after such a dialog is no hidden cover: the dialog stays out
  // of the tree.
  const HtmlTree drafts("<html><body><main>" + kPara1 + kPara2 +
                            "</main><div style='visibility:hidden'><p>The drawer holds the lighthouse keys.</p></div>"
                            "<textarea>" +
                            std::string(3000, 'x') + "</textarea><template><p>" + std::string(3000, 'y') +
                            "</p></template></body></html>",
                        0);
  bool river = false, lighthouse = false;
  for (const HtmlNode& node : drafts.nodes()) {
    river |= node.text.find("The river rose") != std::string::npos;
    lighthouse |= node.text.find("lighthouse") != std::string::npos;
  }
  EXPECT_TRUE(river);
  EXPECT_FALSE(lighthouse);
}

TEST(ExtractHtmlTest, MediaWikiEditLinksAndFootnoteMarkersAreNotText) {
  const std::string text =
      Extract(Article(kPara1 +
                      "<h2><span class='mw-headline' id='History'>History</span><span class='mw-editsection'>"
                      "<span class='mw-editsection-bracket'>[</span><a href='/w/index.php?action=edit'>edit</a>"
                      "<span class='mw-editsection-bracket'>]</span></span></h2>"
                      "<p>The lock reopened in 1998 after seventy years.<sup id='cite_ref-3' class='reference'>"
                      "<a href='#cite_note-3'>[3]</a></sup> It covers 40 m<sup>2</sup> of water.</p>" +
                      kPara2));
  EXPECT_NE(text.find("\n\nHistory\n\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("edit"), std::string::npos) << text;
  EXPECT_NE(text.find("after seventy years. It covers 40 m2 of water."), std::string::npos) << text;
}

TEST(ExtractHtmlTest, AHighlightedCodeCommentIsNotACommentSection) {
  // highlight.js marks a code comment "hljs-comment"; keep_comments: false
  // dropped the whole code block as if it were the reader comments.
  const HtmlTree tree(
      "<html><body><article><pre><code><span class='hljs-comment'># list the pods</span>\n"
      "kubectl get pods</code></pre></article><div id='comments' class='comments-area'>"
      "<p>Great post, thanks!</p></div></body></html>",
      0);
  const std::vector<uint8_t> in_comments = InCommentSection(tree.nodes(), RuleHintFlags(tree.nodes()));
  bool code_inside = false, code_seen = false, reader_inside = false;
  for (size_t k = 0; k < tree.nodes().size(); ++k) {
    const std::string& text = tree.nodes()[k].text;
    if (text.find("list the pods") != std::string::npos || text.find("kubectl") != std::string::npos) {
      code_seen = true;
      code_inside |= in_comments[k] != 0;
    }
    if (text.find("Great post") != std::string::npos) reader_inside = in_comments[k] != 0;
  }
  EXPECT_TRUE(code_seen);
  EXPECT_FALSE(code_inside);
  EXPECT_TRUE(reader_inside);
  // The rule path too: its pruning of comment-flagged elements left the code
  // comment's line out.
  const std::string text = Extract(Article(
      kPara1 + "<pre><code><span class='hljs-comment'># list the pods</span>\nkubectl get pods</code></pre>" + kPara2));
  EXPECT_NE(text.find("# list the pods\nkubectl get pods"), std::string::npos) << text;
}

TEST(ExtractHtmlTest, CollapsedAccordionAndTabPanelsAreContentDialogsAreNot) {
  const HtmlTree tree(
      "<html><body><main><h2>Questions</h2>"
      "<div class='faq-item'><button aria-controls='a1'>Can I cancel?</button>"
      "<div id='a1' role='region' style='display:none'><p>Yes, at any time from your account page.</p></div></div>"
      "<div class='tab-pane' hidden><p>Made of recycled aluminium, 340 grams.</p></div>"
      "<div class='chakra-collapse' style='overflow:hidden;display:none'><p>Ships within two days.</p></div>"
      "<div aria-labelledby='h3' style='display: none'><p>Warranty of five years.</p></div>"
      "<dl><dt><button aria-expanded='false'>Which regions?</button></dt>"
      "<dd id='headlessui-disclosure-panel-:R2rm:' hidden><p>Fourteen regions on four continents.</p></dd></dl>"
      "<div role='dialog' class='accordion' aria-labelledby='t' hidden><p>Sign up for our newsletter.</p></div>"
      "<div style='display:none'><p>Your cart is empty.</p></div>"
      "</main></body></html>",
      0);
  const std::string text = ReachableText(tree);
  EXPECT_NE(text.find("Yes, at any time"), std::string::npos) << text;
  EXPECT_NE(text.find("recycled aluminium"), std::string::npos) << text;
  EXPECT_NE(text.find("Ships within two days"), std::string::npos) << text;
  EXPECT_NE(text.find("Warranty of five years"), std::string::npos) << text;
  EXPECT_NE(text.find("Fourteen regions"), std::string::npos) << text;  // Headless UI (Tailwind)
  EXPECT_EQ(text.find("newsletter"), std::string::npos) << text;
  EXPECT_EQ(text.find("cart is empty"), std::string::npos) << text;
}

// A <button> has no node of its own, so its text nodes say they are inside
// one, and they are not joined with the text around the button.
TEST(ExtractHtmlTest, TextInsideAButtonIsMarkedAndKeptApart) {
  const HtmlTree tree(
      "<html><body><div>Homes in Boise <button type='button'>Save <b>search</b></button> "
      "sorted by price</div><button><div>Menu</button><p>After the menu.</p></body></html>",
      0);
  std::vector<std::pair<std::string, bool>> texts;
  for (const HtmlNode& node : tree.nodes()) {
    if (node.tag.empty() && !node.text.empty()) texts.emplace_back(node.text, node.in_button);
  }
  const std::vector<std::pair<std::string, bool>> expected = {
      {"Homes in Boise ", false},  {"Save ", true}, {"search", true},
      {" sorted by price", false}, {"Menu", true},  {"After the menu.", false}};
  EXPECT_EQ(texts, expected);
}

// A <label> around a checkbox, or naming one with for= (before or after it),
// is a checkbox label; one of a radio button or of nothing is not. The input's
// type and the label's for are read whether or not unread attributes are cut.
TEST(ExtractHtmlTest, LabelsOfCheckboxesAreMarked) {
  const std::string html =
      "<html><body><form><ul>"
      "<li><label class='f'><span><input type='checkbox' name='a' value='1'></span>Main Hall (3)</label></li>"
      "<li><input type='CheckBox' id='room-2a'><label for='room-2a'>Room 2A</label></li>"
      "<li><label for='later'>Workshop Room 3</label><input type='checkbox' id='later'></li>"
      "<li><label><input type='radio' name='size'>Size 38</label></li>"
      "<li><label for='nowhere'>Not a checkbox</label><input type='text' id='nowhere'></li>"
      "</ul></form><label>Plain label</label></body></html>";
  for (const bool cut : {true, false}) {
    const HtmlTree tree(html, 0, cut);
    std::map<std::string, bool> marked;
    for (const HtmlNode& node : tree.nodes()) {
      if (node.tag != "label") continue;
      std::string text;
      for (const int c : node.children) text += tree.nodes()[static_cast<size_t>(c)].text;
      marked[text] = node.checkbox_label;
    }
    const std::map<std::string, bool> expected = {{"Main Hall (3)", true},   {"Room 2A", true},
                                                  {"Workshop Room 3", true}, {"Size 38", false},
                                                  {"Not a checkbox", false}, {"Plain label", false}};
    EXPECT_EQ(marked, expected) << "unread attributes cut: " << cut;
  }
}

// A label inside a short <noscript> goes with it: the nodes that take its
// place (the article after it) are not marked as a checkbox's label.
TEST(ExtractHtmlTest, ALabelInADroppedNoscriptMarksNothingAfterIt) {
  const HtmlTree tree(
      "<html><body><input type='checkbox' id='nav'><noscript><label for='nav'>Menu</label></noscript>"
      "<div><p>The article starts here and goes on for a while.</p></div></body></html>",
      0);
  for (const HtmlNode& node : tree.nodes()) {
    EXPECT_NE(node.tag, "noscript");
    EXPECT_FALSE(node.checkbox_label) << node.tag;
  }
}

TEST(ExtractHtmlTest, ANoscriptCrawlerViewIsReadAShortNoscriptNoticeIsNot) {
  // Discourse serves a thread's posts to crawlers in <noscript>; a short
  // <noscript> is a "please enable JavaScript" notice or a tracking pixel.
  const HtmlTree crawler_view("<html><body><div id='app'></div><noscript><div class='post'>" + kPara1 + kPara2 +
                              "</div></noscript></body></html>", 0);
  const std::string kept = ReachableText(crawler_view);
  EXPECT_NE(kept.find("The river rose"), std::string::npos) << kept;
  EXPECT_NE(kept.find("Officials said"), std::string::npos) << kept;
  const HtmlTree notice("<html><body><main>" + kPara1 + "</main><noscript><p>Please enable JavaScript to use "
                        "this site.</p><img src='/pixel.gif'></noscript><p>After the notice.</p></body></html>", 0);
  for (const HtmlNode& node : notice.nodes()) EXPECT_NE(node.tag, "noscript");
  const std::string texts = ReachableText(notice);
  EXPECT_EQ(texts.find("enable JavaScript"), std::string::npos) << texts;
  EXPECT_NE(texts.find("The river rose"), std::string::npos) << texts;
  EXPECT_NE(texts.find("After the notice."), std::string::npos) << texts;
  // A <button> has no node of its own: closing one in a short <noscript>
  // (a Shopify cart's "Update") is not closing the <noscript>, and the text
  // after it has to go somewhere that still exists (this crashed).
  const HtmlTree misnested("<html><body><noscript>\n<button type=\"submit\">\nUpdate\n</button>\n</noscript>"
                           "<p>After the button in the notice.</p></body></html>", 0);
  for (size_t k = 1; k < misnested.nodes().size(); ++k) {
    EXPECT_LT(misnested.nodes()[k].parent, static_cast<int>(k)) << "node " << k << " has a later parent";
  }
  const std::string after = ReachableText(misnested);
  EXPECT_NE(after.find("After the button"), std::string::npos) << after;
  // Broken markup: the <body> element opens inside a short <noscript>.
  const HtmlTree body_inside("<html><noscript><body><p>Hi</p></noscript><p>Text after it.</p></html>", 0);
  ASSERT_LT(static_cast<size_t>(body_inside.body()), body_inside.nodes().size());
}

// Ruby annotations: the sentence keeps its base text on one line; the
// readings over it (furigana) are left out.
TEST(ExtractHtmlTest, RubyReadingsAreLeftOutOfTheirSentence) {
  const std::string text = Extract(Article(
      "<p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもへの<ruby><rb>虐待</rb><rt>ぎゃくたい</rt></ruby>"
      "をなくすための<ruby>法律<rtc>ほうりつ</rtc></ruby>ができました。</p>" +
      kPara1));
  EXPECT_NE(text.find("子どもへの虐待をなくすための法律ができました。"), std::string::npos) << text;
  EXPECT_EQ(text.find("ぎゃくたい"), std::string::npos) << text;
  EXPECT_EQ(text.find("ほうりつ"), std::string::npos) << text;
}

// Formulas come out as TeX in their sentence, whichever way the page
// carries it; before, the sentence lost its formula.
TEST(ExtractHtmlTest, FormulasAreKeptAsTexInTheirSentence) {
  const std::string mathml = Extract(Article(
      "<p>When <math alttext='a \\ne 0'><mi>a</mi><mo>&#x2260;</mo><mn>0</mn></math>, there are two solutions "
      "to the equation and both of them are given by the quadratic formula that every pupil learns.</p>"
      "<math display='block'><semantics><mrow><mi>x</mi></mrow>"
      "<annotation encoding='application/x-tex'>x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}</annotation>"
      "</semantics></math>" +
      kPara1));
  EXPECT_NE(mathml.find("When $a \\ne 0$, there are two solutions"), std::string::npos) << mathml;
  EXPECT_NE(mathml.find("$$x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}$$"), std::string::npos) << mathml;
  EXPECT_EQ(mathml.find("\xE2\x89\xA0"), std::string::npos) << "the MathML tokens were written as well: " << mathml;

  // MathML without TeX: the text of its elements.
  const std::string tokens = Extract(Article(
      "<p>The probability is <math><mfrac><mi>k</mi><mi>n</mi></mfrac></math> for each of the many draws that "
      "the experiment makes, as the report on the lottery explained at length to its readers.</p>" +
      kPara1));
  EXPECT_NE(tokens.find("probability is $k n$ for each"), std::string::npos) << tokens;

  // MathJax 2: the TeX is in a script, which is otherwise never content.
  const std::string mathjax = Extract(Article(
      "<p>Euler's identity <script type='math/tex'>e^{i\\pi} + 1 = 0</script> links five constants, which is why "
      "so many people who study mathematics call it the most beautiful equation ever written down.</p>"
      "<script type='math/tex; mode=display'>\n  \\sum_{n=1}^\\infty \\frac{1}{n^2} = \\frac{\\pi^2}{6}\n</script>" +
      kPara1));
  EXPECT_NE(mathjax.find("Euler's identity $e^{i\\pi} + 1 = 0$ links"), std::string::npos) << mathjax;
  EXPECT_NE(mathjax.find("$$\\sum_{n=1}^\\infty \\frac{1}{n^2} = \\frac{\\pi^2}{6}$$"), std::string::npos) << mathjax;

  // MediaWiki: hidden MathML and an image whose alt text is the TeX.
  const std::string wiki = Extract(Article(
      "<p>A matrix is Hermitian if <span class='mwe-math-element'><span class='mwe-math-mathml-inline' "
      "style='display: none;'><math alttext='{\\displaystyle a_{ij}={\\overline {a_{ji}}}}'><mi>a</mi></math>"
      "</span><img class='mwe-math-fallback-image-inline' aria-hidden='true' alt='{\\displaystyle a_{ij}={\\overline {a_{ji}}}}' "
      "src='x.svg'></span> for all of its entries, which makes its eigenvalues real numbers.</p>" +
      kPara1));
  EXPECT_NE(wiki.find("Hermitian if $a_{ij}={\\overline {a_{ji}}}$ for all"), std::string::npos) << wiki;
}

TEST(ExtractHtmlTest, ScriptBuiltPageFallsBackToItsDescription) {
  const HtmlTree tree(
      "<html><head><meta name='description' content='  How to choose a first telescope: advice wanted.  '>"
      "</head><body><div id='app'></div><script>render()</script></body></html>",
      0);
  const HtmlExtractResult result = ExtractMainText(tree, {}, &ShippedPhrases());
  EXPECT_EQ(result.text, "How to choose a first telescope: advice wanted.");
  EXPECT_EQ(result.method, "description");
  // The longest description the page gives: a site's own is often cut short.
  const HtmlTree cut(
      "<html><head><meta name='description' content='I have nothing smart in my flat. Where do I&hellip;'>"
      "<meta property='og:description' content='I have nothing smart in my flat. Where do I start? "
      "A camera, a door alarm?'></head><body><div id='app'></div></body></html>",
      0);
  EXPECT_EQ(ExtractMainText(cut, {}, &ShippedPhrases()).text,
            "I have nothing smart in my flat. Where do I start? A camera, a door alarm?");
  // A shell that shows only its header's links: the description, longer than
  // all of that, comes after them; a page with more to say than its
  // description does not get it.
  const HtmlTree header_only(
      "<html><head><meta property='og:description' content='So I wanted to know what real world range people "
      "are getting from their boards on one charge.'></head><body><header><a href='/'>esk8.news</a> "
      "<a href='/donate'>donate now</a></header><div id='app'></div></body></html>",
      0);
  const HtmlExtractResult shell = ExtractMainText(header_only, {}, &ShippedPhrases());
  EXPECT_NE(shell.text.find("esk8.news"), std::string::npos) << shell.text;
  EXPECT_NE(shell.text.find("\n\nSo I wanted to know what real world range"), std::string::npos) << shell.text;
  EXPECT_TRUE(shell.completed_from_description);
  const HtmlTree article("<html><head><meta name='description' content='A river report.'></head><body><article>" +
                         kPara1 + "</article></body></html>",
                         0);
  const HtmlExtractResult full = ExtractMainText(article, {}, &ShippedPhrases());
  EXPECT_EQ(full.text.find("A river report."), std::string::npos) << full.text;
  EXPECT_FALSE(full.completed_from_description);
}

TEST(ExtractHtmlTest, MetadataFromHead) {
  const HtmlTree tree(
      "<html lang='de'><head><title>T</title><meta property='og:title' content='OG Title'>"
      "<link rel='canonical' href='https://ex.example/a'><meta property='article:published_time' "
      "content='2024-05-01'></head><body><p>x</p></body></html>",
      0);
  EXPECT_EQ(tree.meta().title, "OG Title");
  EXPECT_EQ(tree.meta().url, "https://ex.example/a");
  EXPECT_EQ(tree.meta().lang, "de");
  EXPECT_EQ(tree.meta().date, "2024-05-01");
}

TEST(ExtractHtmlTest, HostileMarkupKeepsItsText) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "deep text";
  EXPECT_EQ(Extract(deep), "deep text");  // nesting past kMaxDepth is flattened, not lost
  EXPECT_EQ(Extract("<script>a()</script><script>b()</script>"), "");
  EXPECT_EQ(Extract("<html><body></body></html>"), "");
  const std::string unclosed = Extract("<table><tr><td><table><tr><td>x</td></table></td></tr><p>unclosed <b>bold");
  EXPECT_NE(unclosed.find("x"), std::string::npos) << unclosed;
  EXPECT_NE(unclosed.find("unclosed bold"), std::string::npos) << unclosed;
  EXPECT_EQ(Extract("<frameset><frame src='a.html'></frameset>"), "");
  // A script in an attribute value is an attribute, not a script element.
  EXPECT_EQ(Extract("<div onclick=\"<script>alert('x')</script>\">attr</div>"), "attr");
}

TEST(ExtractStageTest, RejectsEmptyAndTimesOut) {
  StageContext context;
  context.config_dir = testing::SourceDir() + "/configs";
  ExtractOptions options;
  options.phrases = "boilerplate_phrases.txt";
  ExtractStage stage(options, context);
  stage.Load();
  Document empty;
  empty.kind = ContentKind::kHtml;
  empty.raw = "<html><body><script>x</script></body></html>";
  stage.ProcessDoc(empty);
  EXPECT_EQ(empty.reject_reason, "no_content");

  options.timeout_ms = 1;
  ExtractStage slow(options, context);
  slow.Load();
  Document big;
  big.kind = ContentKind::kHtml;
  for (int i = 0; i < 200000; ++i) big.raw += "<div class='a'><p>some words here, and more</p></div>";
  slow.ProcessDoc(big);
  EXPECT_EQ(big.reject_reason, "timeout");
}

TEST(ExtractStageTest, OversizePagesAreTruncatedOrRejected) {
  StageContext context;
  context.config_dir = testing::SourceDir() + "/configs";
  ExtractOptions options;
  options.phrases = "boilerplate_phrases.txt";
  options.max_html_bytes = 1000;
  ExtractStage truncating(options, context);
  truncating.Load();
  Document doc;
  doc.kind = ContentKind::kHtml;
  doc.raw = kPara1 + kPara2 + std::string(5000, 'x');
  truncating.ProcessDoc(doc);
  EXPECT_FALSE(doc.rejected());
  EXPECT_EQ(truncating.Stats()["truncated"], 1);
  options.oversize = "reject";
  ExtractStage rejecting(options, context);
  rejecting.Load();
  Document doc2;
  doc2.kind = ContentKind::kHtml;
  doc2.raw = std::string(5000, 'x');
  rejecting.ProcessDoc(doc2);
  EXPECT_EQ(doc2.reject_reason, "too_large");
}


// Script and style bodies are cut before parsing (html_tree.cc).
TEST(ExtractHtmlRawTextTest, ScriptWithClosingTagsInStringsDoesNotLeak) {
  const std::string text =
      Extract(Article(kPara1 + "<script type=\"text/javascript\">document.write('</a></div><p>leaked code</p>');"
                               "var s = \"</span>\";</script>" + kPara2));
  EXPECT_NE(text.find("The river rose"), std::string::npos);
  EXPECT_NE(text.find("Officials said"), std::string::npos);
  EXPECT_EQ(text.find("leaked"), std::string::npos) << text;
  EXPECT_EQ(text.find("document.write"), std::string::npos) << text;
}

TEST(ExtractHtmlRawTextTest, QuotedGreaterThanUppercaseAndStyle) {
  const std::string text = Extract(Article(kPara1 + "<SCRIPT data-x=\"a>b\" src='x.js'>if (a > b) { c(); }</ScRiPt >" +
                                           "<style media=\"screen\">p > a { color: red }</STYLE>" + kPara2));
  EXPECT_NE(text.find("Officials said"), std::string::npos);
  EXPECT_EQ(text.find("c();"), std::string::npos) << text;
  EXPECT_EQ(text.find("color"), std::string::npos) << text;
}

TEST(ExtractHtmlRawTextTest, CommentedScriptAndLookAlikeTagsKeepContent) {
  // "<!-- <script> -->" must not start a cut that swallows the article up to a
  // later </script>; <scripts> and <styled> are other (unknown) elements.
  const std::string text = Extract(Article("<!-- <script> -->" + kPara1 + "<scripts>" + kPara2 + "</scripts>" +
                                           "<script>x()</script>"));
  EXPECT_NE(text.find("The river rose"), std::string::npos) << text;
  EXPECT_NE(text.find("Officials said"), std::string::npos) << text;
}

TEST(ExtractHtmlRawTextTest, UnclosedScriptOrTagKeepsTheArticle) {
  for (const std::string& tail : {std::string("<script>var never_closed = 1;"),
                                  std::string("<script src=\"unterminated")}) {
    const std::string text = Extract(Article(kPara1) + tail);
    EXPECT_NE(text.find("The river rose"), std::string::npos) << text;
    EXPECT_EQ(text.find("never_closed"), std::string::npos) << text;
  }
  EXPECT_EQ(Extract("<script"), "");
  EXPECT_EQ(Extract("<style>"), "");
}

}  // namespace
}  // namespace textmill
