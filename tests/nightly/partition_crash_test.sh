#!/usr/bin/env bash
# The partitioned dedup index under kill -9 (issue 17). A night killed after
# its first partition commit (between two), during one (the next partition's
# transaction written, not committed) or after every partition but before the
# index manifest, then rerun, gives the same bytes as uninterrupted nights:
# single machine, and phased (each index task commits its own partitions).
# A killed night rerun with one input fewer leaks nothing of the killed
# attempt into later nights (its partitions' unpublished keys are undone).
#   partition_crash_test.sh TEXTMILL [quick]   (quick: one kill point each, for the slow sanitizer build)
set -euo pipefail
bin=$1
single_faults="after_partition_commit during_partition_commit before_index_manifest"
phased_faults="during_partition_commit before_index_manifest"
if [ "${2:-}" = quick ]; then
  single_faults=during_partition_commit
  phased_faults=during_partition_commit
fi
here=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED_DIR:-$here/../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
args=(-c "$here/configs/dedup_eval.yaml" --set stages.dedup.index_partitions=4)

# Nights 0-2 of the dedup dev set (articles, their copies within and across
# nights), two files a night; a page only the killed attempt of night 1 has
# (first in input order, so the rerun gives its ordinal to another page), and
# its copy in night 2.
python3 - "$shared/bench/dedup/dev/docs.jsonl" "$work/pages" <<'PY'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
for night in range(3):
    os.makedirs(f"{sys.argv[2]}/night{night}")
    mine = [r for r in rows if r["run"] == night]
    for i in range(2):
        with open(f"{sys.argv[2]}/night{night}/n{night}-{i}.jsonl", "w", encoding="utf-8") as out:
            out.writelines(json.dumps(r) + "\n" for r in mine[i::2])
text = ("The harbour commission met on a grey Thursday to settle the long quarrel over the old ferry pier, "
        "which fishermen, rowing clubs and a small museum of maritime charts have shared for forty years. "
        "After three hours the members agreed to rebuild the northern half and to keep the southern steps.")
for name, doc_id in (("a-victim.jsonl", "victim"), ("victim-copy.jsonl", "victim-copy")):
    with open(f"{sys.argv[2]}/{name}", "w", encoding="utf-8") as out:
        out.write(json.dumps({"id": doc_id, "text": text, "crawl_date": "2026-01-0" + str(len(doc_id) % 9)}) + "\n")
PY

# The bytes of a run's shards and reject shards, by name (not its reports: timings).
digest() {
  local dir=$1 f
  (cd "$dir" && for f in $(find . -name 'part-*.jsonl*' -type f | LC_ALL=C sort); do echo "== $f"; cat "$f"; done)
}

# same_nights REF OTHER "0 1 2" WHAT: each night's shards of OTHER are REF's, byte for byte.
same_nights() {
  local night
  for night in $3; do
    cmp -s <(digest "$1/out$night") <(digest "$2/out$night") || fail "$4: night $night differs"
  done
}

