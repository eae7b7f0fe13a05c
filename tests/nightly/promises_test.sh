#!/usr/bin/env bash
# README promises that no other test holds (issue 21, item 5):
#  1. metrics.prom: the Prometheus textfile format (HELP and TYPE before each
#     family, one sample a line), the promised names, values equal to
#     report.json's; scripts/nightly.sh copies it to $TEXTMILL_METRICS_DIR and
#     writes textmill.log through --log-file;
#  2. report.json: input and output bytes, CPU seconds, records by type;
#  3. sharding from SLURM_ARRAY_TASK_ID/COUNT and from JOB_COMPLETION_INDEX
#     with TEXTMILL_SHARD_COUNT gives what --shard R/N gives, byte for byte;
#  4. 1 thread == N threads over HTML, WARC and JSONL inputs, shards rotated,
#     rejects written;
#  5. output.route_by_lang: DIR/<lang>/ holds exactly the documents of <lang>;
#  6. exit code 1 on a fatal runtime error (a write the file-size limit
#     refuses), naming the file;
#  7. --progress: none prints no progress, log (and auto off a terminal) log
#     lines, live (and auto on a terminal, given by script(1)) a redrawn line.
#   promises_test.sh TEXTMILL_BIN   (run from the repository root)
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED_DIR:-$repo/../shared}
cd "$repo"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
config=configs/default.yaml
quiet=(--progress none --log-level error)

