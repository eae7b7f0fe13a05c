#!/usr/bin/env bash
# Runs every phase of a phased run (pipeline/phases.h) as separate processes,
# the tasks of a phase all at once, like an array job would:
#   tests/scaleout/phased_run.sh TEXTMILL N WORK OUT -- textmill phase args...
set -euo pipefail
bin=$1 n=$2 work=$3 out=$4
shift 5
for phase in process count sign dedup merge lines finalize report; do
  case $phase in merge|report) ranks=0 ;; *) ranks=$(seq 0 $((n - 1))) ;; esac
  pids=()
  for r in $ranks; do
    "$bin" phase "$phase" --work "$work" -o "$out" --shard "$r/$n" -j 1 --log-level warn "$@" &
    pids+=($!)
  done
  failed=0
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done  # all of them, even after a failure
  [ $failed = 0 ] || { echo "phased_run.sh: a $phase task failed" >&2; exit 1; }
done
