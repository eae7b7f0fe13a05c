#!/usr/bin/env bash
# The Python binding's overhead, on the 181 shared article pages, in one call.
#   scripts/bench_python.sh            (ROUNDS=3; TEXTMILL=build/textmill)
# 1. Pipeline.process vs `textmill run`, the same records (a JSONL of the
#    pages), the same per-document stages (extract normalize langid quality
#    pii), all cores, uncompressed output. Each side from its start to its last
#    record, models loaded included: the CLI as a process (wall and CPU), the
#    Python side in one interpreter (Pipeline built, JSONL read and parsed,
#    every output record a dict); then again with the JSONL lines handed over
#    as bytes (process(open(path, "rb")): no json.loads by the caller). The
#    CLI runs with --set batch_size=4: its
#    default batch of 256 documents would put all 181 pages on one core.
# 2. textmill.extract vs readability-lxml (Document(html).summary()), CPU per
#    page in one interpreter, one core; and the CLI's own ingest + extract CPU
#    (report.json, -j 1), which textmill.extract adds the binding to.
# Each measure is the fastest of ROUNDS rounds, alternating: the machine is
# shared and single runs vary.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pages=${SHARED_DIR:-$here/../shared}/bench/extraction/pages
bin=${TEXTMILL:-$here/build/textmill}
py=/usr/bin/python3
export PYTHONPATH=$here/build/python${PYTHONPATH:+:$PYTHONPATH}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rounds=${ROUNDS:-3}

"$py" - "$pages" "$work" <<'PY'
import json, pathlib, sys
pages, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
with open(work / "pages.jsonl", "w", encoding="utf-8") as out:
    for p in sorted(pages.glob("*.html")):
        out.write(json.dumps({"id": p.stem, "html": p.read_text(encoding="utf-8", errors="replace")}, ensure_ascii=False) + "\n")
config = {"output": {"compression": "none"},
          "stages": [{"extract": {}}, {"normalize": {}}, {"langid": {}}, {"quality": {}}, {"pii": {}}]}
(work / "config.yaml").write_text(json.dumps(config, indent=1))
PY

best() { "$py" -c "print(min(float('$1'), float('$2')))"; }
cli_wall=1e9 cli_cpu=1e9 py_wall=1e9 py_cpu=1e9 rd=1e9 ex=1e9 cli_ex=1e9
for round in $(seq "$rounds"); do
  # 1. the CLI
  rm -rf "$work/out"
  /usr/bin/time -f "%e %U %S" -o "$work/t" "$bin" run -c "$work/config.yaml" -i "$work/pages.jsonl" -o "$work/out" \
    --set batch_size=4 --progress none --log-level error
  read -r wall user sys < "$work/t"
  cli_wall=$(best "$cli_wall" "$wall")
  cli_cpu=$(best "$cli_cpu" "$("$py" -c "print($user + $sys)")")
  docs=$("$py" -c "import json; print(json.load(open('$work/out/report.json'))['totals']['documents_written'])")
  # 1. Python
  read -r wall cpu pydocs parse < <("$py" - "$work" <<'PY'
import json, sys, time
start, cpu = time.perf_counter(), time.process_time()
import textmill
work = sys.argv[1]
pipe = textmill.Pipeline(work + "/config.yaml")
with open(work + "/pages.jsonl", encoding="utf-8") as lines:
    n = sum(1 for _ in pipe.process(json.loads(line) for line in lines))
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
start = time.process_time()  # the caller's own part: json.loads of the input lines
with open(work + "/pages.jsonl", encoding="utf-8") as lines:
    for line in lines:
        json.loads(line)
print(wall, cpu, n, time.process_time() - start)
PY
)
  [ "$pydocs" = "$docs" ] || { echo "python wrote $pydocs documents, the CLI $docs" >&2; exit 1; }
  py_wall=$(best "$py_wall" "$wall")
  py_cpu=$(best "$py_cpu" "$cpu")
  py_parse=$(best "${py_parse:-1e9}" "$parse")
  # 1. Python, the JSONL lines handed over as they are (bytes): no json.loads in the caller, the records
  # parsed on the worker threads as the CLI parses its file ("nan nan" from a module without that input).
  read -r wall cpu < <("$py" - "$work" "$docs" <<'PY'
import sys, time
start, cpu = time.perf_counter(), time.process_time()
import textmill
work = sys.argv[1]
pipe = textmill.Pipeline(work + "/config.yaml")
try:
    with open(work + "/pages.jsonl", "rb") as lines:
        n = sum(1 for _ in pipe.process(lines))
except ValueError:
    print("nan nan")
    sys.exit()
assert n == int(sys.argv[2]), (n, sys.argv[2])
print(time.perf_counter() - start, time.process_time() - cpu)
PY
)
  py_lines_wall=$(best "${py_lines_wall:-1e9}" "$wall")
  py_lines_cpu=$(best "${py_lines_cpu:-1e9}" "$cpu")
  # 2. one page at a time, one core
  read -r r e < <("$py" - "$pages" <<'PY'
import glob, sys, time
import textmill
from readability import Document
htmls = [open(p, encoding="utf-8", errors="replace").read() for p in sorted(glob.glob(sys.argv[1] + "/*.html"))]
textmill.extract(htmls[0])  # the model loaded outside the timing, as the CLI's stage CPU excludes it
start = time.process_time()
for h in htmls:
    try:
        Document(h).summary()
    except Exception:
        pass
readability = time.process_time() - start
start = time.process_time()
for h in htmls:
    textmill.extract(h)
print(readability, time.process_time() - start)
PY
)
  rd=$(best "$rd" "$r")
  ex=$(best "$ex" "$e")
  rm -rf "$work/out1"
  "$bin" run -c "$here/configs/extraction_eval.yaml" -i "$pages" -o "$work/out1" -j 1 --progress none --log-level warn
  e=$("$py" -c "import json; print(sum(s['cpu_seconds'] for s in json.load(open('$work/out1/report.json'))['stages'] if s['name'] in ('ingest', 'extract')))")
  cli_ex=$(best "$cli_ex" "$e")
