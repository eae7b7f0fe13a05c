#!/usr/bin/env bash
# What a phased run costs against a single-machine run of the same corpus, in
# the same call: CPU seconds (user + sys of every process) and peak memory per
# phase, for N tasks per phase run one after another as an array would.
#   scripts/bench_scaleout.sh [SIZE_MIB] [TASKS]     (default 200 MiB, 4 tasks)
#   CORPUS=bench-out/corpus-1g scripts/bench_scaleout.sh 1024 2
#   ROUNDS=3 scripts/bench_scaleout.sh 1024 8    (fastest of 3 alternating rounds each)
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
# Runs a command and appends "round cpu_seconds max_rss_kib" to $work/$1.cpu.
timed() {
  local name=$1
  shift
  /usr/bin/time -f "%U %S %M" -o "$work/$name.try" "$@" >/dev/null 2>>"$work/$name.log"
  awk -v round="$round" '{print round, $1 + $2, $3}' "$work/$name.try" >> "$work/$name.cpu"
}
rm -f "$work"/so-*.cpu "$work"/so-*.log
plan=$("$bin" phases -c "$config" --log-level warn)
# ROUNDS alternating rounds of both (the machines are shared: one call of
# each varies by 15%); each side's figures are its fastest round's.
rounds=${ROUNDS:-1}
for round in $(seq "$rounds"); do
  rm -rf "$work/so-single" "$work/so-phased" "$work/so-work"
  timed so-single "$bin" run -c "$config" -i "$html" -o "$work/so-single" -j 2 --progress none
  while read -r phase count; do
    if [ "$count" = 1 ]; then ranks=0; else ranks=$(seq 0 $((tasks - 1))); fi
    for r in $ranks; do
      timed "so-$phase" "$bin" phase "$phase" -c "$config" -i "$html" -o "$work/so-phased" --work "$work/so-work" \
        --shard "$r/$tasks" -j 2
    done
  done <<<"$plan"
done
same=no
if cmp -s <(zstd -dcq "$work"/so-single/part-*.zst | LC_ALL=C sort) <(zstd -dcq "$work"/so-phased/part-*.zst | LC_ALL=C sort); then
  same=yes
fi
python3 - "$work" "$tasks" "$same" "$(echo "$plan" | cut -d' ' -f1)" <<'PY'
import collections, sys
work, tasks, same, phases = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split()
def load(name):
    """Per round: CPU seconds of all its processes, and the peak RSS of any (MiB)."""
    cpu, rss = collections.defaultdict(float), collections.defaultdict(int)
    for line in open(f"{work}/{name}.cpu"):
        round_, seconds, kib = line.split()
        cpu[round_] += float(seconds)
        rss[round_] = max(rss[round_], int(kib))
    return cpu, {r: kib / 1024 for r, kib in rss.items()}
single_cpu, single_rss = load("so-single")
rounds = sorted(single_cpu)
phase_cpu = {phase: load(f"so-{phase}") for phase in phases}
phased_cpu = {r: sum(phase_cpu[p][0][r] for p in phases) for r in rounds}
best_single = min(single_cpu.values())
best_phased = min(phased_cpu.values())
print(f"single machine: {best_single:8.2f} CPU s (fastest of {len(rounds)}), peak RSS {max(single_rss.values()):7.1f} MiB")
for phase in phases:
    cpu, rss = phase_cpu[phase]
    print(f"  {phase:9s} {min(cpu.values()):8.2f} CPU s, peak RSS per task {max(rss.values()):7.1f} MiB")
print(f"phased, {tasks} tasks: {best_phased:8.2f} CPU s = {best_phased / best_single:.3f}x the single-machine run "
      f"(issue 17 target <= 1.2x)")
if len(rounds) > 1:
    ratios = sorted(phased_cpu[r] / single_cpu[r] for r in rounds)
    print(f"  round by round: {', '.join(f'{x:.3f}x' for x in ratios)}")
print(f"output identical after sorting: {same}")
PY
