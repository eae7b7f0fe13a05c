#!/usr/bin/env bash
# Submits a phased textmill run (pipeline/phases.h) to Slurm: one array job per
# phase, chained with --dependency=afterok, each array throttled to W tasks at
# once. Tasks that already left a completion record in WORK/done are not
# submitted again, so after a failure the same command reruns only what failed
# (and what depends on it).
#
#   scripts/slurm/submit.sh --work DIR --tasks N [--throttle W] [--wait]
#       [--textmill BIN] [--sbatch "EXTRA SBATCH OPTIONS"] -- -c CONFIG -i INPUT... -o OUTPUT
#
# WORK, the inputs and OUTPUT must be on storage every node sees. Logs:
# WORK/logs/PHASE-TASK.log. The config is validated before anything is queued
# (exit 2). --wait blocks until the chain ends and exits 0 only if every task
# of every phase finished (3 if some inputs could not be read, as textmill run).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work="" tasks="" throttle="" wait=0 bin="$here/build/textmill" extra=""
while [ $# -gt 0 ]; do
  case $1 in
    --work) work=$2; shift 2 ;;
    --tasks) tasks=$2; shift 2 ;;
    --throttle) throttle=$2; shift 2 ;;
    --wait) wait=1; shift ;;
    --textmill) bin=$2; shift 2 ;;
    --sbatch) extra=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "submit.sh: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[ -n "$work" ] && [ -n "$tasks" ] && [ "$tasks" -ge 1 ] 2>/dev/null || {
  echo "submit.sh: --work DIR and --tasks N (N >= 1) are required" >&2; exit 2; }
[ $# -gt 0 ] || { echo "submit.sh: give the textmill arguments after --: -c CONFIG -i INPUT -o OUTPUT" >&2; exit 2; }
mkdir -p "$work/logs"
work=$(cd "$work" && pwd)
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[ -x "$bin" ] || { echo "submit.sh: no textmill binary at $bin (build it, or give --textmill)" >&2; exit 2; }
args=$(printf '%q ' "$@")

# A config error stops here, before anything is queued (exit 2, like textmill).
validate=() output=""
rest=("$@")
for ((i = 0; i < ${#rest[@]}; i++)); do
  case ${rest[i]} in
    -c|--config|--set) validate+=("${rest[i]}" "${rest[i + 1]:-}"); i=$((i + 1)) ;;
    -o|--output) output=${rest[i + 1]:-}; i=$((i + 1)) ;;
  esac
done
"$bin" validate "${validate[@]}" >/dev/null || exit 2
# The phases of this config, in order: "NAME 1" (one task) or "NAME N".
plan=$("$bin" phases --log-level warn "${validate[@]}") || exit 2

# The ranks of PHASE without a completion record, as a Slurm array list.
missing_ranks() {
  local phase=$1 n=$2 list="" r
  for ((r = 0; r < n; r++)); do
    [ -f "$work/done/$phase.$r" ] || list+="${list:+,}$r"
  done
  [ "$list" = "$(seq -s, 0 $((n - 1)))" ] && list="0-$((n - 1))"
  echo "$list"
}

previous="" submitted=()
while read -r phase count; do
  if [ "$count" = 1 ]; then n=1; else n=$tasks; fi
  ranks=$(missing_ranks "$phase" "$n")
  if [ -z "$ranks" ]; then
    echo "$phase: all $n tasks done, not submitted"
    continue
  fi
  opts=(--parsable --job-name="textmill-$phase" --kill-on-invalid-dep=yes)
  [ -n "$previous" ] && opts+=(--dependency="afterok:$previous")
  if [ "$n" = 1 ]; then
    opts+=(--output="$work/logs/$phase-0.log")
    shard="0/$tasks"
  else
    opts+=(--array="$ranks${throttle:+%$throttle}" --output="$work/logs/$phase-%a.log")
    shard="\$SLURM_ARRAY_TASK_ID/$tasks"
  fi
  # shellcheck disable=SC2086  # $extra is a list of sbatch options
  job=$(sbatch "${opts[@]}" $extra --wrap "exec $(printf '%q' "$bin") phase $phase --work $(printf '%q' "$work") --shard $shard $args")
  job=${job%%;*}
  echo "$phase: job $job, tasks $ranks"
  submitted+=("$job")
  previous=$job
done <<<"$plan"

[ "$wait" = 1 ] || exit 0
[ ${#submitted[@]} -gt 0 ] || exit 0
ids=$(IFS=,; echo "${submitted[*]}")
while [ -n "$(squeue -h -j "$ids" -o %i 2>/dev/null)" ]; do sleep 1; done
status=0
while read -r phase count; do
  if [ "$count" = 1 ]; then n=1; else n=$tasks; fi
  ranks=$(missing_ranks "$phase" "$n")
  if [ -n "$ranks" ]; then
    echo "$phase: tasks $ranks did not finish (logs: $work/logs/$phase-*.log)" >&2
    status=1
  fi
done <<<"$plan"
[ $status = 0 ] || exit $status
echo "all phases done"
# Like textmill run: 3 when some inputs could not be read (listed in the report).
if [ -n "$output" ] && [ -f "$output/report.json" ]; then
  code=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("exit_code", 0))' "$output/report.json")
  [ "$code" = 3 ] && echo "some inputs could not be read: see inputs.unreadable in $output/report.json" >&2
  exit "$code"
fi
exit 0
