#!/usr/bin/env bash
# Runs every phase of a phased run (pipeline/phases.h; the plan from
# `textmill phases`) as separate processes, the tasks of a phase all at once,
# like an array job would:
#   tests/scaleout/phased_run.sh TEXTMILL N WORK OUT -- textmill phase args...
set -euo pipefail
bin=$1 n=$2 work=$3 out=$4
shift 5
plan=$("$bin" phases --log-level warn "$@")
while read -r phase tasks; do
  if [ "$tasks" = 1 ]; then ranks=0; else ranks=$(seq 0 $((n - 1))); fi
  pids=()
  for r in $ranks; do
    "$bin" phase "$phase" --work "$work" -o "$out" --shard "$r/$n" -j 1 --log-level warn "$@" &
    pids+=($!)
  done
  failed=0
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done  # all of them, even after a failure
  [ $failed = 0 ] || { echo "phased_run.sh: a $phase task failed" >&2; exit 1; }
done <<<"$plan"
