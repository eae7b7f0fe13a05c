#!/usr/bin/env bash
# Runs textmill over the extraction benchmark and scores it.
#   scripts/eval_extraction.sh [pages|pages_text] [OUT_DIR] [--min-f1 F] [score.py options]
# Writes OUT_DIR/<id>.txt for every page and prints the scorer's summary.
# With --min-f1, exits 1 when the mean F1 is below F (the ctest floor).
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
shift $(( $# < 2 ? $# : 2 ))
min_f1=""
if [ "${1:-}" = "--min-f1" ]; then min_f1=$2; shift 2; fi
python3 "$bench/score.py" "$out" "$bench/truth" --json "$out.score.json" "$@"
if [ -n "$min_f1" ]; then
  python3 - "$out.score.json" "$min_f1" <<'PY'
import json, sys
score = json.load(open(sys.argv[1]))
f1 = score["f1"]  # mean over pages
floor = float(sys.argv[2])
print(f"mean F1 {f1:.4f} (floor {floor})")
sys.exit(0 if f1 >= floor else 1)
PY
fi
