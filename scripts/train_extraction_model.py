#!/usr/bin/python3
"""Trains the extraction block classifier (models/extraction_blocks.ubj) and
the page-type classifier (models/extraction_page_types.ubj).

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
The page-type classifier reads one row per page (`textmill-block-features
--pages`), is cross-validated on the same folds of sites, and carries the
block threshold for each type it predicts, chosen on the held-out pages.
Deterministic: fixed seed, sorted inputs.
Needs Debian's python3-xgboost (/usr/bin/python3).
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
import zlib

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
# 100 rounds at eta 0.2 gave the same block estimate within noise for half
# the tree walks, but 0.876 vs 0.878 through textmill and news 0.953 vs 0.961
# (grouped CV): kept at 200 rounds of 0.1.
ROUNDS = 200

# The page-type classifier: one row per page (textmill-block-features --pages),
# the WCXB set's seven kinds; the news set's pages are articles.
PAGE_TYPES = ["article", "collection", "documentation", "forum", "listing", "product", "service"]
PAGE_PARAMS = {
    "objective": "multi:softprob",
    "num_class": len(PAGE_TYPES),
    "eval_metric": "mlogloss",
    "tree_method": "hist",
    "max_depth": 4,
    "eta": 0.1,
    "subsample": 0.8,
    "colsample_bytree": 0.5,
    "seed": 1,
    "nthread": 2,
}
PAGE_ROUNDS = 150
THRESHOLDS = [round(t, 2) for t in np.arange(0.2, 0.71, 0.05)]


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


def site_folds(groups, folds):
    """(train, test) row indices per fold; a site's fold is a hash of its name,
    so it stays in the same fold whatever else changes (GroupKFold balances
    folds by row count, and a change of the block definition moved sites
    between folds, which made figures before and after a change incomparable)."""
    fold_of_site = {site: zlib.crc32(site.encode()) % folds for site in set(groups)}
    fold = np.array([fold_of_site[site] for site in groups])
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(folds)]


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


def read_page_rows(bench, binary, pages_dir="pages"):
    pages = sorted(os.path.join(bench, pages_dir, p) for p in os.listdir(os.path.join(bench, pages_dir)))
    out = subprocess.run([binary, "--pages"] + pages, check=True, capture_output=True, text=True).stdout
    lines = [line.split("\t") for line in out.split("\n") if line]
    ids = [line[0] for line in lines[1:]]
    return lines[0][1:], ids, np.array([[float(v) for v in line[1:]] for line in lines[1:]], dtype=np.float32)


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


def kept_texts(texts, indices, scores, threshold):
    """The blocks textmill keeps at `threshold`: a block of 40 bytes or more
    repeating one already kept is left out, as html_extractor.cc does."""
    said, kept = set(), []
    for i in indices:
        if scores[i] < threshold:
            continue
        if len(texts[i].encode()) >= 40:
            if texts[i] in said:
                continue
            said.add(texts[i])
        kept.append(texts[i])
    return kept


def train_page_types(x, labels, names, thresholds):
    booster = xgb.train(PAGE_PARAMS, xgb.DMatrix(x, label=labels, feature_names=names), num_boost_round=PAGE_ROUNDS)
    set_page_type_attrs(booster, names, thresholds)
    return booster


def set_page_type_attrs(booster, names, thresholds):
    booster.set_attr(feature_names=",".join(names), classes=",".join(PAGE_TYPES),
                     thresholds=",".join(f"{t:.3f}" for t in thresholds))


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
    ap.add_argument("--reuse-block-models", action="store_true",
                    help="keep the block models in --cv-dir and --out (trained on these same rows) and "
                         "train only the page-type classifier")
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
    splits = site_folds(groups, a.folds)
    fold_of_site = {site: fold for fold, (_, te) in enumerate(splits) for site in set(groups[te])}
    for fold, (tr, te) in enumerate(splits):
        if a.reuse_block_models:
            booster = xgb.Booster(model_file=os.path.join(a.cv_dir, f"fold{fold}.ubj"))
        else:
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
    # Held-out page F1 at every candidate threshold (block-text estimate).
    f1_at = {pid: [page_f1(kept_texts(texts, idx, scores, t), truth_tokens[pid]) for t in THRESHOLDS]
             for pid, idx in by_page.items()}
    means = np.mean(list(f1_at.values()), axis=0)
    for t, mean in zip(THRESHOLDS, means):
        print(f"threshold {t:.2f}: CV mean page F1 (block estimate) {mean:.4f}", file=sys.stderr)
    threshold = THRESHOLDS[int(np.argmax(means))]
    print(f"chosen threshold {threshold:.2f} (CV estimate {means.max():.4f})", file=sys.stderr)
    for fold in range(a.folds):
        path = os.path.join(a.cv_dir, f"fold{fold}.ubj")
        booster = xgb.Booster(model_file=path)
        booster.set_attr(feature_names=",".join(names), threshold=f"{threshold:.3f}")
        booster.save_model(path)

    # Page types, cross-validated on the same folds of sites; then the block
    # threshold for each predicted type, chosen on the held-out pages.
    p_names, p_ids, p_x = read_page_rows(a.bench, a.binary)
    if a.news:
        n_names, n_ids, n_x = read_page_rows(a.news, a.binary)
        p_ids, p_x = p_ids + n_ids, np.vstack([p_x, n_x])
    with open(os.path.join(a.bench, "groups.tsv"), encoding="utf-8") as fh:
        kinds = dict(line.split() for line in fh if line.strip())
    p_type = np.array([PAGE_TYPES.index(kinds.get(p, "article")) for p in p_ids])
    p_fold = np.array([fold_of_site.get(site_of(urls[p]), 0) for p in p_ids])
    probs = np.zeros((len(p_ids), len(PAGE_TYPES)), dtype=np.float32)
    for fold in range(a.folds):
        tr, te = p_fold != fold, p_fold == fold
        booster = train_page_types(p_x[tr], p_type[tr], p_names, [threshold] * len(PAGE_TYPES))
        probs[te] = booster.predict(xgb.DMatrix(p_x[te], feature_names=p_names))
        booster.save_model(os.path.join(a.cv_dir, f"fold{fold}.page_types.ubj"))
    predicted = dict(zip(p_ids, probs.argmax(axis=1)))
    print(f"page type CV accuracy {np.mean(probs.argmax(axis=1) == p_type):.3f}", file=sys.stderr)
    thresholds = []
    for k, kind in enumerate(PAGE_TYPES):
        pages = [pid for pid in f1_at if predicted.get(pid) == k]
        # Too few pages to choose from: the threshold for all pages.
        best = (threshold if len(pages) < 20 else
                THRESHOLDS[int(np.argmax(np.mean([f1_at[pid] for pid in pages], axis=0)))])
        thresholds.append(best)
        print(f"pages typed {kind}: {len(pages)}, block threshold {best:.2f}", file=sys.stderr)
    overall = np.mean([f1_at[pid][THRESHOLDS.index(thresholds[predicted[pid]])] for pid in f1_at])
    print(f"CV mean page F1 with per-type thresholds (block estimate) {overall:.4f}", file=sys.stderr)
    for fold in range(a.folds):
        path = os.path.join(a.cv_dir, f"fold{fold}.page_types.ubj")
        booster = xgb.Booster(model_file=path)
        set_page_type_attrs(booster, p_names, thresholds)
        booster.save_model(path)

    if not a.no_final:
        if a.reuse_block_models:
            booster = xgb.Booster(model_file=a.out)
            booster.set_attr(threshold=f"{threshold:.3f}")
        else:
            booster = train(x, y, w, names, threshold)
        os.makedirs(os.path.dirname(a.out), exist_ok=True)
        booster.save_model(a.out)
        page_out = a.out.replace("_blocks.ubj", "_page_types.ubj")
        train_page_types(p_x, p_type, p_names, thresholds).save_model(page_out)
        print(f"wrote {a.out} and {page_out}", file=sys.stderr)


if __name__ == "__main__":
    main()
