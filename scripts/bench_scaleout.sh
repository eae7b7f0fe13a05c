#!/usr/bin/env bash
# What a phased run costs against a single-machine run of the same corpus, in
# the same call: CPU seconds (user + sys of every process) and peak memory per
# phase, for N tasks per phase run one after another as an array would.
#   scripts/bench_scaleout.sh [SIZE_MIB] [TASKS]     (default 200 MiB, 4 tasks)
#   CORPUS=bench-out/corpus-1g scripts/bench_scaleout.sh 1024 2
# The corpus is make_corpus.py's (cached in bench-out/ like scripts/bench.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-200}
tasks=${2:-4}
config=${CONFIG:-$here/configs/default.yaml}
shared=${SHARED_DIR:-$here/../shared}
bin=${TEXTMILL:-$here/build/textmill}
work=$here/bench-out/bench-$size
mkdir -p "$work"
if [ -z "${CORPUS:-}" ] && [ ! -f "$work/corpus/stats.json" ]; then
  echo "building a ${size} MiB corpus in $work/corpus ..."
  python3 "$shared/bench/make_corpus.py" "$work/corpus" --size-mib "$size" --formats html >/dev/null
fi
html=${CORPUS:-$work/corpus}/html  # CORPUS=DIR: an existing make_corpus.py output instead
rm -rf "$work/so-single" "$work/so-phased" "$work/so-work"
# Runs a command and appends "cpu_seconds max_rss_kib" to $work/$1.cpu.
timed() {
  local name=$1
  shift
  /usr/bin/time -f "%U %S %M" -o "$work/$name.try" "$@" >/dev/null 2>>"$work/$name.log"
  awk '{print $1 + $2, $3}' "$work/$name.try" >> "$work/$name.cpu"
}
rm -f "$work"/so-*.cpu "$work"/so-*.log
timed so-single "$bin" run -c "$config" -i "$html" -o "$work/so-single" -j 2 --progress none
plan=$("$bin" phases -c "$config" --log-level warn)
while read -r phase count; do
  if [ "$count" = 1 ]; then ranks=0; else ranks=$(seq 0 $((tasks - 1))); fi
  for r in $ranks; do
    timed "so-$phase" "$bin" phase "$phase" -c "$config" -i "$html" -o "$work/so-phased" --work "$work/so-work" \
      --shard "$r/$tasks" -j 2
  done
done <<<"$plan"
same=no
if cmp -s <(zstd -dcq "$work"/so-single/part-*.zst | LC_ALL=C sort) <(zstd -dcq "$work"/so-phased/part-*.zst | LC_ALL=C sort); then
  same=yes
fi
python3 - "$work" "$tasks" "$same" "$(echo "$plan" | cut -d' ' -f1)" <<'PY'
import sys
work, tasks, same, phases = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split()
def load(name):
    rows = [line.split() for line in open(f"{work}/{name}.cpu")]
    return sum(float(r[0]) for r in rows), max(int(r[1]) for r in rows) / 1024
single_cpu, single_rss = load("so-single")
print(f"single machine: {single_cpu:8.2f} CPU s, peak RSS {single_rss:7.1f} MiB")
total = 0.0
for phase in phases:
    cpu, rss = load(f"so-{phase}")
    total += cpu
    print(f"  {phase:9s} {cpu:8.2f} CPU s, peak RSS per task {rss:7.1f} MiB")
print(f"phased, {tasks} tasks: {total:8.2f} CPU s = {total / single_cpu:.3f}x the single-machine run (issue 17 target <= 1.2x)")
print(f"output identical after sorting: {same}")
PY
