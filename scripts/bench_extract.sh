#!/usr/bin/env bash
# Extraction speed against python3-readability (readability-lxml, Debian's
# package), on the same 181 real pages, in the same call, one core each.
#   scripts/bench_extract.sh
# readability: CPU time of Document(html).summary() per page, in-process.
# textmill: CPU seconds of the extract stage in report.json (-j 1), and of the
# whole run (parsing, charset, extraction, normalization, writing).
# Each side is measured ROUNDS times, alternating, and the fastest round of
# each is compared: the machines are shared and single runs vary by 2x.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pages=${SHARED_DIR:-$here/../shared}/bench/extraction/pages
bin=${TEXTMILL:-$here/build/textmill}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bytes=$(cat "$pages"/*.html | wc -c)
n=$(ls "$pages"/*.html | wc -l)
rounds=${ROUNDS:-3}
py=999999 run_cpu=999999 extract=999999
for round in $(seq "$rounds"); do
  t=$(/usr/bin/python3 - "$pages" <<'PY'
import glob, sys, time
from readability import Document
htmls = [open(p, encoding="utf-8", errors="replace").read() for p in sorted(glob.glob(sys.argv[1] + "/*.html"))]
start = time.process_time()
for h in htmls:
    try:
        Document(h).summary()
    except Exception:
        pass
print(time.process_time() - start)
PY
)
  py=$(python3 -c "print(min($py, $t))")
  rm -rf "$work/out"
  /usr/bin/time -f "%U %S" -o "$work/t" "$bin" run -c "$here/configs/extraction_eval.yaml" -i "$pages" -o "$work/out" \
    -j 1 --progress none --log-level warn
  run_cpu=$(python3 -c "print(min($run_cpu, $(awk '{print $1 + $2}' "$work/t")))")
  e=$(python3 -c "import json; print(next(s['cpu_seconds'] for s in json.load(open('$work/out/report.json'))['stages'] if s['name'] == 'extract'))")
  extract=$(python3 -c "print(min($extract, $e))")
done
python3 - "$bytes" "$n" "$py" "$run_cpu" "$extract" "$rounds" <<'PY'
import sys
total, n, py, run_cpu, extract, rounds = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:6]), sys.argv[6]
print(f"fastest of {rounds} rounds each, alternating:")
print(f"{n} pages, {total/1e6:.1f} MB of HTML")
print(f"readability-lxml      {py:7.2f} s CPU  {total/1e6/py:7.1f} MB/s  {n/py:8.1f} pages/s")
print(f"textmill extract      {extract:7.2f} s CPU  {total/1e6/extract:7.1f} MB/s  {n/extract:8.1f} pages/s")
print(f"textmill whole run    {run_cpu:7.2f} s CPU  {total/1e6/run_cpu:7.1f} MB/s  {n/run_cpu:8.1f} pages/s")
print(f"ratio (same call): extract stage {py/extract:.1f}x readability-lxml; whole run {py/run_cpu:.1f}x")
PY
