#!/usr/bin/env bash
# Runs the dedup benchmark as three nights (run 0, 1, 2 of
# ../shared/bench/dedup/dev/docs.jsonl) with one --state directory, then scores
# the clusters, the kept copies and the removed lines with the bench's score.py.
#   scripts/eval_dedup.sh [WORK_DIR] [--min-precision P] [--min-recall R]
#                         [--min-canonical C]   (share of clusters keeping the earliest copy)
#                         [--min-template-removed T] [--max-content-lost L]
#                         (shares of the template lines removed, of the canonical copies' content lines lost)
# With any floor given, a unique page removed also fails the run.
# DEDUP_SET=DIR scores another set made by make_neardups.py (docs.jsonl,
# truth.jsonl and, unless made with --no-run-files, runs/run<k>.jsonl).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$here/bench-out/dedup-eval}
shift || true
min_p=""; min_r=""; min_c=""; min_t=""; max_l=""
while [ $# -gt 0 ]; do
  case $1 in
    --min-template-removed) min_t=$2; shift 2 ;;
    --max-content-lost) max_l=$2; shift 2 ;;
    --min-precision) min_p=$2; shift 2 ;;
    --min-recall) min_r=$2; shift 2 ;;
    --min-canonical) min_c=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench=${SHARED_DIR:-$here/../shared}/bench/dedup
set_dir=${DEDUP_SET:-$bench/dev}
bin=${TEXTMILL:-$here/build/textmill}
rm -rf "$work"
mkdir -p "$work"
for night in 0 1 2; do
  mkdir -p "$work/in$night"
  # One night's input is the generator's runs/run<k>.jsonl; the dev set was
  # built with --no-run-files, so it is rebuilt the way make_neardups.py writes
  # it: that night's pages in crawl order (crawl_date, then id). Within a day
  # the input order is what the keep rule falls back on (README "Deduplication").
  if [ -f "$set_dir/runs/run$night.jsonl" ]; then
    cp "$set_dir/runs/run$night.jsonl" "$work/in$night/docs.jsonl"
  else
    python3 -c "
import json
night = [json.loads(line) for line in open('$set_dir/docs.jsonl', encoding='utf-8')]
night = sorted((d for d in night if d['run'] == $night), key=lambda d: (d['crawl_date'], d['id']))
with open('$work/in$night/docs.jsonl', 'w', encoding='utf-8') as out:
    for d in night:
        out.write(json.dumps(d, ensure_ascii=False) + '\\n')"
  fi
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
python3 "$bench/score.py" score --truth "$set_dir/truth.jsonl" --clusters "$work/clusters.tsv" --kept "$work/kept.txt" \
  | tee "$work/score.txt"
python3 "$bench/score.py" lines --docs "$set_dir/docs.jsonl" --truth "$set_dir/truth.jsonl" --output "$work/cleaned.jsonl" \
  | tee "$work/lines.txt"
if [ -n "$min_p$min_r$min_c$min_t$max_l" ]; then
  python3 - "$work/score.txt" "${min_p:-0}" "${min_r:-0}" "${min_c:-0}" "$work/lines.txt" "${min_t:-0}" "${max_l:-1}" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
lines = open(sys.argv[5]).read()
def share_removed(kind):
    m = re.search(r"^" + re.escape(kind) + r"\s+lines=\s*(\d+) removed=\s*(\d+)", lines, re.M)
    if not m or int(m.group(1)) == 0:
        sys.exit(f"FAIL: no {kind} lines scored")
    return int(m.group(2)) / int(m.group(1))
template, lost = share_removed("template"), share_removed("content(canonical)")
min_t, max_l = float(sys.argv[6]), float(sys.argv[7])
print(f"template lines removed {template:.3f} (floor {min_t}), canonical content lines lost {lost:.3f} (at most {max_l})")
if template < min_t or lost > max_l:
    sys.exit(1)
def value(pattern):
    return float(re.search(pattern, text).group(1))
p = value(r"precision=([0-9.]+)")
r = value(r"recall=([0-9.]+)")
c = value(r"kept_copy_is_canonical=([0-9.]+)")
wrongly = int(value(r"unique_docs_wrongly_removed=([0-9]+)"))
floors = [float(x) for x in sys.argv[2:5]]
print(f"pairwise precision {p} (floor {floors[0]}), recall {r} (floor {floors[1]}), "
      f"kept copy canonical {c} (floor {floors[2]}), unique pages removed {wrongly} (must be 0)")
sys.exit(0 if p >= floors[0] and r >= floors[1] and c >= floors[2] and wrongly == 0 else 1)
PY
fi
