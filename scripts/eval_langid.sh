#!/usr/bin/env bash
# Scores `textmill langid` on ../shared/bench/langid/dev.tsv.
#   scripts/eval_langid.sh [BACKEND] [--min-micro A] [--min-long A] [--min-short A] [--min-lang LANG=A]...
#   (BACKEND default auto)
# With any floor, exits 1 when an accuracy is below its floor (the ctest
# floors): micro over all texts, over long and short texts (score.py's split),
# and the accuracy (recall) of one language.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
backend=${1:-auto}
shift || true
floors=()
while [ $# -gt 0 ]; do
  case $1 in
    --min-micro) floors+=("all=$2"); shift 2 ;;
    --min-long) floors+=("long=$2"); shift 2 ;;
    --min-short) floors+=("short=$2"); shift 2 ;;
    --min-lang) floors+=("lang:$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench=${SHARED_DIR:-$here/../shared}/bench/langid
bin=${TEXTMILL:-$here/build/textmill}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tail -n +2 "$bench/dev.tsv" | cut -f4 > "$work/texts.txt"
(cd "$here" && "$bin" langid -c "$here/configs/default.yaml" --backend "$backend" < "$work/texts.txt" > "$work/pred.txt")
python3 "$bench/score.py" "$bench/dev.tsv" "$work/pred.txt" --json "$work/score.json" 2>/dev/null | grep -v '^note'
[ ${#floors[@]} -eq 0 ] || python3 "$here/scripts/langid_floors.py" "$work/score.json" "${floors[@]}"
