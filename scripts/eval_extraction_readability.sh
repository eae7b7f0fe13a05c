#!/usr/bin/env bash
# A held-out extraction check: textmill on Readability.js's own test pages
# (../shared/bench/inputs/readability-test-pages, which no model or rule here
# was trained or tuned on), scored against the text of each page's
# expected.html in a mozilla/readability checkout; readability-lxml on the
# same pages alongside. It measures agreement with Readability.js, not truth.
#   scripts/eval_extraction_readability.sh READABILITY_REPO [OUT_DIR]
# READABILITY_REPO: a clone (or bare git dir) of mozilla/readability; the
# pages here were copied from its commit ab4027a8.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:?usage: eval_extraction_readability.sh READABILITY_REPO [OUT_DIR]}
out=${2:-$here/bench-out/extraction-readability}
pages=${SHARED_DIR:-$here/../shared}/bench/inputs/readability-test-pages
bin=${TEXTMILL:-$here/build/textmill}
score=${SHARED_DIR:-$here/../shared}/bench/extraction/score.py
rm -rf "$out"
mkdir -p "$out/truth" "$out/textmill" "$out/readability-lxml"
for page in "$pages"/*.html; do
  name=$(basename "$page" .html)
  git -C "$repo" show "ab4027a8:test/test-pages/$name/expected.html" > "$out/truth/$name.html"
done
"$bin" run -c "$here/configs/extraction_eval.yaml" -i "$pages" -o "$out/run" --progress none --log-level warn
PYTHONPATH="$here/scripts" /usr/bin/python3 - "$out" "$pages" <<'PY'
import glob, json, os, sys
from html_text import text_of
out, pages = sys.argv[1], sys.argv[2]
for path in glob.glob(os.path.join(out, "truth", "*.html")):
    with open(path[:-5] + ".txt", "w", encoding="utf-8") as f:
        f.write(text_of(open(path, encoding="utf-8").read()))
for path in glob.glob(os.path.join(out, "run", "part-*.jsonl")):
    for line in open(path, encoding="utf-8"):
        doc = json.loads(line)
        name = os.path.basename(doc["source"])[:-len(".html")]
        with open(os.path.join(out, "textmill", name + ".txt"), "w", encoding="utf-8") as f:
            f.write(doc["text"])
from readability import Document  # Debian's python3-readability
for page in glob.glob(os.path.join(pages, "*.html")):
    name = os.path.basename(page)[:-len(".html")]
    try:
        summary = Document(open(page, encoding="utf-8", errors="replace").read()).summary()
    except Exception:  # readability-lxml gives up on some pages: an empty answer
        summary = ""
    with open(os.path.join(out, "readability-lxml", name + ".txt"), "w", encoding="utf-8") as f:
        f.write(text_of(summary))
PY
python3 "$score" "$out/textmill" "$out/truth" --label textmill
python3 "$score" "$out/readability-lxml" "$out/truth" --label readability-lxml
