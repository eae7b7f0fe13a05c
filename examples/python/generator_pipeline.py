#!/usr/bin/env python3
"""Pipeline.process as the map step of a generator pipeline (the shape of datatrove's blocks).

    python3 examples/python/generator_pipeline.py [PAGES_DIR] [--lang en]

read -> clean (textmill, all cores, lazy, in order) -> filter -> take -> write.
Each step is a generator over the previous one, so nothing is read before it
is needed: process() pulls a few chunks ahead of what the consumer takes.
"""
import argparse
import itertools
import json
import pathlib
import sys

import textmill

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("pages", nargs="?", default=str(pathlib.Path(__file__).resolve().parents[1]))
parser.add_argument("--lang", default="en")
parser.add_argument("--limit", type=int, default=10)
args = parser.parse_args()


def read_pages(root):  # source: one record per HTML file
    for path in sorted(pathlib.Path(root).rglob("*.html")):
        yield {"id": path.name, "html": path.read_text(encoding="utf-8", errors="replace"), "path": str(path)}


def keep_lang(records, lang):  # filter: after cleaning, by the langid stage's label
    return (r for r in records if r.get("lang") == lang)


def add_length(records):  # another map: plain Python on the cleaned records
    for r in records:
        r["metadata"]["chars"] = len(r["text"])
        yield r


clean = textmill.Pipeline({"stages": ["extract", "normalize", "langid", "quality"]}).process  # the map function
steps = add_length(keep_lang(clean(read_pages(args.pages)), args.lang))
for record in itertools.islice(steps, args.limit):
    json.dump({"id": record["id"], "chars": record["metadata"]["chars"], "text": record["text"][:80]},
              sys.stdout, ensure_ascii=False)
    print()
