#!/usr/bin/env bash
# A held-out extraction check on Trafilatura's own benchmark: the 990 pages of
# its tests/eval and tests/cache (news, blogs, shops, institutions, in a dozen
# languages; no model or rule here was trained or tuned on them), each with
# up to 6 text snippets that belong in the main content and up to 6 that do
# not (tests/evaldata.json). Scored as Trafilatura's tests/eval_common.py
# scores it: whitespace-normalised substring matches, precision, recall,
# accuracy and F1 over all snippets. readability-lxml (Debian's) runs on the
# same pages in the same call; Trafilatura's own table (docs/evaluation.rst
# at that commit) gives trafilatura 2.2.0 F1 0.924, readability-lxml 0.826.
#   scripts/eval_extraction_trafilatura.sh TRAFILATURA_REPO [OUT_DIR]
# TRAFILATURA_REPO: a clone (or bare git dir) of adbar/trafilatura holding
# commit e90b0ef5, whose pages and annotations are read.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:?usage: eval_extraction_trafilatura.sh TRAFILATURA_REPO [OUT_DIR]}
out=${2:-$here/bench-out/extraction-trafilatura}
bin=${TEXTMILL:-$here/build/textmill}
commit=e90b0ef5
rm -rf "$out"
mkdir -p "$out/pages"
# The pages, numbered in the order of the sorted URLs (names in the set repeat
# across its two folders; tests/eval_common.py prefers cache/ to eval/).
/usr/bin/python3 - "$repo" "$commit" "$out" <<'PY'
import json, subprocess, sys
repo, commit, out = sys.argv[1:4]
def show(path):
    return subprocess.run(["git", "-C", repo, "show", f"{commit}:{path}"], capture_output=True).stdout
names = set(subprocess.run(["git", "-C", repo, "ls-tree", "-r", "-z", "--name-only", commit, "tests/"],
                           capture_output=True, text=True, check=True).stdout.split("\0"))
data = json.loads(show("tests/evaldata.json"))
items = []
for n, url in enumerate(sorted(data)):
    item = data[url]
    path = next(p for p in (f"tests/cache/{item['file']}", f"tests/eval/{item['file']}") if p in names)
    with open(f"{out}/pages/{n:04d}.html", "wb") as f:
        f.write(show(path))
    items.append({"name": f"{n:04d}", "url": url, "with": item["with"], "without": item["without"]})
json.dump(items, open(f"{out}/items.json", "w"))
PY
"$bin" run -c "$here/configs/extraction_eval.yaml" -i "$out/pages" -o "$out/run" --progress none --log-level warn
PYTHONPATH="$here/scripts" /usr/bin/python3 - "$out" <<'PY'
import glob, json, os, re, sys
from html_text import text_of
from readability import Document  # Debian's python3-readability
out = sys.argv[1]
items = json.load(open(os.path.join(out, "items.json")))
textmill = {}
for path in glob.glob(os.path.join(out, "run", "part-*.jsonl")):
    for line in open(path, encoding="utf-8"):
        doc = json.loads(line)
        textmill[os.path.basename(doc["source"])[:-len(".html")]] = doc["text"]
def decode(raw):
    # readability-lxml takes text: the page's declared charset, else UTF-8, else cp1252.
    m = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', raw[:4096])
    for enc in ([m.group(1).decode()] if m else []) + ["utf-8"]:
        try:
            return raw.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    return raw.decode("cp1252", errors="replace")
def readability(name):
    try:
        return text_of(Document(decode(open(os.path.join(out, "pages", name + ".html"), "rb").read())).summary())
    except Exception:  # readability-lxml gives up on some pages: an empty answer
        return ""
def norm(text):
    return re.sub(r"\s+", " ", text).strip()
def score(label, text_of_item):
    tp = fp = fn = tn = 0
    for item in items:
        result = norm(text_of_item(item["name"]))
        t = sum(1 for w in item["with"] if norm(w) in result)
        f = sum(1 for w in item["without"] if norm(w) in result)
        tp, fp, fn, tn = tp + t, fp + f, fn + len(item["with"]) - t, tn + len(item["without"]) - f
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    accuracy = (tp + tn) / (tp + fp + fn + tn)
    f1 = 2 * precision * recall / (precision + recall)
    print(f"{label:18s} {len(items)} pages  precision {precision:.3f}  recall {recall:.3f}  "
          f"accuracy {accuracy:.3f}  F1 {f1:.3f}")
score("textmill", lambda name: textmill.get(name, ""))
score("readability-lxml", readability)
PY
