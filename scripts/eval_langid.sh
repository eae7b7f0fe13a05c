#!/usr/bin/env bash
# Scores `textmill langid` on ../shared/bench/langid/dev.tsv.
#   scripts/eval_langid.sh [BACKEND] [--min-micro A]   (BACKEND default auto)
# With --min-micro, exits 1 when micro accuracy is below A (the ctest floor).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
backend=${1:-auto}
shift || true
min=""
if [ "${1:-}" = "--min-micro" ]; then min=$2; fi
bench=${SHARED_DIR:-$here/../shared}/bench/langid
bin=${TEXTMILL:-$here/build/textmill}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tail -n +2 "$bench/dev.tsv" | cut -f4 > "$work/texts.txt"
(cd "$here" && "$bin" langid -c "$here/configs/default.yaml" --backend "$backend" < "$work/texts.txt" > "$work/pred.txt")
python3 "$bench/score.py" "$bench/dev.tsv" "$work/pred.txt" --json "$work/score.json" 2>/dev/null | grep -v '^note'
if [ -n "$min" ]; then
  python3 - "$work/score.json" "$min" <<'PY'
import json, sys
score = json.load(open(sys.argv[1]))
micro = score["all"]["micro_acc"] if "all" in score else score["micro_acc"]
micro = micro / 100 if micro > 1 else micro
floor = float(sys.argv[2])
print(f"micro accuracy {micro:.4f} (floor {floor})")
sys.exit(0 if micro >= floor else 1)
PY
fi
