#!/usr/bin/env bash
# The merge task of a phased run clusters out of core (TEXTMILL_MERGE_MEMBER_LIMIT=0,
# as when its members do not fit memory_mib) with the same result as in memory:
# clusters.bin, every decisions-rR and the output shards byte for byte. Two
# nights with --state, so the second has copies of published documents; N = 3
# tasks, so clusters span input slices and hash ranges.
#   tests/scaleout/merge_out_of_core_test.sh TEXTMILL
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED_DIR:-$here/../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(-c "$here/configs/dedup_eval.yaml" -i "$work/in" --set output.compression=zstd)
status=0
mkdir -p "$work/in"
for night in 0 1; do
  python3 - "$shared/bench/dedup/dev/docs.jsonl" "$work/in" "$night" <<'PY'
import json, sys
rows = [l for l in open(sys.argv[1], encoding="utf-8") if json.loads(l)["run"] == int(sys.argv[3])]
for i in range(4):
    with open(f"{sys.argv[2]}/night{sys.argv[3]}-{i}.jsonl", "w", encoding="utf-8") as out:
        out.writelines(rows[i::4])
PY
  for mode in memory external; do
    limit=""
    [ "$mode" = external ] && limit=0
    env ${limit:+TEXTMILL_MERGE_MEMBER_LIMIT=$limit} bash "$here/tests/scaleout/phased_run.sh" "$bin" 3 \
      "$work/work-$mode$night" "$work/out-$mode$night" -- "${args[@]}" --state "$work/state-$mode"
  done
  a=$work/work-memory$night b=$work/work-external$night
  for f in clusters.bin decisions-r0.bin decisions-r1.bin decisions-r2.bin; do
    cmp "$a/dedup/$f" "$b/dedup/$f" || { echo "FAIL night $night: $f differs"; status=1; }
  done
  # Two empty sides would compare equal: the night must have written shards.
  ls "$work/out-memory$night"/part-*.zst >/dev/null || { echo "FAIL night $night: no shard written"; status=1; }
  for dir in "" /rejects; do
    cmp <(zstd -dcq "$work/out-memory$night$dir"/part-*.zst) <(zstd -dcq "$work/out-external$night$dir"/part-*.zst) ||
      { echo "FAIL night $night: shards$dir differ"; status=1; }
  done
  python3 - "$a/done/merge.0" "$b/done/merge.0" "$night" <<'PY' || status=1
import json, sys
memory, external = (json.load(open(p)) for p in sys.argv[1:3])
def find(record, key):  # the merge task's counters, wherever the record nests them
    if isinstance(record, dict):
        if key in record:
            return record
        for value in record.values():
            found = find(value, key)
            if found is not None:
                return found
    return None
m, e = find(memory, "clusters"), find(external, "clusters")
if m is None or e is None or "out_of_core_rounds" not in e or "out_of_core_rounds" in m:
    sys.exit(f"FAIL night {sys.argv[3]}: the merge tasks did not take the paths asked: {m} {e}")
print(f"night {sys.argv[3]}: {m['documents_in_clusters']} documents in {m['clusters']} clusters, "
      f"{m['dropped_as_published']} dropped as published; out of core in {e['out_of_core_rounds']} rounds: same bytes")
if sys.argv[3] == "1" and m["dropped_as_published"] == 0:
    sys.exit("FAIL night 1: no copy of a published document to test")
PY
done
exit $status
