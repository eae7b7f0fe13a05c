#!/usr/bin/env bash
# Does a task's memory grow with the corpus? Generates two corpora of small
# JSONL documents with a known duplicate rate (scripts/make_scale_corpus.py,
# deterministic; cached in bench-out/scale-N), runs each on one machine and as a
# phased run of TASKS tasks, and prints peak RSS, CPU and documents per CPU
# second, with the ratios large/small. BASELINE=path/to/textmill also runs
# that binary on the small corpus in the same call (throughput and memory
# before a change, next to after; BASELINE_CONFIG: its config, when it does not
# know this one's keys, such as memory_mib).
#   scripts/bench_scale.sh [SMALL] [LARGE] [TASKS]     (default 200000 800000 4)
#   MEMORY_MIB=256 BASELINE=/opt/old/textmill scripts/bench_scale.sh
# Every run: configs/default.yaml, -j 2, quality.mode=annotate (every document
# reaches dedup), memory_mib=$MEMORY_MIB (default 256). A benchmark, never a test.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
small=${1:-200000}
large=${2:-800000}
tasks=${3:-4}
memory=${MEMORY_MIB:-256}
bin=${TEXTMILL:-$here/build/textmill}
config=${CONFIG:-$here/configs/default.yaml}
out=$here/bench-out/scale
mkdir -p "$out"
sets=(--set stages.quality.mode=annotate)

corpus() {  # corpus N -> its directory, generated once
  local dir=$here/bench-out/scale-$1
  if [ ! -f "$dir/stats.json" ]; then
    echo "generating $1 documents in $dir ..." >&2
    python3 "$here/scripts/make_scale_corpus.py" "$dir" "$1" >&2
  fi
  echo "$dir"
}

# timed NAME CMD...: appends "cpu_seconds max_rss_kib wall_seconds" to $out/NAME.cpu
timed() {
  local name=$1
  shift
  /usr/bin/time -f "%U %S %M %e" -o "$out/$name.try" "$@" >/dev/null 2>>"$out/$name.log"
  awk '{print $1 + $2, $3, $4}' "$out/$name.try" >>"$out/$name.cpu"
}

rm -f "$out"/*.cpu "$out"/*.log
for n in "$small" "$large"; do
  dir=$(corpus "$n")
  rm -rf "$out/single-$n" "$out/phased-$n" "$out/work-$n"
  timed "single-$n" "$bin" run -c "$config" -i "$dir" -o "$out/single-$n" -j 2 --progress none \
    --set memory_mib="$memory" "${sets[@]}"
  plan=$("$bin" phases -c "$config" --log-level warn "${sets[@]}")
  while read -r phase count; do
    if [ "$count" = 1 ]; then ranks=0; else ranks=$(seq 0 $((tasks - 1))); fi
    for r in $ranks; do
      timed "phased-$n-$phase" "$bin" phase "$phase" -c "$config" -i "$dir" -o "$out/phased-$n" \
        --work "$out/work-$n" --shard "$r/$tasks" -j 2 --set memory_mib="$memory" "${sets[@]}"
    done
  done <<<"$plan"
  same=no
  if cmp -s <(zstd -dcq "$out/single-$n"/part-*.zst | LC_ALL=C sort) \
            <(zstd -dcq "$out/phased-$n"/part-*.zst | LC_ALL=C sort); then
    same=yes
  fi
  echo "$same" >"$out/same-$n"
  rm -rf "$out/work-$n"
done
if [ -n "${BASELINE:-}" ]; then
  rm -rf "$out/baseline-$small"
  timed "baseline-$small" "$BASELINE" run -c "${BASELINE_CONFIG:-$config}" -i "$(corpus "$small")" -o "$out/baseline-$small" -j 2 \
    --progress none "${sets[@]}"
  base_same=no
  if cmp -s <(zstd -dcq "$out/single-$small"/part-*.zst) <(zstd -dcq "$out/baseline-$small"/part-*.zst); then
    base_same=yes
  fi
  echo "$base_same" >"$out/same-baseline"
fi
python3 - "$out" "$small" "$large" "$tasks" "$memory" "$(echo "$plan" | cut -d' ' -f1)" <<'PY'
import json, os, sys
out, small, large, tasks, memory, phases = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6].split()
def load(name):
    rows = [line.split() for line in open(f"{out}/{name}.cpu")]
    return sum(float(r[0]) for r in rows), max(int(r[1]) for r in rows) / 1024, sum(float(r[2]) for r in rows)
def stats(n):
    return json.load(open(f"{out}/../scale-{n}/stats.json"))
print(f"memory_mib={memory}, -j 2, {tasks} tasks a phase; documents: {small} and {large} "
      f"(exact copies {stats(small)['exact_copies']}/{stats(large)['exact_copies']}, "
      f"near {stats(small)['near_copies']}/{stats(large)['near_copies']})")
s_cpu, s_rss, s_wall = load(f"single-{small}")
l_cpu, l_rss, l_wall = load(f"single-{large}")
print(f"single machine {small:>8}: peak RSS {s_rss:7.1f} MiB, {s_cpu:7.1f} CPU s, {small / s_cpu:7.0f} docs per CPU s, wall {s_wall:6.1f} s")
print(f"single machine {large:>8}: peak RSS {l_rss:7.1f} MiB, {l_cpu:7.1f} CPU s, {large / l_cpu:7.0f} docs per CPU s, wall {l_wall:6.1f} s")
print(f"  peak RSS ratio {large}/{small}: {l_rss / s_rss:.3f} (target <= 1.25)")
if os.path.exists(f"{out}/baseline-{small}.cpu"):
    b_cpu, b_rss, b_wall = load(f"baseline-{small}")
    print(f"baseline       {small:>8}: peak RSS {b_rss:7.1f} MiB, {b_cpu:7.1f} CPU s, {small / b_cpu:7.0f} docs per CPU s, wall {b_wall:6.1f} s")
    print(f"  throughput per CPU s vs baseline: {b_cpu / s_cpu:.3f}x; same output as baseline: {open(f'{out}/same-baseline').read().strip()}")
worst = 0.0
for n in (small, large):
    total = sum(load(f"phased-{n}-{p}")[0] for p in phases)
    single = load(f"single-{n}")[0]
    print(f"phased {n}: {total:7.1f} CPU s = {total / single:.3f}x single machine; same output: {open(f'{out}/same-{n}').read().strip()}")
for p in phases:
    a, b = load(f"phased-{small}-{p}")[1], load(f"phased-{large}-{p}")[1]
    worst = max(worst, b / a)
    print(f"  {p:9s} peak RSS per task {a:7.1f} -> {b:7.1f} MiB: {b / a:.3f}")
print(f"  worst phase ratio {large}/{small}: {worst:.3f} (target <= 1.25)")
PY