# Inputs of every reader: JSONL (the dedup dev set, real articles with their
# copies), HTML and text (examples/), WARC (real crawls from the shared bench).
bash tests/scaleout/make_inputs.sh "$work/in"
mkdir -p "$work/in/warc"
cp "$shared"/bench/inputs/warc/*.warc* "$work/in/warc/"
many=(-c $config -i "$work/in" --set reader.jsonl.date_field=crawl_date --set output.rejects=true
      --set output.shard_max_documents=20)

# --- 4. one thread and N threads write the same bytes ------------------------
code=0
"$bin" run "${many[@]}" -o "$work/j1" -j 1 "${quiet[@]}" || code=$?
[ "$code" = 0 ] || [ "$code" = 3 ] || fail "the one-thread run exited $code"
code4=0
"$bin" run "${many[@]}" -o "$work/j4" -j 4 "${quiet[@]}" || code4=$?
[ "$code4" = "$code" ] || fail "one thread exited $code, four threads $code4"
python3 - "$work/j1/report.json" <<'PY' || fail "the inputs do not exercise every reader, rotation and rejects"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["totals"]["documents_written"] > 100, r["totals"]
assert r["totals"]["rejects_by_reason"].get("duplicate", 0) + r["totals"]["rejects_by_reason"].get("near_duplicate", 0) > 0 \
    or sum(r["totals"]["rejects_by_reason"].values()) > 20, r["totals"]["rejects_by_reason"]
sources = json.dumps(r["inputs"])
assert "warc" in sources.lower(), "no WARC record counted: " + sources[:300]
PY
for d in j1 j4; do (cd "$work/$d" && find . -name 'part-*' | sort) > "$work/$d.list"; done
[ "$(grep -c -v rejects "$work/j1.list")" -ge 3 ] || fail "fewer than 3 shards: no rotation"
grep -q rejects/ "$work/j1.list" || fail "no reject shard"
cmp -s "$work/j1.list" "$work/j4.list" || { diff "$work/j1.list" "$work/j4.list" | head || true; fail "other shard names with 4 threads"; }
while read -r f; do
  cmp -s "$work/j1/$f" "$work/j4/$f" || fail "$f differs between 1 and 4 threads"
done < "$work/j1.list"
python3 - "$work/j1" <<'PY' || fail "the written documents do not come from every reader"
import glob, json, re, subprocess, sys
out = subprocess.run("zstd -dcq %s/part-*.jsonl.zst" % sys.argv[1], shell=True, capture_output=True, check=True, text=True).stdout
sources = [json.loads(l)["source"] for l in out.splitlines()]
kinds = {"html": r"\.html$", "warc": r"\.warc(\.gz)?@[0-9]+$", "jsonl": r"\.jsonl:[0-9]+$"}
counts = {k: sum(1 for s in sources if re.search(p, s)) for k, p in kinds.items()}
assert all(counts.values()), counts
print("written by reader:", counts)
PY
echo "1 thread == 4 threads over HTML, WARC and JSONL: $(wc -l < "$work/j1.list") shard files identical"

# --- 2. report.json fields ---------------------------------------------------
python3 - "$work/j1" <<'PY' || fail "report.json fields"
import glob, json, subprocess, sys
out = sys.argv[1]
r = json.load(open(out + "/report.json"))
t = r["totals"]
lines = subprocess.run("zstd -dcq %s/part-*.jsonl.zst" % out, shell=True, capture_output=True, check=True).stdout
assert t["documents_written"] == lines.count(b"\n"), (t["documents_written"], lines.count(b"\n"))
assert t["documents_rejected"] == t["documents_read"] - t["documents_written"], t
assert sum(t["rejects_by_reason"].values()) == t["documents_rejected"], t
assert t["input_bytes"] > 0 and r["inputs"]["bytes"] == t["input_bytes"], (t["input_bytes"], r["inputs"]["bytes"])
# Uncompressed output bytes: the shards' lines.
assert r["output"]["bytes"] == len(lines), (r["output"]["bytes"], len(lines))
assert t["stage_cpu_seconds"] > 0 and t["wall_seconds"] > 0, t
assert all(st["cpu_seconds"] >= 0 for st in r["stages"]), [st.get("cpu_seconds") for st in r["stages"]]
records = r["inputs"]["records"]
assert records.get("warc.response", 0) > 0 and records.get("warc.documents", 0) > 0, records
print("report.json: bytes in %d, out %d; CPU %.2f s; WARC records by type %s" % (
    t["input_bytes"], r["output"]["bytes"], t["stage_cpu_seconds"], records))
PY

# --- 1. metrics.prom, $TEXTMILL_METRICS_DIR, --log-file ----------------------
python3 - "$work/j1" "$code" <<'PY' || fail "metrics.prom"
import json, re, sys
out, code = sys.argv[1], int(sys.argv[2])
r = json.load(open(out + "/report.json"))
text = open(out + "/metrics.prom").read()
assert text.endswith("\n")
samples, declared = {}, {}
for line in text.splitlines():
    m = re.fullmatch(r"# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)", line)
    if m:
        declared.setdefault(m.group(2), set()).add(m.group(1))
        if m.group(1) == "TYPE":
            assert m.group(3) in ("gauge", "counter"), line
        continue
    m = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*)\} (-?[0-9.]+(?:e[+-]?[0-9]+)?)', line)
    assert m, "not a Prometheus sample: " + line
    assert declared.get(m.group(1)) == {"HELP", "TYPE"}, "no HELP/TYPE before " + line
    labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"', m.group(2)))
    samples[(m.group(1), labels.get("reason", ""))] = float(m.group(3))
t = r["totals"]
want = {("textmill_documents_read", ""): t["documents_read"], ("textmill_documents_written", ""): t["documents_written"],
        ("textmill_input_bytes", ""): t["input_bytes"], ("textmill_output_bytes", ""): r["output"]["bytes"],
        ("textmill_exit_code", ""): code}
want.update({("textmill_rejects", k): v for k, v in t["rejects_by_reason"].items()})
for key, value in want.items():
    assert samples.get(key) == value, f"{key}: metrics.prom {samples.get(key)}, report.json {value}"
for name in ("textmill_duration_seconds", "textmill_last_success_timestamp_seconds", "textmill_unreadable_inputs"):
    assert (name, "") in samples, name + " missing"
print(f"metrics.prom: {len(samples)} samples in the textfile format, equal to report.json")
PY
mkdir -p "$work/nightly-in" "$work/metrics"
cp examples/news/*.html "$work/nightly-in/"
TEXTMILL="$bin" TEXTMILL_NIGHT=2026-03-01 TEXTMILL_METRICS_DIR="$work/metrics" \
  scripts/nightly.sh "$work/nightly-in" "$work/nights" "$work/nstate" > "$work/nightly.out" 2>&1 ||
  { cat "$work/nightly.out"; fail "scripts/nightly.sh failed"; }
night=$work/nights/2026-03-01
cmp -s "$night/metrics.prom" "$work/metrics/textmill.prom" || fail "\$TEXTMILL_METRICS_DIR/textmill.prom is not the night's metrics.prom"
[ -z "$(find "$work/metrics" -name '.*')" ] || fail "a temp file was left in \$TEXTMILL_METRICS_DIR"
grep -q '^textmill_exit_code{shard="0"} 0$' "$work/metrics/textmill.prom" || fail "the copied metrics do not say exit 0"
# --log-file (nightly.sh passes it): the run's log lines, the final progress line included.
[ -s "$night/textmill.log" ] || fail "--log-file wrote nothing"
grep -q "progress: done" "$night/textmill.log" || { cat "$night/textmill.log"; fail "--log-file lacks the final progress line"; }
"$bin" run -c $config -i examples -o "$work/logged" --log-file "$work/logged.log" --log-level info --progress log \
  2> "$work/logged.err" || fail "run with --log-file failed"
[ -s "$work/logged.log" ] || fail "--log-file: empty log"
grep -q "progress: done" "$work/logged.log" || fail "--log-file: no final progress line in the file"
echo "metrics.prom copied to \$TEXTMILL_METRICS_DIR by nightly.sh; --log-file holds the run's log"

# --- 3. shard from the array job's environment ---------------------------------
"$bin" run "${many[@]}" -o "$work/s13" --shard 1/3 "${quiet[@]}" || [ $? = 3 ] || fail "--shard 1/3 failed"
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=3 "$bin" run "${many[@]}" -o "$work/slurm" "${quiet[@]}" || [ $? = 3 ] ||
  fail "the Slurm array task failed"
# An array numbered from 1 (--array=1-3): task 2 is rank 1.
SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=3 "$bin" run "${many[@]}" -o "$work/slurm1" \
  "${quiet[@]}" || [ $? = 3 ] || fail "the Slurm array task numbered from 1 failed"
JOB_COMPLETION_INDEX=1 TEXTMILL_SHARD_COUNT=3 "$bin" run "${many[@]}" -o "$work/k8s" "${quiet[@]}" || [ $? = 3 ] ||
  fail "the indexed Job task failed"
(cd "$work/s13" && find . -name 'part-*' | sort) > "$work/s13.list"
grep -q '^\./part-00001-' "$work/s13.list" || fail "--shard 1/3 wrote no part-00001-* shard"
for d in slurm slurm1 k8s; do
  (cd "$work/$d" && find . -name 'part-*' | sort) > "$work/$d.list"
  cmp -s "$work/s13.list" "$work/$d.list" || { diff "$work/s13.list" "$work/$d.list" | head || true; fail "$d: other shards than --shard 1/3"; }
  while read -r f; do
    case $f in *.jsonl*) cmp -s "$work/s13/$f" "$work/$d/$f" || fail "$d: $f differs from --shard 1/3" ;; esac
  done < "$work/s13.list"
done
echo "SLURM_ARRAY_TASK_ID/COUNT and JOB_COMPLETION_INDEX/TEXTMILL_SHARD_COUNT shard as --shard 1/3 does"

# --- 5. route_by_lang ------------------------------------------------------------
"$bin" run "${many[@]}" -o "$work/routed" --set output.route_by_lang=true "${quiet[@]}" || [ $? = 3 ] ||
  fail "route_by_lang run failed"
python3 - "$work/routed" "$work/j1" <<'PY' || fail "route_by_lang"
import glob, json, os, subprocess, sys
routed, flat = sys.argv[1:]
def docs(pattern):
    files = sorted(glob.glob(pattern))
    if not files:
        return []
    out = subprocess.run(["zstd", "-dcq", *files], capture_output=True, check=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines()]
langs = sorted(d for d in os.listdir(routed) if os.path.isdir(os.path.join(routed, d)) and d != "rejects")
assert len(langs) >= 3, langs
ids = []
for lang in langs:
    for d in docs(os.path.join(routed, lang, "part-*.jsonl.zst")):
        assert d["lang"] == lang, (lang, d["id"], d["lang"])
        ids.append(d["id"])
flat_ids = [d["id"] for d in docs(os.path.join(flat, "part-*.jsonl.zst"))]
assert sorted(ids) == sorted(flat_ids), (len(ids), len(flat_ids))
assert not glob.glob(os.path.join(routed, "part-*")), "shards outside the language folders"
print(f"route_by_lang: {len(ids)} documents in {len(langs)} language folders, each in its own")
PY

# --- 6. exit code 1 ---------------------------------------------------------------
# A file-size limit of 64 KiB makes the shard writes fail with EFBIG (SIGXFSZ
# ignored, as the shell passes it on): a runtime error after work has begun.
code=0
(trap '' XFSZ; ulimit -f 128; exec "$bin" run "${many[@]}" -o "$work/limited" --set output.shard_max_documents=0 \
   "${quiet[@]}") 2> "$work/limited.err" || code=$?
[ "$code" = 1 ] || { cat "$work/limited.err"; fail "a failed write gave exit $code, expected 1"; }
grep -q "cannot write $work/limited/.*File too large" "$work/limited.err" ||
  fail "exit 1 without naming the file and the reason: $(cat "$work/limited.err")"
leftover=$(find "$work/limited" -name '*.tmp*' -o -name '*.spool' | head -3)
[ -z "$leftover" ] || fail "the failed run left temp files: $leftover"
if [ -f "$work/limited/metrics.prom" ]; then
  grep -q '^textmill_exit_code{shard="0"} 1$' "$work/limited/metrics.prom" || fail "metrics.prom of a failed run does not say 1"
fi
echo "a failed write: exit 1, naming the file, no temp file left"
# --- 7. --progress modes ------------------------------------------------------------
progress() {  # progress MODE [tty]: the run's stderr (through a pseudo-terminal with "tty")
  rm -rf "$work/p"
  if [ "${2:-}" = tty ]; then
    command -v script > /dev/null || { echo "SKIP: --progress on a terminal: no script(1)" >&2; return 0; }
    script -qec "'$bin' run -c $config -i examples -o '$work/p' --progress $1" /dev/null 2>&1
  else
    "$bin" run -c $config -i examples -o "$work/p" --progress "$1" 2>&1 >/dev/null
  fi
}
final="done: files 6/6  docs read 6, written 5"
out=$(progress none); ! grep -q "$final" <<<"$out" || fail "--progress none printed progress: $out"
for mode in log auto; do
  out=$(progress $mode)
  grep -q "progress: $final" <<<"$out" || fail "--progress $mode off a terminal: no progress log line: $out"
  ! grep -q $'\r' <<<"$out" || fail "--progress $mode off a terminal redraws a line"
done
for mode in live auto; do
  out=$(progress $mode tty)
  [ -z "$out" ] && continue  # no script(1)
  grep -q $'\r'"$final"'.*'$'\e\\[K' <<<"$out" || fail "--progress $mode on a terminal: no redrawn line: $(cat -A <<<"$out")"
  ! grep -q "progress: $final" <<<"$out" || fail "--progress $mode on a terminal also logged the line"
done
echo "--progress none/log/live/auto: none silent, log lines off a terminal, a redrawn line on one"
echo "promises test: all checks passed"
