#!/usr/bin/env bash
# Runs textmill over an extraction benchmark and scores it.
#   scripts/eval_extraction.sh [SET] [OUT_DIR] [--min-f1 F] [--min-group TYPE=F]... [score.py options]
# SET: pages (181 news articles, HTML; the default), pages_text (the same as
# text dumps), wcxb (../shared/bench/extraction-wcxb: 1,476 pages of seven page
# types, scored per type), layouts (tests/layouts: 112 pages we wrote, one per
# platform, scored per type). Writes OUT_DIR/<id>.txt for every page and prints
# the scorer's summary. --min-f1 and --min-group are the ctest floors: exit 1
# when the mean F1 (of all pages, or of one page type) is below F.
# EXTRA_SET="--set KEY=VALUE ..." is passed to `textmill run` (e.g. another model).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
set_name=${1:-pages}
out=${2:-$here/bench-out/extraction-$set_name}
shared=${SHARED_DIR:-$here/../shared}/bench
bin=${TEXTMILL:-$here/build/textmill}
groups=()
case "$set_name" in
  wcxb)
    bench=$shared/extraction-wcxb
    input=$bench/pages
    groups=(--groups "$bench/groups.tsv")
    ;;
  layouts)
    bench=$here/tests/layouts
    input=$bench/pages
    groups=(--groups "$bench/groups.tsv")
    ;;
  *)
    bench=$shared/extraction
    input=$bench/$set_name
    ;;
esac
rm -rf "$out" "$out.run"
# shellcheck disable=SC2086
"$bin" run -c "$here/configs/extraction_eval.yaml" -i "$input" -o "$out.run" --progress none \
  --log-level warn ${EXTRA_SET:-}
python3 - "$out.run" "$out" <<'PY'
import glob, json, os, sys
run, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for path in sorted(glob.glob(os.path.join(run, "part-*.jsonl"))):
    for line in open(path, encoding="utf-8"):
        doc = json.loads(line)
        name = os.path.basename(doc["source"]).split(".")[0]
        with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(doc["text"])
PY
shift $(( $# < 2 ? $# : 2 ))
floors=()
while [ $# -gt 0 ]; do
  case "$1" in
    --min-f1) floors+=("all=$2"); shift 2 ;;
    --min-group) floors+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
python3 "$shared/extraction/score.py" "$out" "$bench/truth" "${groups[@]}" --json "$out.score.json" "$@"
if [ ${#floors[@]} -gt 0 ]; then
  python3 - "$out.score.json" "${floors[@]}" <<'PY'
import json, sys
score = json.load(open(sys.argv[1]))
failed = False
for floor_spec in sys.argv[2:]:
    name, floor = floor_spec.split("=")
    if name == "all":
        f1 = score["f1"]  # mean over pages
    else:
        f1 = score["groups"][name]["f1"]
    ok = f1 >= float(floor)
    failed |= not ok
    print(f"{name}: mean F1 {f1:.4f} (floor {floor}){'' if ok else '  BELOW FLOOR'}")
sys.exit(1 if failed else 0)
PY
fi
