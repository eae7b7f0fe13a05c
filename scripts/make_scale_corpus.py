#!/usr/bin/env python3
"""Synthetic small JSONL documents with a known duplicate rate, for scripts/bench_scale.sh.

   scripts/make_scale_corpus.py OUT_DIR DOCS [--exact 0.05] [--near 0.05] [--seed 17]

Writes OUT_DIR/part-NNNN.jsonl (50,000 documents a file) and OUT_DIR/stats.json. The same
arguments give the same bytes (random.Random with a fixed seed, no clock, no hash()).
Each document: one of 2,000 sites (its URL host), the site's template lines (menu and tagline)
first and its footer last, between them 4-7 lines of 9-16 words from a 4,096-word vocabulary (content no other
document shares). A fraction `exact` are exact copies of an earlier document (new id and URL on
another site); a fraction `near` are near copies: an earlier document with one word changed
(estimated Jaccard of 5-word shingles well above 0.5). Copies come from a window of 5,000
earlier originals, so the generator's memory does not grow with DOCS.
"""
import argparse
import json
import os
import random

DOCS_PER_FILE = 50_000
SITES = 2_000
SYLLABLES = ["ba", "ke", "lo", "mi", "nu", "ra", "se", "ti", "vo", "za", "der", "mon", "tal", "pre", "sun", "gor"]


def vocabulary(rng):
    words = set()
    while len(words) < 4096:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def sentence(rng, words):
    line = " ".join(rng.choice(words) for _ in range(rng.randint(9, 16)))
    return line[0].upper() + line[1:] + "."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("docs", type=int)
    parser.add_argument("--exact", type=float, default=0.05)
    parser.add_argument("--near", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = vocabulary(rng)
    taglines = [sentence(rng, words) for _ in range(SITES)]
    os.makedirs(args.out, exist_ok=True)
    # Earlier documents a copy can be taken from: a bounded window keeps the
    # generator's memory flat, and copies of recent pages are what crawls see.
    window, exact, near = [], 0, 0
    out = None
    for n in range(args.docs):
        if n % DOCS_PER_FILE == 0:
            if out:
                out.close()
            out = open(os.path.join(args.out, f"part-{n // DOCS_PER_FILE:04d}.jsonl"), "w", encoding="utf-8")
        site = rng.randrange(SITES)
        roll = rng.random()
        if window and roll < args.exact:
            body = rng.choice(window)
            exact += 1
        elif window and roll < args.exact + args.near:
            lines = list(rng.choice(window))
            i = rng.randrange(len(lines))
            tokens = lines[i].split(" ")
            tokens[rng.randrange(len(tokens))] = rng.choice(words)
            lines[i] = " ".join(tokens)
            body = tuple(lines)
            near += 1
        else:
            body = tuple(sentence(rng, words) for _ in range(rng.randint(4, 7)))
            window.append(body)
            if len(window) > 5000:
                window[rng.randrange(5000)] = window.pop()
        # The site's template: a menu and a footer (which extract's text dump
        # cleaning removes as boilerplate) and a tagline sentence of its own,
        # which dedup's repeated-line removal must find.
        text = "\n".join((f"Home | News | Sport | Weather | Site {site} menu", taglines[site]) + body +
                         (f"Copyright site {site}. All rights reserved. Contact us.",))
        day = 1 + n * 28 // max(args.docs, 1)
        record = {"id": f"doc-{n:09d}", "url": f"https://site{site}.example/page/{n}",
                  "date": f"2026-02-{day:02d}", "text": text}
        out.write(json.dumps(record, separators=(",", ":")) + "\n")
    if out:
        out.close()
    with open(os.path.join(args.out, "stats.json"), "w") as f:
        json.dump({"documents": args.docs, "exact_copies": exact, "near_copies": near, "seed": args.seed}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
