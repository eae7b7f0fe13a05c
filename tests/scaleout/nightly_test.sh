#!/usr/bin/env bash
# Three nights with --state, phased (N = 3, tasks of a phase at once) against
# single-machine: each night's documents and rejects are the same after
# sorting, copies of earlier nights are dropped as published, inputs already
# taken are skipped, a report task killed before either commit completes the
# night when rerun, and a single-machine run is refused while a phased run
# holds the state dir.
#   tests/scaleout/nightly_test.sh TEXTMILL
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED_DIR:-$here/../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(-c "$here/configs/dedup_eval.yaml" -i "$work/in" --set output.compression=zstd)
# sorted_lines DIR FILE: every line of DIR's shards, sorted, into FILE; fails
# when DIR has no shard (a comparison of two empty sides proves nothing).
sorted_lines() {
  local files=("$1"/part-*.jsonl.zst)
  [ -e "${files[0]}" ] || { echo "FAIL: no shard in $1"; return 1; }
  zstd -dcq "${files[@]}" | LC_ALL=C sort > "$2"
  [ -s "$2" ] || { echo "FAIL: the shards of $1 hold no line"; return 1; }
}
status=0
mkdir -p "$work/in"
for night in 0 1 2; do
  # The crawl folder grows: each night adds 4 files of that night's pages.
  python3 - "$shared/bench/dedup/dev/docs.jsonl" "$work/in" "$night" <<'PY'
import json, sys
rows = [l for l in open(sys.argv[1], encoding="utf-8") if json.loads(l)["run"] == int(sys.argv[3])]
for i in range(4):
    with open(f"{sys.argv[2]}/night{sys.argv[3]}-{i}.jsonl", "w", encoding="utf-8") as out:
        out.writelines(rows[i::4])
PY
  "$bin" run "${args[@]}" -o "$work/single$night" --state "$work/state-single" --progress none --log-level warn
  # Nights 1 and 2: the report task is killed at one of its two commit points
  # (as kill -9 would); rerunning it completes the night.
  fault=""
  [ "$night" = 1 ] && fault=before_manifest_commit
  [ "$night" = 2 ] && fault=before_index_commit
  if ! TEXTMILL_FAULT=$fault bash "$here/tests/scaleout/phased_run.sh" "$bin" 3 "$work/work$night" \
       "$work/phased$night" -- "${args[@]}" --state "$work/state-phased" 2>"$work/phased$night.err"; then
    [ -n "$fault" ] || { echo "FAIL night $night: the phased run failed"; cat "$work/phased$night.err"; status=1; }
    # The fault stops the report task, not an earlier phase for another reason.
    grep -q "a report task failed" "$work/phased$night.err" ||
      { echo "FAIL night $night: the phased run failed before its report task"; cat "$work/phased$night.err"; status=1; }
    "$bin" phase report --work "$work/work$night" -o "$work/phased$night" --shard 0/3 "${args[@]}" \
      --state "$work/state-phased" --log-level warn
  elif [ -n "$fault" ]; then
    echo "FAIL night $night: the report task was not killed at $fault"; status=1
  fi
  for part in "" /rejects; do
    sorted_lines "$work/single$night$part" "$work/single$night.sorted"
    sorted_lines "$work/phased$night$part" "$work/phased$night.sorted"
    if ! cmp -s "$work/single$night.sorted" "$work/phased$night.sorted"; then
      echo "FAIL night $night: phased output$part differs from single-machine"
      status=1
    fi
  done
  python3 - "$work/single$night/report.json" "$work/phased$night/report.json" "$night" <<'PY' || status=1
import json, sys
single, phased = (json.load(open(p)) for p in sys.argv[1:3])
night = int(sys.argv[3])
s_in, p_in = single["incremental"]["inputs"], phased["incremental"]["inputs"]
published = sum(st["counters"].get("duplicates_of_published", 0) for st in phased["stages"] if st["name"] == "dedup")
print(f"night {night}: {phased['totals']['documents_written']} written, {published} dropped as copies of earlier "
      f"nights; inputs {p_in}")
if s_in != p_in or p_in["unchanged"] != 4 * night or p_in["new"] != 4:
    print(f"FAIL night {night}: inputs single {s_in} phased {p_in}")
    sys.exit(1)
if single["totals"]["rejects_by_reason"] != phased["totals"]["rejects_by_reason"]:
    print(f"FAIL night {night}: rejects single {single['totals']['rejects_by_reason']} phased {phased['totals']['rejects_by_reason']}")
    sys.exit(1)
if night > 0 and published == 0:
    print(f"FAIL night {night}: nothing dropped as a copy of an earlier night")
    sys.exit(1)
PY
done
sqlite3 "$work/state-phased/manifest.sqlite" "select id, status, shard, documents_written from runs" | tr '\n' ' '
echo
runs=$(sqlite3 "$work/state-phased/manifest.sqlite" "select count(*) from runs where status='done' and shard='phased/3'")
[ "$runs" = 3 ] || { echo "FAIL: manifest has $runs finished phased runs, expected 3"; status=1; }
# With their counts, also night 1's, which the rerun of its report task
# completed from the plan (killed before_manifest_commit).
uncounted=$(sqlite3 "$work/state-phased/manifest.sqlite" \
  "select count(*) from runs where status='done' and (documents_read is null or documents_written is null)")
[ "$uncounted" = 0 ] || { echo "FAIL: $uncounted finished runs have no document counts in the manifest"; status=1; }

# While a phased run holds the state dir (its report has not run), a
# single-machine run is refused with exit 4, and another phased job too.
"$bin" phase process "${args[@]}" -o "$work/held" --work "$work/held-work" --shard 0/1 --state "$work/state-phased" \
  --log-level warn
set +e
"$bin" run "${args[@]}" -o "$work/refused" --state "$work/state-phased" --progress none --log-level error
code=$?
"$bin" phase process "${args[@]}" -o "$work/refused2" --work "$work/other-work" --shard 0/1 \
  --state "$work/state-phased" --log-level error
code2=$?
set -e
[ $code = 4 ] || { echo "FAIL: a single-machine run during a phased run exited $code, expected 4"; status=1; }
[ $code2 = 4 ] || { echo "FAIL: a second phased job exited $code2, expected 4"; status=1; }
exit $status
