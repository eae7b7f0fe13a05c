"""The text of an HTML fragment, a line per block element: how the held-out
extraction checks (eval_extraction_readability.sh, eval_extraction_trafilatura.sh)
read readability-lxml's answers and Readability.js's expected pages."""
from html.parser import HTMLParser

BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "tr", "td", "th",
          "section", "article", "figcaption", "dd", "dt", "table", "ul", "ol"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def text_of(html):
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)
