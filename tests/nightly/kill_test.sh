#!/usr/bin/env bash
# kill -9 at random moments (issue 21, item 4): whole runs are killed at
# seeded pseudo-random offsets into their run time, as a power cut or the OOM
# killer would, then rerun with the same command; each rerun must exit 0 and
# leave the same corpus as an uninterrupted run, byte for byte (every shard and
# reject shard, by name and content), with the same report totals.
#  - single machine, the second of three nights on a --state dir (copies of
#    night 0 are dropped as published), shards rotated every 2 documents (so that writing and committing shards, fsync by fsync, takes much of a run),
#    rejects written; then night 2 runs uninterrupted and must equal the
#    reference night 2 too: what the killed night published (index, manifest)
#    must be what an uninterrupted night publishes;
#  - phased (textmill phase, 2 tasks a phase, the whole array job killed: every
#    process of it at once), rerun with the same work dir.
# The offsets are fractions of the uninterrupted run's time (measured here, not
# asserted): which step a kill lands in varies with the machine's load, and the
# harness checks only what must hold wherever it lands.
#   kill_test.sh TEXTMILL [SINGLE_TRIALS] [PHASED_TRIALS] [SEED]   (default 20 8 21)
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
single_trials=${2:-20} phased_trials=${3:-8} seed=${4:-21}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
args=(-c "$repo/configs/dedup_eval.yaml" -i "$work/in" --set output.compression=zstd
      --set output.shard_max_documents=2)
run_args=("${args[@]}" --progress none --log-level error)

# The crawl folder grows: night 0 holds input files 0-3, night 1 4-7 more,
# night 2 the rest (copies of one article are spread over the files).
bash "$repo/tests/scaleout/make_inputs.sh" "$work/all"
mkdir -p "$work/in"
cp "$work/all"/part0[0-3].jsonl "$work/in/"
"$bin" run "${run_args[@]}" -o "$work/night0" --state "$work/state0"
cp "$work/all"/part0[4-7].jsonl "$work/in/"
night2() {  # night2 STATE OUT: the third night (its inputs added, then removed again)
  cp "$work/all"/part0[89].jsonl "$work/all"/part10.jsonl "$work/in/"
  "$bin" run "${run_args[@]}" -o "$2" --state "$1"
  rm "$work/in"/part0[89].jsonl "$work/in"/part10.jsonl
}

now_ms() { date +%s%3N; }
# same_corpus REF DIR: the same shard and reject files, byte for byte, and the
# same report totals.
same_corpus() {
  local ref=$1 dir=$2 f
  (cd "$ref" && ls part-*.jsonl* rejects/part-*.jsonl*) > "$work/ref.list"
  (cd "$dir" && ls part-*.jsonl* rejects/part-*.jsonl* 2>/dev/null || true) > "$work/got.list"
  cmp -s "$work/ref.list" "$work/got.list" ||
    { diff "$work/ref.list" "$work/got.list" | head -5 || true; return 1; }
  while read -r f; do cmp -s "$ref/$f" "$dir/$f" || { echo "$f differs"; return 1; }; done < "$work/ref.list"
  python3 - "$ref/report.json" "$dir/report.json" <<'PY'
import json, sys
ref, got = (json.load(open(p)) for p in sys.argv[1:])
keys = ("documents_read", "documents_written", "rejects_by_reason")
if [ref["totals"][k] for k in keys] != [got["totals"][k] for k in keys]:
    sys.exit(f"report totals: uninterrupted {[ref['totals'][k] for k in keys]}, rerun {[got['totals'][k] for k in keys]}")
PY
}
# offsets N T_MS: N seeded offsets in seconds: the first at 5% of T (during
# start-up, so at least one kill lands mid-run on any machine), then by turns
# over [0, T) and over [T/2, T), where the shards, report, index and manifest
# are committed.
offsets() {
  python3 -c "import random; r=random.Random($seed + $1)
print(' '.join('%.3f' % ((0.05 if i == 0 else r.uniform(0.5 * (i % 2), 1)) * $2 / 1000) for i in range($1)))"
}
# kill_at SECONDS CMD...: runs CMD in its own process group and kills the whole
# group with SIGKILL after SECONDS; prints "killed" or "finished <exit code>".
kill_at() {
  local delay=$1 pid code=0
  shift
  setsid "$@" &
  pid=$!
  sleep "$delay"
  kill -KILL -- -"$pid" 2>/dev/null || true
  wait "$pid" || code=$?
  if [ "$code" = 137 ]; then echo killed; else echo "finished $code"; fi
}

