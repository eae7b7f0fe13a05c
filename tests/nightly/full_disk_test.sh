#!/usr/bin/env bash
# A full disk (issue 20, item 5), on small tmpfs mounts (needs root; skipped
# with exit 77 otherwise): the run says "no space left on <dir>", exits 1,
# report.json and metrics.prom carry that exit code, and no temporary file
# (spool, .tmp) stays behind.
#   full_disk_test.sh TEXTMILL_BIN   (run from the repository root)
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
mnt=$work/mnt
mkdir -p "$mnt"
cleanup() { umount "$mnt" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
if ! mount -t tmpfs -o size=2m tmpfs "$mnt" 2>/dev/null; then
  echo "cannot mount a tmpfs (not root?): skipped"
  exit 77
fi
fail() { echo "FAIL: $*" >&2; exit 1; }
config=configs/default.yaml

# The state disk fills up while the run waits before its index commit.
mkdir -p "$mnt/state"
"$bin" run -c $config -i examples/news -o "$work/night1" --state "$mnt/state" --progress none --log-level error ||
  fail "first night failed"
code=0
TEXTMILL_FAULT=pause_before_index_commit "$bin" run -c $config -i examples -o "$work/night2" --state "$mnt/state" \
  --progress none --log-level error 2> "$work/state.err" &
pid=$!
sleep 1.5
dd if=/dev/zero of="$mnt/fill" bs=4k 2>/dev/null || true  # fills the file system (dd ends with ENOSPC)
wait $pid || code=$?
[ "$code" = 1 ] || fail "full state disk: exit $code, expected 1"
grep -q "no space left on $mnt/state" "$work/state.err" || { cat "$work/state.err" >&2; fail "full state disk: no 'no space left on' message"; }
report_code=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["exit_code"])' "$work/night2/report.json")
[ "$report_code" = 1 ] || fail "full state disk: report.json says exit code $report_code, the process exited 1"
grep -q '^textmill_exit_code{shard="0"} 1$' "$work/night2/metrics.prom" || fail "full state disk: metrics.prom says otherwise"
echo "full state disk: exit 1, 'no space left on $mnt/state', report.json and metrics.prom say 1"

# The output disk is full from the start (8 KiB left).
umount "$mnt"
mount -t tmpfs -o size=1m tmpfs "$mnt"
dd if=/dev/zero of="$mnt/fill" bs=1k count=1016 2>/dev/null
code=0
"$bin" run -c $config -i examples -o "$mnt/out" --set output.compression=none --progress none --log-level error \
  2> "$work/out.err" || code=$?
[ "$code" = 1 ] || fail "full output disk: exit $code, expected 1"
grep -q "no space left on $mnt/out" "$work/out.err" || { cat "$work/out.err" >&2; fail "full output disk: no 'no space left on' message"; }
leftovers=$(find "$mnt/out" -name '.*' \( -name '*.tmp*' -o -name '*.spool' \) | head -3)
[ -z "$leftovers" ] || fail "full output disk: temporary files left: $leftovers"
echo "full output disk: exit 1, 'no space left on $mnt/out', no spool or temp file left"
echo "full disk test: all checks passed"
