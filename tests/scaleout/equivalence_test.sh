#!/usr/bin/env bash
# A phased run with N = 1, 3 and 7 tasks writes the same documents and rejects
# as a single-machine run of the same inputs and config, byte for byte after
# sorting by id, and its merged report counts the same (inputs: make_inputs.sh).
#   tests/scaleout/equivalence_test.sh TEXTMILL
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$here/tests/scaleout/make_inputs.sh" "$work/in"
args=(-c "$here/configs/default.yaml" -i "$work/in" --set reader.jsonl.date_field=crawl_date
      --set output.rejects=true --set output.rejects_text=true)

sorted_lines() {  # every line of a directory's shards, sorted (lines start with the id)
  local files=("$1"/part-*.jsonl.zst)
  zstd -dcq "${files[@]}" | LC_ALL=C sort
}

"$bin" run "${args[@]}" -o "$work/single" --progress none --log-level warn
sorted_lines "$work/single" > "$work/single.docs"
sorted_lines "$work/single/rejects" > "$work/single.rejects"
docs=$(wc -l < "$work/single.docs")
dups=$(grep -c '"dup_of"' "$work/single.rejects" || true)
echo "single machine: $docs documents, $dups duplicates dropped"
[ "$docs" -gt 50 ] && [ "$dups" -gt 50 ] || { echo "FAIL: the reference run dropped too little to test anything"; exit 1; }

status=0
for n in 1 3 7; do
  bash "$here/tests/scaleout/phased_run.sh" "$bin" "$n" "$work/work$n" "$work/phased$n" -- "${args[@]}"
  sorted_lines "$work/phased$n" > "$work/phased$n.docs"
  sorted_lines "$work/phased$n/rejects" > "$work/phased$n.rejects"
  if cmp -s "$work/single.docs" "$work/phased$n.docs" && cmp -s "$work/single.rejects" "$work/phased$n.rejects"; then
    echo "N=$n: identical ($(wc -l < "$work/phased$n.docs") documents, $(wc -l < "$work/phased$n.rejects") rejects)"
  else
    echo "FAIL N=$n: output differs from the single-machine run"
    diff <(cut -c1-300 "$work/single.docs") <(cut -c1-300 "$work/phased$n.docs") | head -10 || true
    diff <(cut -c1-300 "$work/single.rejects") <(cut -c1-300 "$work/phased$n.rejects") | head -10 || true
    status=1
  fi
  # The merged report counts what the single run counts.
  python3 - "$work/single/report.json" "$work/phased$n/report.json" <<'PY' || status=1
import json, sys
single, phased = (json.load(open(p)) for p in sys.argv[1:])
for key in ("documents_read", "documents_written", "rejects_by_reason"):
    if single["totals"][key] != phased["totals"][key]:
        print(f"FAIL report totals.{key}: single {single['totals'][key]} phased {phased['totals'][key]}")
        sys.exit(1)
names = lambda report: [st["name"] for st in report["stages"]]
if names(single) != names(phased):
    print(f"FAIL report stages: single {names(single)} phased {names(phased)}")
    sys.exit(1)
for a, b in zip(single["stages"], phased["stages"]):
    if (a["name"], a["docs_in"], a["docs_out"]) != (b["name"], b["docs_in"], b["docs_out"]):
        print(f"FAIL report stage {a['name']}: single {a['docs_in']}->{a['docs_out']} phased {b['docs_in']}->{b['docs_out']}")
        sys.exit(1)
    # Every stage's counters too (charsets, page types, languages, rules...),
    # though most stages ran in the process tasks and the report is finalize's.
    if a["counters"] != b["counters"]:
        keys = sorted(k for k in set(a["counters"]) | set(b["counters"]) if a["counters"].get(k) != b["counters"].get(k))
        print(f"FAIL report stage {a['name']} counters: " +
              ", ".join(f"{k}: single {a['counters'].get(k)} phased {b['counters'].get(k)}" for k in keys[:8]))
        sys.exit(1)
if "pairs" not in phased["phases"] or phased["phases"]["pairs"]["tasks"] < 1:
    print("FAIL report: no per-phase summary")
    sys.exit(1)
PY
done

# A stage after the global one runs in the finalize tasks, which load it (a
# task loads only the stages its phase runs): same documents, same counters.
cat > "$work/after.yaml" <<EOF
models_dir: $here/models
stages:
  - extract: {phrases: $here/configs/boilerplate_phrases.txt}
  - dedup: {}
  - langid: {}
EOF
# single_and_phased NAME: runs $work/NAME.yaml on the inputs on one machine and
# as 3 phased tasks (into $work/NAME-single, $work/NAME-phased); fails when the
# phased run fails or writes other documents.
single_and_phased() {
  local args=(-c "$work/$1.yaml" -i "$work/in" --set reader.jsonl.date_field=crawl_date)
  "$bin" run "${args[@]}" -o "$work/$1-single" --progress none --log-level warn
  if ! bash "$here/tests/scaleout/phased_run.sh" "$bin" 3 "$work/$1-work" "$work/$1-phased" -- "${args[@]}"; then
    echo "FAIL: the phased run of $1.yaml failed"
    return 1
  fi
  cmp -s <(sorted_lines "$work/$1-single") <(sorted_lines "$work/$1-phased") ||
    { echo "FAIL: with $1.yaml, the phased run's output differs from the single-machine run's"; return 1; }
}
if ! single_and_phased after; then
  status=1