# --- single machine ---------------------------------------------------------
cp -a "$work/state0" "$work/ref-state"
start=$(now_ms)
"$bin" run "${run_args[@]}" -o "$work/ref" --state "$work/ref-state"
t_ref=$(( $(now_ms) - start ))
night2 "$work/ref-state" "$work/ref2"
python3 - "$work/ref2/report.json" <<'PY' || fail "night 2 drops no copy of an earlier night: the next-night check would test nothing"
import json, sys
report = json.load(open(sys.argv[1]))
published = sum(st["counters"].get("duplicates_of_published", 0) for st in report["stages"] if st["name"] == "dedup")
print(f"reference night 2: {published} copies of earlier nights dropped")
sys.exit(0 if published > 0 else 1)
PY
[ "$(ls "$work/ref"/part-* | wc -l)" -ge 3 ] || fail "the reference night wrote fewer than 3 shards: no rotation to test"
[ "$(ls "$work/ref/rejects"/part-* | wc -l)" -ge 1 ] || fail "the reference night wrote no rejects"
echo "single machine: uninterrupted night 1 in ${t_ref} ms, $(ls "$work/ref"/part-* | wc -l) shards"
killed=0 i=0
for offset in $(offsets "$single_trials" "$t_ref"); do
  i=$((i + 1))
  rm -rf "$work/t" && mkdir -p "$work/t" && cp -a "$work/state0" "$work/t/state"
  outcome=$(kill_at "$offset" "$bin" run "${run_args[@]}" -o "$work/t/out" --state "$work/t/state")
  case $outcome in
    killed) killed=$((killed + 1)) ;;
    "finished 0") ;;
    *) fail "trial $i: the run exited ${outcome#finished } before the kill at ${offset}s" ;;
  esac
  code=0
  "$bin" run "${run_args[@]}" -o "$work/t/out" --state "$work/t/state" 2> "$work/t/rerun.err" || code=$?
  [ "$code" = 0 ] || { cat "$work/t/rerun.err"; fail "trial $i (kill at ${offset}s, $outcome): the rerun exited $code"; }
  same_corpus "$work/ref" "$work/t/out" || fail "trial $i (kill at ${offset}s, $outcome): the rerun's corpus differs"
  "$bin" state check "$work/t/state" > /dev/null || fail "trial $i: the state dir is not sound after the rerun"
  night2 "$work/t/state" "$work/t/out2"
  same_corpus "$work/ref2" "$work/t/out2" || fail "trial $i (kill at ${offset}s, $outcome): the next night differs"
  echo "trial $i: kill -9 at ${offset}s ($outcome), rerun: same corpus, sound state, same next night"
done
[ "$single_trials" = 0 ] || [ "$killed" -gt 0 ] || fail "no trial was killed before its run finished: nothing tested"
echo "single machine: $killed of $single_trials runs killed mid-run, every rerun gave the same corpus"

# --- phased: the whole array job killed ---------------------------------------
phased() {  # phased WORK OUT: all phases, 2 tasks each
  bash "$repo/tests/scaleout/phased_run.sh" "$bin" 2 "$1" "$2" -- "${args[@]}" 2> "$work/phased.err" ||
    { cat "$work/phased.err"; return 1; }
}
start=$(now_ms)
phased "$work/pref-work" "$work/pref" || fail "the uninterrupted phased run failed"
t_ref=$(( $(now_ms) - start ))
echo "phased: uninterrupted run in ${t_ref} ms"
killed=0 i=0
for offset in $(offsets "$phased_trials" "$t_ref"); do
  i=$((i + 1))
  rm -rf "$work/p" && mkdir -p "$work/p"
  outcome=$(kill_at "$offset" bash "$repo/tests/scaleout/phased_run.sh" "$bin" 2 "$work/p/work" "$work/p/out" \
    -- "${args[@]}")
  [ "$outcome" = killed ] && killed=$((killed + 1))
  [ "$outcome" = killed ] || [ "$outcome" = "finished 0" ] || fail "phased trial $i: the run exited ${outcome#finished }"
  phased "$work/p/work" "$work/p/out" || fail "phased trial $i (kill at ${offset}s, $outcome): the rerun failed"
  same_corpus "$work/pref" "$work/p/out" || fail "phased trial $i (kill at ${offset}s, $outcome): the rerun's corpus differs"
  echo "phased trial $i: kill -9 of every task at ${offset}s ($outcome), rerun: same corpus"
done
[ "$phased_trials" = 0 ] || [ "$killed" -gt 0 ] || fail "no phased trial was killed before it finished: nothing tested"
echo "kill test: all checks passed"
