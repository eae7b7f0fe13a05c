#!/usr/bin/env bash
# One night's run: the inputs that are new or changed since earlier nights,
# deduplicated against everything published before, into a dated output dir.
#   scripts/nightly.sh INPUT_DIR OUTPUT_ROOT STATE_DIR [CONFIG] [-- extra textmill run args]
# Writes OUTPUT_ROOT/YYYY-MM-DD/ (shards, report.json, metrics.prom, textmill.log)
# and copies metrics.prom to $TEXTMILL_METRICS_DIR when set (node_exporter's
# textfile collector). Exit code: textmill's (0 done, 3 some inputs unreadable,
# 4 another run holds the lock, 1/2 failure), so cron mails only on failure
# when wrapped as in the README.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 3 ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
input=$1 root=$2 state=$3
config=${4:-$here/configs/default.yaml}
shift $(( $# >= 4 ? 4 : 3 ))
[ "${1:-}" = "--" ] && shift
night=${TEXTMILL_NIGHT:-$(date -u +%Y-%m-%d)}
out=$root/$night
mkdir -p "$out"
bin=${TEXTMILL:-$here/build/textmill}
"$bin" run -c "$config" -i "$input" -o "$out" --state "$state" --progress log \
  --log-file "$out/textmill.log" "$@"
code=$?
if [ -n "${TEXTMILL_METRICS_DIR:-}" ] && [ -f "$out/metrics.prom" ]; then
  cp "$out/metrics.prom" "$TEXTMILL_METRICS_DIR/.textmill.prom.tmp" &&
    mv "$TEXTMILL_METRICS_DIR/.textmill.prom.tmp" "$TEXTMILL_METRICS_DIR/textmill.prom"
fi
exit $code