else
  python3 - "$work/after-single/report.json" "$work/after-phased/report.json" <<'PY' || status=1
import json, sys
single, phased = (json.load(open(p)) for p in sys.argv[1:])
for a, b in zip(single["stages"], phased["stages"]):
    if a["counters"] != b["counters"]:
        print(f"FAIL report stage {a['name']} counters (stage after the global one): single {a['counters']} phased {b['counters']}")
        sys.exit(1)
print("a stage after the global one: identical, same counters")
PY
fi

# Stages that load lists and n-gram tables (url_filter, decontaminate): the
# phased report shows each load once, as the single run's does, with the
# counts of all tasks (every task loads them; only load times add up).
echo "www.metroglobal.net" > "$work/block.txt"
echo "Another cloud of choking smoke and dust is set to descend upon the 20 million residents of Delhi" > "$work/bench.txt"
cat > "$work/lists.yaml" <<EOF
models_dir: $here/models
stages:
  - url_filter: {block_lists: [$work/block.txt]}
  - extract: {phrases: $here/configs/boilerplate_phrases.txt}
  - decontaminate: {benchmarks: [$work/bench.txt], ngram: 8}
  - dedup: {}
EOF
if ! single_and_phased lists; then
  status=1
else
  python3 - "$work/lists-single/report.json" "$work/lists-phased/report.json" <<'PY' || status=1
import json, sys
single, phased = (json.load(open(p)) for p in sys.argv[1:])
def untimed(value):  # load times differ from run to run
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if k not in ("load_seconds", "list load time (s)")}
    return value
compared = set()
for a, b in zip(single["stages"], phased["stages"]):
    if a["name"] not in ("url_filter", "decontaminate"):
        continue
    if a["name"] != b["name"]:
        print(f"FAIL report stages: single {a['name']} phased {b['name']}")
        sys.exit(1)
    compared.add(a["name"])
    if a["docs_in"] == a["docs_out"]:
        print(f"FAIL: {a['name']} rejected nothing, so nothing is compared: {a['counters']}")
        sys.exit(1)
    if untimed(a["counters"]) != untimed(b["counters"]):
        print(f"FAIL report stage {a['name']}: single {untimed(a['counters'])} phased {untimed(b['counters'])}")
        sys.exit(1)
if compared != {"url_filter", "decontaminate"}:
    print(f"FAIL: compared only {sorted(compared)}")
    sys.exit(1)
print("url_filter and decontaminate: the phased report's lists, tables and counts equal the single run's")
PY
fi

# A finished task is not redone; a phase refuses to start before the one it needs.
out=$("$bin" phase finalize --work "$work/work3" -o "$work/phased3" --shard 1/3 "${args[@]}" 2>&1)
grep -q "already done" <<<"$out" || { echo "FAIL: a finished task ran again"; status=1; }
# A slice whose spool was lost on the shared storage fails finalize, naming it,
# instead of passing for an empty slice.
rm -rf "$work/work3/spool/part-00001"
if "$bin" phase finalize --work "$work/work3" -o "$work/phased3" --shard 1/3 --force "${args[@]}" 2>"$work/err"; then
  echo "FAIL: finalize ran on a lost spool"; status=1
fi
grep -q "the process phase wrote" "$work/err" || { echo "FAIL: unclear message: $(cat "$work/err")"; status=1; }
rm -f "$work/work3/done/lines.2"
if "$bin" phase finalize --work "$work/work3" -o "$work/phased3" --shard 2/3 --force "${args[@]}" 2>"$work/err"; then
  echo "FAIL: finalize ran without the lines phase of task 2"; status=1
fi
grep -q "lines.*2" "$work/err" || { echo "FAIL: unclear message: $(cat "$work/err")"; status=1; }
# A work dir of another job (other task count) is refused.
if "$bin" phase process --work "$work/work3" -o "$work/phased3" --shard 0/4 "${args[@]}" 2>"$work/err"; then
  echo "FAIL: a work dir was reused with another task count"; status=1
fi
grep -q "belongs to another job" "$work/err" || { echo "FAIL: unclear message: $(cat "$work/err")"; status=1; }
# The Slurm submit script refuses a bad config before queueing anything.
printf 'stages:\n  - dedup: {bands: 0}\n' > "$work/bad.yaml"
if bash "$here/scripts/slurm/submit.sh" --work "$work/bad-work" --tasks 2 --textmill "$bin" \
     -- -c "$work/bad.yaml" -i "$work/in" -o "$work/bad-out" 2>"$work/err"; then
  echo "FAIL: submit.sh accepted a bad config"; status=1
elif ! grep -q "bands" "$work/err"; then
  echo "FAIL: submit.sh did not name the bad key: $(cat "$work/err")"; status=1
fi
exit $status