done

"$py" - "$docs" "$rounds" "$cli_wall" "$cli_cpu" "$py_wall" "$py_cpu" "$rd" "$ex" "$cli_ex" "$py_parse" \
  "$py_lines_wall" "$py_lines_cpu" <<'PY'
import sys
docs, rounds = int(sys.argv[1]), sys.argv[2]
cli_wall, cli_cpu, py_wall, py_cpu, rd, ex, cli_ex, py_parse, lines_wall, lines_cpu = map(float, sys.argv[3:])
n = 181
print(f"fastest of {rounds} rounds each, alternating; {n} pages, {docs} documents kept")
print("1. per-document stages, all cores, models loaded included")
print(f"   textmill run (CLI)     {cli_wall:6.2f} s wall {n/cli_wall:7.1f} docs/s   {cli_cpu:6.2f} s CPU")
print(f"   Pipeline.process       {py_wall:6.2f} s wall {n/py_wall:7.1f} docs/s   {py_cpu:6.2f} s CPU")
print(f"   binding overhead: wall {100*(py_wall/cli_wall-1):+.1f}%, CPU {100*(py_cpu/cli_cpu-1):+.1f}%;"
      f" CPU without the caller's json.loads of the input ({py_parse:.2f} s): {100*((py_cpu-py_parse)/cli_cpu-1):+.1f}%")
if lines_wall >= 1e9:
    print("   Pipeline.process(lines): not offered by this module (it takes dicts only)")
else:
    print(f"   Pipeline.process(lines) {lines_wall:5.2f} s wall {n/lines_wall:7.1f} docs/s   {lines_cpu:6.2f} s CPU"
          "   (the JSONL lines as bytes, parsed by the stages' threads)")
    print(f"   binding overhead, lines: wall {100*(lines_wall/cli_wall-1):+.1f}%, CPU {100*(lines_cpu/cli_cpu-1):+.1f}%")
print("2. extraction, one page at a time, one core (CPU)")
print(f"   readability-lxml       {rd:6.2f} s {n/rd:7.1f} pages/s")
print(f"   textmill.extract       {ex:6.2f} s {n/ex:7.1f} pages/s   {rd/ex:.1f}x readability-lxml")
print(f"   CLI ingest+extract     {cli_ex:6.2f} s {n/cli_ex:7.1f} pages/s   binding overhead {100*(ex/cli_ex-1):+.1f}%")
PY
