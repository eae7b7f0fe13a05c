#!/usr/bin/env bash
# Runs textmill over the extraction benchmark and scores it.
#   scripts/eval_extraction.sh [pages|pages_text] [OUT_DIR]
# Writes OUT_DIR/<id>.txt for every page and prints the scorer's summary.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
set_name=${1:-pages}
out=${2:-$here/bench-out/extraction-$set_name}
bench=${SHARED_DIR:-$here/../shared}/bench/extraction
bin=${TEXTMILL:-$here/build/textmill}
rm -rf "$out" "$out.run"
"$bin" run -c "$here/configs/extraction_eval.yaml" -i "$bench/$set_name" -o "$out.run" --progress none \
  --log-level warn
python3 - "$out.run" "$out" <<'PY'
import glob, json, os, sys
run, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for path in sorted(glob.glob(os.path.join(run, "part-*.jsonl"))):
    for line in open(path, encoding="utf-8"):
        doc = json.loads(line)
        name = os.path.splitext(os.path.basename(doc["source"]))[0]
        with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(doc["text"])
PY
python3 "$bench/score.py" "$out" "$bench/truth" "${@:3}"