# single STATE_ROOT NIGHT [FAULT]: a single-machine night into STATE_ROOT/outN
# (with FAULT: killed there first, then rerun).
single() {
  local root=$1 night=$2 fault=${3:-} code=0
  mkdir -p "$root/in"
  cp "$work/pages/night$night"/* "$root/in/"
  if [ -n "$fault" ]; then
    TEXTMILL_FAULT=$fault "$bin" run "${args[@]}" -i "$root/in" -o "$root/out$night" --state "$root/state" \
      --progress none --log-level error || code=$?
    [ "$code" = 137 ] || fail "fault $fault did not stop night $night (exit $code)"
    # Partitions ahead of the manifest are a sound state dir, not damage.
    "$bin" state check "$root/state" > "$root/check.txt" || fail "after $fault: state check: $(cat "$root/check.txt")"
  fi
  "$bin" run "${args[@]}" -i "$root/in" -o "$root/out$night" --state "$root/state" --progress none --log-level error
}

for night in 0 1 2; do single "$work/ref" $night; done
published=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["published"])' "$work/ref/state/dedup/index.manifest")
[ -e "$work/ref/state/dedup/part-003.lmdb/data.mdb" ] && [ ! -e "$work/ref/state/dedup/part-004.lmdb" ] ||
  fail "the index does not have the 4 partitions the config asks for"
[ "$published" -gt 0 ] || fail "the reference nights published nothing"
for fault in $single_faults; do
  single "$work/$fault" 0
  single "$work/$fault" 1 "$fault"
  single "$work/$fault" 2
  same_nights "$work/ref" "$work/$fault" "0 1 2" "single machine killed at $fault, against the uninterrupted run"
  echo "single machine, killed at $fault and rerun: nights 0-2 byte-identical ($published documents published)"
done

# Killed after every partition committed night 1 with the victim page, rerun
# without it: night 2 keeps the victim's copy, as if the victim never was.
mkdir -p "$work/ref2/in" "$work/undo/in"
single "$work/ref2" 0
single "$work/ref2" 1
cp "$work/pages/victim-copy.jsonl" "$work/ref2/in/"
single "$work/ref2" 2
grep -q '"victim-copy"' "$work/ref2/out2"/part-* || fail "the reference night 2 lacks the victim's copy"
single "$work/undo" 0
cp "$work/pages/night1"/* "$work/pages/a-victim.jsonl" "$work/undo/in/"
code=0
TEXTMILL_FAULT=before_index_manifest "$bin" run "${args[@]}" -i "$work/undo/in" -o "$work/undo/out1" \
  --state "$work/undo/state" --progress none --log-level error || code=$?
[ "$code" = 137 ] || fail "fault before_index_manifest did not stop the run (exit $code)"
rm "$work/undo/in/a-victim.jsonl"
"$bin" run "${args[@]}" -i "$work/undo/in" -o "$work/undo/out1" --state "$work/undo/state" --progress none --log-level error
cp "$work/pages/victim-copy.jsonl" "$work/undo/in/"
single "$work/undo" 2
same_nights "$work/ref2" "$work/undo" "0 1 2" "killed with a page the rerun no longer has (the killed attempt leaked)"
echo "killed after the partition commits, rerun with one input fewer: nothing of the killed attempt leaks"

# Phased, 3 tasks over 4 partitions: index task 0 commits partitions 0 and 3,
# so during_partition_commit kills it between them; before_index_manifest
# kills the report task. Rerunning the array completes the night.
phased() {
  local root=$1 night=$2 fault=${3:-}
  mkdir -p "$root/in"
  cp "$work/pages/night$night"/* "$root/in/"
  if [ -n "$fault" ]; then
    if TEXTMILL_FAULT=$fault bash "$here/tests/scaleout/phased_run.sh" "$bin" 3 "$root/work$night" "$root/out$night" \
         -- "${args[@]}" -i "$root/in" --state "$root/state" 2> "$root/err"; then
      fail "phased: fault $fault did not stop night $night"
    fi
  fi
  bash "$here/tests/scaleout/phased_run.sh" "$bin" 3 "$root/work$night" "$root/out$night" -- "${args[@]}" \
    -i "$root/in" --state "$root/state"
}
for night in 0 1; do phased "$work/pref" $night; done
for fault in $phased_faults; do
  phased "$work/p-$fault" 0
  phased "$work/p-$fault" 1 "$fault"
  grep -qE "an? (index|report) task failed" "$work/p-$fault/err" || fail "phased $fault: $(cat "$work/p-$fault/err")"
  same_nights "$work/pref" "$work/p-$fault" "0 1" "phased killed at $fault, against the uninterrupted phased run"
  echo "phased, killed at $fault and rerun: nights 0-1 byte-identical"
done
echo "partition crash test: all checks passed"
