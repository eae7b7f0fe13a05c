#!/usr/bin/env python3
"""Clean a list of HTML strings: main text, title and language of each page.

    python3 examples/python/clean_html.py [PAGE.html ...]   (default: the repo's examples)

One page at a time: textmill.extract (the extract stage alone). For many pages
and the whole cleaning (normalize, langid, quality filters, PII), use a
Pipeline: the last lines below do that on all cores.
"""
import pathlib
import sys

import textmill

paths = [pathlib.Path(p) for p in sys.argv[1:]] or sorted(
    pathlib.Path(__file__).resolve().parents[1].glob("*/*.html"))
pages = [p.read_bytes() for p in paths]  # bytes: the charset is detected as for a file; str works too

for path, html in zip(paths, pages):
    page = textmill.extract(html)
    label, score = textmill.identify_language(page["text"])
    print(f"{path.name}: {page['title']!r} [{label} {score:.2f}] {len(page['text'])} chars"
          f"{' rejected: ' + page['reject_reason'] if page['reject_reason'] else ''}")

# The whole per-document cleaning of the default config (dedup needs Pipeline.run).
pipeline = textmill.Pipeline({"stages": ["extract", "normalize", "langid", "quality", "pii"]})
htmls = [html.decode("utf-8", errors="replace") for html in pages]
for record in pipeline.process(({"id": p.name, "html": h} for p, h in zip(paths, htmls)), rejects=True):
    verdict = record.get("reject_reason") or "kept"
    print(f"{record['id']}: {verdict}, lang {record.get('lang')}")
