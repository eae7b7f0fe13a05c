#!/usr/bin/env bash
# The phased run on a real Slurm: starts a single-node cluster (cluster.sh),
# submits the chain with scripts/slurm/submit.sh (3 tasks, throttle 2), waits,
# and compares the output with a single-machine run. Then makes finalize task 1
# fail once and checks that resubmitting runs only that task and the report.
# Stops the daemons by their pid files on exit.
#   tests/slurm/slurm_test.sh TEXTMILL
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/textmill-slurm.XXXXXX)
cluster=$work/cluster
trap 'bash "$here/tests/slurm/cluster.sh" stop "$cluster"; rm -rf "$work"' EXIT
chmod 755 "$work"  # munged runs as the munge user and must reach its socket dir
started=$(bash "$here/tests/slurm/cluster.sh" start "$cluster")
eval "$started"
sinfo

bash "$here/tests/scaleout/make_inputs.sh" "$work/in"
args=(-c "$here/configs/default.yaml" -i "$work/in" --set reader.jsonl.date_field=crawl_date
      --set output.rejects=true)
sorted_lines() { zstd -dcq "$1"/part-*.jsonl.zst | LC_ALL=C sort; }
"$bin" run "${args[@]}" -o "$work/single" --progress none --log-level warn
sorted_lines "$work/single" > "$work/single.docs"
sorted_lines "$work/single/rejects" > "$work/single.rejects"
status=0
same_as_single() {
  if cmp -s "$work/single.docs" <(sorted_lines "$work/out") && cmp -s "$work/single.rejects" <(sorted_lines "$work/out/rejects"); then
    echo "$1: identical to the single-machine run ($(wc -l < "$work/single.docs") documents)"
  else
    echo "FAIL $1: output differs from the single-machine run"
    status=1
  fi
}

echo "== submit: 3 tasks per phase, at most 2 at once"
bash "$here/scripts/slurm/submit.sh" --work "$work/work" --tasks 3 --throttle 2 --wait --textmill "$bin" \
  -- "${args[@]}" -o "$work/out" | tee "$work/submit1.txt"
same_as_single "slurm"
[ -f "$work/out/report.json" ] || { echo "FAIL: no merged report.json"; status=1; }

echo "== a task that fails once: finalize 1"
cat > "$work/flaky-textmill" <<SH
#!/usr/bin/env bash
if [[ " \$* " == *" finalize "*"--shard 1/3 "* ]] && [ ! -f "$work/failed-once" ]; then
  touch "$work/failed-once"
  echo "simulated node failure" >&2
  exit 1
fi
exec "$bin" "\$@"
SH
chmod +x "$work/flaky-textmill"
rm -rf "$work/work" "$work/out"
if bash "$here/scripts/slurm/submit.sh" --work "$work/work" --tasks 3 --wait --textmill "$work/flaky-textmill" \
     -- "${args[@]}" -o "$work/out" > "$work/submit2.txt" 2>&1; then
  echo "FAIL: --wait reported success although finalize 1 failed"; status=1
fi
cat "$work/submit2.txt"
grep -q "finalize: tasks 1 did not finish" "$work/submit2.txt" || { echo "FAIL: the failed task is not named"; status=1; }
bash "$here/scripts/slurm/submit.sh" --work "$work/work" --tasks 3 --wait --textmill "$work/flaky-textmill" \
  -- "${args[@]}" -o "$work/out" | tee "$work/submit3.txt"
grep -q "^process: all 3 tasks done, not submitted" "$work/submit3.txt" || { echo "FAIL: finished phases resubmitted"; status=1; }
grep -q "^finalize: job [0-9]*, tasks 1$" "$work/submit3.txt" || { echo "FAIL: the rerun did not take only finalize 1"; status=1; }
same_as_single "slurm after a rerun"
exit $status
