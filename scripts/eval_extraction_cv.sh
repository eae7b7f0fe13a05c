#!/usr/bin/env bash
# Cross-validated extraction score on the WCXB dev set, grouped by site: each
# page is extracted by the fold model that never saw its site, with textmill
# itself, and the union is scored per page type.
#   scripts/train_extraction_model.py      # writes bench-out/extraction-cv/fold*.{ubj,page_types.ubj,pages}
#   scripts/eval_extraction_cv.sh [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cv=${CV_DIR:-$here/bench-out/extraction-cv}
out=${1:-$here/bench-out/extraction-wcxb-cv}
bench=${SHARED_DIR:-$here/../shared}/bench/extraction-wcxb
news=${SHARED_DIR:-$here/../shared}/bench/extraction
bin=${TEXTMILL:-$here/build/textmill}
ls "$cv"/fold?.ubj >/dev/null 2>&1 || { echo "no fold models in $cv: run scripts/train_extraction_model.py" >&2; exit 2; }
rm -rf "$out" "$out.work" "$out.news"
mkdir -p "$out" "$out.work"
for model in "$cv"/fold?.ubj; do
  fold=$(basename "$model" .ubj)
  pages=$out.work/$fold
  mkdir -p "$pages"
  while read -r id; do
    if [ -e "$bench/pages/$id.html.gz" ]; then
      ln -s "$bench/pages/$id.html.gz" "$pages/$id.html.gz"
    else
      ln -s "$news/pages/$id.html" "$pages/$id.html"
    fi
  done < "$cv/$fold.pages"
  "$bin" run -c "$here/configs/extraction_eval.yaml" -i "$pages" -o "$out.work/$fold.run" --progress none \
    --log-level warn --set "stages.extract.model=$model" \
    --set "stages.extract.page_type_model=${model%.ubj}.page_types.ubj" ${EXTRA_SET:-}
done
python3 - "$out.work" "$out" <<'PY'
import glob, json, os, sys
work, out = sys.argv[1], sys.argv[2]
for path in sorted(glob.glob(os.path.join(work, "fold*.run", "part-*.jsonl"))):
    for line in open(path, encoding="utf-8"):
        doc = json.loads(line)
        name = os.path.basename(doc["source"]).split(".")[0]
        with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(doc["text"])
PY
mkdir -p "$out.news"
for f in "$news"/truth/*.txt; do
  id=$(basename "$f")
  if [ -e "$out/$id" ]; then mv "$out/$id" "$out.news/$id"; fi
done
python3 "$news/score.py" "$out" "$bench/truth" --groups "$bench/groups.tsv" --json "$out.score.json"
if ls "$out.news"/*.txt >/dev/null 2>&1; then
  python3 "$news/score.py" "$out.news" "$news/truth" --label news-articles-cv --json "$out.news.score.json"
fi
