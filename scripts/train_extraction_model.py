#!/usr/bin/python3
"""Trains the extraction block classifier (models/extraction_blocks.ubj).

  scripts/train_extraction_model.py [--folds 5] [--out models/extraction_blocks.ubj]
                                    [--cv-dir bench-out/extraction-cv]

Data: ../shared/bench/extraction-wcxb (1,476 pages of seven page types with
human-reviewed main content) and ../shared/bench/extraction (181 news
articles): both sets, so the model learns that an article's related-story
teasers and comments are not its content while a listing's cards are. Rows come from build/textmill-block-features,
the same C++ code the extract stage runs, so the model sees the features it
will be given. A block's label: most of its word trigrams (or, for blocks of
one or two words, the words in that order) occur in the page's ground truth,
tokenised as the scorer tokenises. Each block is weighted by its share of
the page's tokens, so every page counts alike, as in the scorer's mean F1.

Cross-validation is grouped by site (registrable host): a site's pages are
never in both the training and the test folds. --cv-dir writes one model per
fold and the page ids it must be scored on; scripts/eval_extraction_cv.sh runs
textmill with each and scores the union, the figure to report.
Deterministic: fixed seed, sorted inputs, one thread.
Needs Debian's python3-xgboost and python3-sklearn (/usr/bin/python3).
"""
import argparse
import csv
import json
import os
import subprocess
import sys
from collections import Counter
from urllib.parse import urlsplit

import numpy as np
import xgboost as xgb
from sklearn.model_selection import GroupKFold

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "..", "shared", "bench", "extraction"))
from score import tokenize  # noqa: E402  the scorer's own tokeniser

PARAMS = {
    "objective": "binary:logistic",
    "eval_metric": "logloss",
    "tree_method": "hist",
    "max_depth": 6,
    "eta": 0.1,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "min_child_weight": 0.5,
    "seed": 1,
    "nthread": 2,
}
ROUNDS = 200


