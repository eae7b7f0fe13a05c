#!/usr/bin/env bash
# Extraction speed against python3-readability (readability-lxml, Debian's
# package), on the same 181 real pages, in the same call, one core each.
#   scripts/bench_extract.sh
# readability: CPU time of Document(html).summary() per page, in-process.
# textmill: CPU seconds of the extract stage in report.json (-j 1), and of the
# whole run (parsing, charset, extraction, normalization, writing).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pages=${SHARED_DIR:-$here/../shared}/bench/extraction/pages
bin=${TEXTMILL:-$here/build/textmill}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bytes=$(cat "$pages"/*.html | wc -c)
n=$(ls "$pages"/*.html | wc -l)
py=$(/usr/bin/python3 - "$pages" <<'PY'
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
/usr/bin/time -f "%U %S" -o "$work/t" "$bin" run -c "$here/configs/extraction_eval.yaml" -i "$pages" -o "$work/out" -j 1 \
  --progress none --log-level warn
run_cpu=$(awk '{print $1 + $2}' "$work/t")
python3 - "$work/out/report.json" "$bytes" "$n" "$py" "$run_cpu" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
total, n, py, run_cpu = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
extract = next(s["cpu_seconds"] for s in report["stages"] if s["name"] == "extract")
print(f"{n} pages, {total/1e6:.1f} MB of HTML")
print(f"readability-lxml      {py:7.2f} s CPU  {total/1e6/py:7.1f} MB/s  {n/py:8.1f} pages/s")
print(f"textmill extract      {extract:7.2f} s CPU  {total/1e6/extract:7.1f} MB/s  {n/extract:8.1f} pages/s")
print(f"textmill whole run    {run_cpu:7.2f} s CPU  {total/1e6/run_cpu:7.1f} MB/s  {n/run_cpu:8.1f} pages/s")
print(f"ratio (same call): extract stage {py/extract:.1f}x readability-lxml; whole run {py/run_cpu:.1f}x")
PY
