#!/usr/bin/env bash
# The merge task of a phased run forced in memory and forced out of core
# (TEXTMILL_MERGE_MEMBER_LIMIT=4000000000 and 0: memory_mib alone would send
# the synthetic members out of core), both at memory_mib=$MEMORY_MIB (default 16):
# its peak RSS and CPU at SMALL and LARGE documents (bench_scale.sh's corpora,
# cached in bench-out/scale-N), then on synthetic work files of $SYNTH members
# (scripts/make_merge_inputs.py; empty: none), with the ratios, and whether both
# paths wrote the same clusters.bin and decisions-rR. The phases before merge
# run once per corpus; merge runs TRIES times a path (--force): the median CPU
# and the largest RSS are printed. A benchmark, never a test.
#   scripts/bench_merge.sh [SMALL] [LARGE] [TASKS]     (default 200000 800000 4)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
small=${1:-200000}
large=${2:-800000}
tasks=${3:-4}
memory=${MEMORY_MIB:-16}
tries=${TRIES:-3}
synth=${SYNTH-2000000 8000000}
bin=${TEXTMILL:-$here/build/textmill}
config=${CONFIG:-$here/configs/default.yaml}
out=$here/bench-out/merge
mkdir -p "$out"
sets=(--set stages.quality.mode=annotate --set memory_mib="$memory")
plan=$("$bin" phases -c "$config" --log-level warn "${sets[@]}")
rm -f "$out"/*.cpu "$out"/same-* "$out"/*.json

merge_both() {  # merge_both NAME WORK ARGS...: TRIES merge tasks a path on WORK
  local name=$1 work=$2 path limit
  shift 2
  for path in memory external; do
    limit=4000000000
    [ "$path" = external ] && limit=0
    for _ in $(seq "$tries"); do
      TEXTMILL_MERGE_MEMBER_LIMIT=$limit /usr/bin/time -f "%U %S %M" -o "$out/try" \
        "$bin" phase merge "$@" --shard "0/$tasks" --force
      awk '{print $1 + $2, $3}' "$out/try" >>"$out/$path-$name.cpu"
    done
    cat "$work/dedup/clusters.bin" "$work"/dedup/decisions-r*.bin >"$out/$path.bytes"
    cp "$work/done/merge.0" "$out/$path-$name.json"
  done
  cmp -s "$out/memory.bytes" "$out/external.bytes" && echo yes >"$out/same-$name" || echo no >"$out/same-$name"
  rm -f "$out"/*.bytes
}

for n in "$small" "$large"; do
  dir=$here/bench-out/scale-$n
  [ -f "$dir/stats.json" ] || python3 "$here/scripts/make_scale_corpus.py" "$dir" "$n" >&2
  args=(-c "$config" -i "$dir" -o "$out/out-$n" --work "$out/work-$n" -j 2 --log-level warn "${sets[@]}")
  rm -rf "$out/out-$n" "$out/work-$n"
  while read -r phase count; do
    [ "$phase" = merge ] && break
    if [ "$count" = 1 ]; then ranks=0; else ranks=$(seq 0 $((tasks - 1))); fi
    for r in $ranks; do "$bin" phase "$phase" "${args[@]}" --shard "$r/$tasks"; done
  done <<<"$plan"
  merge_both "$n" "$out/work-$n" "${args[@]}"
done
# Synthetic members: the large corpus's work dir (its plan and completion
# records) with other work files.
for m in $synth; do
  python3 "$here/scripts/make_merge_inputs.py" "$out/work-$large/dedup" "$m" "$tasks"
  merge_both "synthetic-$m" "$out/work-$large" "${args[@]}"
done
rm -rf "$out"/work-* "$out"/out-*
python3 - "$out" "$memory" "$small" "$large" $synth <<'PY'
import json, statistics, sys
out, memory, names = sys.argv[1], sys.argv[2], sys.argv[3:]
def load(name):
    rows = [line.split() for line in open(f"{out}/{name}.cpu")]
    return statistics.median(float(r[0]) for r in rows), max(int(r[1]) for r in rows) / 1024
def counters(name):
    stack = [json.load(open(f"{out}/{name}.json"))]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "documents_in_clusters" in item:
                return item
            stack.extend(item.values())
    return {}
print(f"merge task, memory_mib={memory}")
for n in names[:2] + [f"synthetic-{m}" for m in names[2:]]:
    c = counters(f"external-{n}")
    (mc, mr), (ec, er) = load(f"memory-{n}"), load(f"external-{n}")
    print(f"  {n}: {c.get('documents_in_clusters')} members, {c.get('clusters')} clusters, "
          f"{c.get('out_of_core_rounds')} rounds; in memory {mr:6.1f} MiB {mc:6.2f} CPU s, out of core "
          f"{er:6.1f} MiB {ec:6.2f} CPU s ({ec / mc:.2f}x); same bytes: {open(f'{out}/same-{n}').read().strip()}")
pairs = [(names[0], names[1])] + ([(f"synthetic-{names[2]}", f"synthetic-{names[-1]}")] if len(names) > 3 else [])
for a, b in pairs:
    for path in ("memory", "external"):
        print(f"  peak RSS {b}/{a} {path:8s}: {load(f'{path}-{b}')[1] / load(f'{path}-{a}')[1]:.3f}x")
PY