def site_of(url):
    host = (urlsplit(url).hostname or "").lower()
    parts = host.split(".")
    if parts and parts[0] == "www":
        parts = parts[1:]
    # Registrable domain, approximately: the last two labels, three under a
    # two-letter country code with a short second level (co.uk, com.au).
    if len(parts) >= 3 and len(parts[-1]) == 2 and len(parts[-2]) <= 3:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def read_rows(bench, binary, pages_dir="pages"):
    pages = sorted(os.path.join(bench, pages_dir, p) for p in os.listdir(os.path.join(bench, pages_dir)))
    out = subprocess.run([binary] + pages, check=True, capture_output=True, text=True).stdout
    reader = csv.reader((l for l in out.split("\n") if l), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    names = header[2:-2]
    page_ids, texts, feats, groups = [], [], [], []
    for row in reader:
        page_ids.append(row[0])
        feats.append([float(v) for v in row[2:-2]])
        groups.append(int(row[-2]))
        texts.append(row[-1])
    return names, np.array(page_ids), texts, np.array(feats, dtype=np.float32), np.array(groups)


def label_blocks(page_ids, texts, truth_dir):
    labels = np.zeros(len(texts), dtype=np.float32)
    weights = np.zeros(len(texts), dtype=np.float32)
    truth_cache = {}
    page_tokens = Counter()
    block_tokens = []
    for i, text in enumerate(texts):
        tokens = tokenize(text)
        block_tokens.append(tokens)
        page_tokens[page_ids[i]] += len(tokens)
    for i, tokens in enumerate(block_tokens):
        pid = page_ids[i]
        if pid not in truth_cache:
            with open(os.path.join(truth_dir, pid + ".txt"), encoding="utf-8") as fh:
                t = tokenize(fh.read())
            trigrams = set(zip(t, t[1:], t[2:]))
            truth_cache[pid] = (" " + " ".join(t) + " ", trigrams)
        joined, trigrams = truth_cache[pid]
        if not tokens:
            continue
        if len(tokens) >= 3:
            grams = list(zip(tokens, tokens[1:], tokens[2:]))
            hit = sum(g in trigrams for g in grams) / len(grams)
            labels[i] = 1.0 if hit >= 0.5 else 0.0
        else:
            labels[i] = 1.0 if (" " + " ".join(tokens) + " ") in joined else 0.0
        weights[i] = 100.0 * len(tokens) / max(1, page_tokens[pid])
    return labels, weights


def pages_without_blocks(a, with_blocks):
    ids = [p.split(".")[0] for p in os.listdir(os.path.join(a.bench, "pages"))]
    if a.news:
        ids += [p.split(".")[0] for p in os.listdir(os.path.join(a.news, "pages"))]
    return sorted(set(ids) - with_blocks)


def train(x, y, w, names, threshold=0.5):
    dtrain = xgb.DMatrix(x, label=y, weight=w, feature_names=names)
    booster = xgb.train(PARAMS, dtrain, num_boost_round=ROUNDS)
    booster.set_attr(feature_names=",".join(names), threshold=f"{threshold:.3f}")
    return booster


def page_f1(kept_texts, truth_tokens):
    pred = Counter(tokenize(" ".join(kept_texts)))
    truth = Counter(truth_tokens)
    tp = sum((pred & truth).values())
    npred, ntruth = sum(pred.values()), sum(truth.values())
    if ntruth == 0:
        return 1.0 if npred == 0 else 0.0
    if npred == 0 or tp == 0:
        return 0.0
    p, r = tp / npred, tp / ntruth
    return 2 * p * r / (p + r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=os.path.join(HERE, "..", "shared", "bench", "extraction-wcxb"))
    ap.add_argument("--binary", default=os.path.join(HERE, "build", "textmill-block-features"))
    ap.add_argument("--news", default=os.path.join(HERE, "..", "shared", "bench", "extraction"),
                    help="the news-article set to train on as well ('' for none)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(HERE, "models", "extraction_blocks.ubj"))
    ap.add_argument("--cv-dir", default=os.path.join(HERE, "bench-out", "extraction-cv"))
    ap.add_argument("--no-final", action="store_true", help="only cross-validate")
    a = ap.parse_args()

    names, page_ids, texts, x, block_groups = read_rows(a.bench, a.binary)
    y, w = label_blocks(page_ids, texts, os.path.join(a.bench, "truth"))
    urls = {}
    with open(os.path.join(a.bench, "snippets.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            urls[rec["id"]] = rec["url"]
    truth_dirs = {pid: os.path.join(a.bench, "truth") for pid in set(page_ids)}
    if a.news:
        n_names, n_ids, n_texts, n_x, n_groups = read_rows(a.news, a.binary)
        n_y, n_w = label_blocks(n_ids, n_texts, os.path.join(a.news, "truth"))
        page_ids = np.concatenate([page_ids, n_ids])
        texts = texts + n_texts
        x, y, w = np.vstack([x, n_x]), np.concatenate([y, n_y]), np.concatenate([w, n_w])
        with open(os.path.join(a.news, "index.tsv"), encoding="utf-8") as fh:
            for line in fh.read().split("\n")[1:]:
                if line:
                    pid, url = line.split("\t")
                    urls[pid] = url
        truth_dirs.update({pid: os.path.join(a.news, "truth") for pid in set(n_ids)})
    print(f"{len(texts)} blocks, {len(set(page_ids))} pages, {len(names)} features, "
          f"{y.mean():.3f} of blocks labelled content", file=sys.stderr)

    groups = np.array([site_of(urls[p]) for p in page_ids])

    # Grouped cross-validation: per-fold models and the threshold that gives
    # the best mean page F1 over the held-out folds (block-text estimate; the
    # reported figure comes from textmill itself, eval_extraction_cv.sh).
    os.makedirs(a.cv_dir, exist_ok=True)
    scores = np.zeros(len(texts), dtype=np.float32)
    blockless = pages_without_blocks(a, set(page_ids))
    splits = list(GroupKFold(n_splits=a.folds).split(x, y, groups))
    fold_of_site = {site: fold for fold, (_, te) in enumerate(splits) for site in set(groups[te])}
    for fold, (tr, te) in enumerate(splits):
        booster = train(x[tr], y[tr], w[tr], names)
        scores[te] = booster.predict(xgb.DMatrix(x[te], feature_names=names))
        test_pages = set(page_ids[te])
        # A page with no blocks gave the model nothing to learn; it is scored
        # in its site's fold (or the first), so every page is in the figure.
        test_pages.update(p for p in blockless if fold_of_site.get(site_of(urls[p]), 0) == fold)
        test_pages = sorted(test_pages)
        with open(os.path.join(a.cv_dir, f"fold{fold}.pages"), "w") as fh:
            fh.write("\n".join(test_pages) + "\n")
        booster.save_model(os.path.join(a.cv_dir, f"fold{fold}.ubj"))
        print(f"fold {fold}: {len(test_pages)} test pages", file=sys.stderr)

    truth_tokens = {}
    for pid in set(page_ids):
        with open(os.path.join(truth_dirs[pid], pid + ".txt"), encoding="utf-8") as fh:
            truth_tokens[pid] = tokenize(fh.read())
    by_page = {}
    for i, pid in enumerate(page_ids):
        by_page.setdefault(pid, []).append(i)
    best = (0.0, 0.5)
    for threshold in np.arange(0.2, 0.71, 0.05):
        f1s = [page_f1([texts[i] for i in idx if scores[i] >= threshold], truth_tokens[pid])
               for pid, idx in by_page.items()]
        mean = float(np.mean(f1s))
        print(f"threshold {threshold:.2f}: CV mean page F1 (block estimate) {mean:.4f}", file=sys.stderr)
        best = max(best, (mean, float(threshold)))
    print(f"chosen threshold {best[1]:.2f} (CV estimate {best[0]:.4f})", file=sys.stderr)
    for fold in range(a.folds):
        path = os.path.join(a.cv_dir, f"fold{fold}.ubj")
        booster = xgb.Booster(model_file=path)
        booster.set_attr(feature_names=",".join(names), threshold=f"{best[1]:.3f}")
        booster.save_model(path)

    if not a.no_final:
        booster = train(x, y, w, names, best[1])
        os.makedirs(os.path.dirname(a.out), exist_ok=True)
        booster.save_model(a.out)
        print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
