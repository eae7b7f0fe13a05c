#!/usr/bin/env bash
# Runs the dedup benchmark as three nights (run 0, 1, 2 of
# ../shared/bench/dedup/dev/docs.jsonl) with one --state directory, then scores
# the clusters, the kept copies and the removed lines with the bench's score.py.
#   scripts/eval_dedup.sh [WORK_DIR] [--min-precision P --min-recall R]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$here/bench-out/dedup-eval}
shift || true
min_p=""; min_r=""
while [ $# -gt 0 ]; do
  case $1 in
    --min-precision) min_p=$2; shift 2 ;;
    --min-recall) min_r=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench=${SHARED_DIR:-$here/../shared}/bench/dedup
bin=${TEXTMILL:-$here/build/textmill}
rm -rf "$work"
mkdir -p "$work"
for night in 0 1 2; do
  mkdir -p "$work/in$night"
  python3 -c "
import json, sys
with open('$work/in$night/docs.jsonl', 'w') as out:
    for line in open('$bench/dev/docs.jsonl', encoding='utf-8'):
        if json.loads(line)['run'] == $night:
            out.write(line)"
  "$bin" run -c "$here/configs/dedup_eval.yaml" -i "$work/in$night" -o "$work/out$night" \
    --state "$work/state" --progress none --log-level warn
done
python3 - "$work" <<'PY'
import glob, json, os, sys
work = sys.argv[1]
kept, dup_of, cleaned = [], {}, []
for night in range(3):
    for path in sorted(glob.glob(os.path.join(work, f"out{night}", "part-*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            doc = json.loads(line)
            kept.append(doc["id"])
            cleaned.append({"id": doc["id"], "text": doc["text"]})
    for path in sorted(glob.glob(os.path.join(work, f"out{night}", "rejects", "part-*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            doc = json.loads(line)
            if "dup_of" in doc["metadata"]:
                dup_of[doc["id"]] = doc["metadata"]["dup_of"]
def root(i, seen=0):
    while i in dup_of and seen < 100:
        i, seen = dup_of[i], seen + 1
    return i
with open(os.path.join(work, "kept.txt"), "w") as f:
    f.write("\n".join(kept) + "\n")
with open(os.path.join(work, "clusters.tsv"), "w") as f:
    for i in kept + list(dup_of):
        f.write(f"{i}\t{root(i)}\n")
with open(os.path.join(work, "cleaned.jsonl"), "w") as f:
    for d in cleaned:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
python3 "$bench/score.py" score --truth "$bench/dev/truth.jsonl" --clusters "$work/clusters.tsv" --kept "$work/kept.txt" \
  | tee "$work/score.txt"
python3 "$bench/score.py" lines --docs "$bench/dev/docs.jsonl" --truth "$bench/dev/truth.jsonl" --output "$work/cleaned.jsonl"
if [ -n "$min_p$min_r" ]; then
  python3 - "$work/score.txt" "${min_p:-0}" "${min_r:-0}" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
p = float(re.search(r"precision[^0-9]*([0-9.]+)", text).group(1))
r = float(re.search(r"recall[^0-9]*([0-9.]+)", text).group(1))
print(f"pairwise precision {p} (floor {sys.argv[2]}), recall {r} (floor {sys.argv[3]})")
sys.exit(0 if p >= float(sys.argv[2]) and r >= float(sys.argv[3]) else 1)
PY
fi
