#!/usr/bin/env bash
# One night's run: the inputs that are new or changed since earlier nights,
# deduplicated against everything published before, into a dated output dir.
#   scripts/nightly.sh INPUT_DIR OUTPUT_ROOT STATE_DIR [CONFIG] [-- extra textmill run args]
# Writes OUTPUT_ROOT/YYYY-MM-DD/ (local date; shards, report.json, metrics.prom,
# textmill.log), or YYYY-MM-DD.2 ... when that day already has a finished run;
# $TEXTMILL names the textmill binary (default build/textmill of this checkout),
# and copies metrics.prom to $TEXTMILL_METRICS_DIR when set (node_exporter's
# textfile collector). Exit code: textmill's (0 done, 3 some inputs unreadable,
# 4 another run holds the lock, 1/2 failure), so cron mails only on failure
# when wrapped as in the README.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 3 ]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi
input=$1 root=$2 state=$3
config=${4:-$here/configs/default.yaml}
shift $(( $# >= 4 ? 4 : 3 ))
[ "${1:-}" = "--" ] && shift
# The local date, as cron and systemd timers (OnCalendar) schedule in local time.
night=${TEXTMILL_NIGHT:-$(date +%Y-%m-%d)}
bin=${TEXTMILL:-$here/build/textmill}
mkdir -p "$root" || exit 2
root=$(cd "$root" && pwd -P)  # absolute, as the manifest records output dirs

has_output() {  # a run has written to $1 (shards, report or its job file)
  [ -d "$1" ] && [ -n "$(find "$1" -maxdepth 1 \( -name 'part-*' -o -name 'report.json' -o -name '.textmill-job.json' \) -print -quit)" ]
}
# An interrupted run is finished in its own folder (the manifest knows it);
# otherwise a finished night's folder is never reused: a second run the same
# day writes to YYYY-MM-DD.2, then .3 ...
pending=$("$bin" state runs "$state" 2>/dev/null | awk -F'\t' -v root="$root/" \
  '$2 == "running" && index($4, root) == 1 { dir = $4 } END { print dir }')
if [ -n "$pending" ]; then
  out=$pending
else
  out=$root/$night n=1
  while has_output "$out"; do n=$((n + 1)) out=$root/$night.$n; done
fi
mkdir -p "$out" || exit 2
"$bin" run -c "$config" -i "$input" -o "$out" --state "$state" --progress log \
  --log-file "$out/textmill.log" "$@"
code=$?
# A run that stopped before any work (exit 2, 4) leaves no empty dated folder.
if ! has_output "$out"; then
  rm -f "$out/textmill.log"
  rmdir "$out" 2>/dev/null
fi
if [ -n "${TEXTMILL_METRICS_DIR:-}" ] && [ -f "$out/metrics.prom" ]; then
  cp "$out/metrics.prom" "$TEXTMILL_METRICS_DIR/.textmill.prom.tmp" &&
    mv "$TEXTMILL_METRICS_DIR/.textmill.prom.tmp" "$TEXTMILL_METRICS_DIR/textmill.prom"
fi
exit $code
