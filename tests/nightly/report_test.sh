#!/usr/bin/env bash
# The HTML report renders: two nights into a state dir, `textmill report`,
# a screenshot in headless Chromium, and a check that it is not blank; the
# language chart counts the written documents, the run's start and end are
# shown, the trend is labelled by date.
#   report_test.sh TEXTMILL_BIN
set -euo pipefail
bin=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo"
mkdir -p "$work/in"
cp -r examples/news examples/dumps "$work/in/"
"$bin" run -c configs/default.yaml -i "$work/in" -o "$work/night1" --state "$work/state" --progress none --log-level warn
cp -r examples/de examples/legacy examples/mirror "$work/in/"
"$bin" run -c configs/default.yaml -i "$work/in" -o "$work/night2" --state "$work/state" --progress none --log-level warn
"$bin" report "$work/night2" --state "$work/state" -o "$work/report.html" >/dev/null
grep -q "<svg" "$work/report.html"
# What was written is charted (not langid's count before dedup), with the run's
# start and end, and the trend is labelled by date.
python3 - "$work/night2/report.json" "$work/report.html" <<'PY'
import json, re, sys
report = json.load(open(sys.argv[1]))
html = open(sys.argv[2]).read()
langs = report["output"]["languages"]
assert sum(langs.values()) == report["totals"]["documents_written"], (langs, report["totals"]["documents_written"])
assert "<h2>Languages of written documents</h2>" in html, "language chart is not of the written documents"
assert "<th>started</th>" in html and "<th>finished</th>" in html, "no start/end time"
assert re.search(r">\d{4}-\d{2}-\d{2}</text>", html), "trend axis not labelled by date"
assert ">run 1</text>" not in html, "trend axis labelled by run number"
PY
if grep -qiE "(src|href)=['\"]?https?:" "$work/report.html"; then
  echo "FAIL: the report loads something from the network"
  exit 1
fi
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "FAIL: chromium not installed (scripts/setup.sh installs it)"
  exit 1
fi
# The page's scripts run in virtual time: the screenshot is taken when the
# page has had 5 s of it (charts drawn), however slow the machine; a hung
# browser fails after 120 s instead of holding the suite.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/chrome" --window-size=1100,1500 \
  --virtual-time-budget=5000 --run-all-compositor-stages-before-draw \
  --screenshot="$work/shot.png" "file://$work/report.html" >"$work/chrome.log" 2>&1 ||
  { tail -20 "$work/chrome.log"; echo "FAIL: chromium did not take the screenshot"; exit 1; }
python3 - "$work/shot.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width, height = 8, b"", 0, 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height = struct.unpack(">II", chunk[:8])
    elif kind == b"IDAT":
        idat += chunk
    pos += 12 + length
raw = zlib.decompress(idat)
distinct = len(set(raw))
nonzero = sum(1 for b in raw[::97] if b not in (0, 255)) / len(raw[::97])
print(f"screenshot {width}x{height}: {distinct} distinct byte values, {nonzero:.1%} sampled bytes not 0/255")
# A blank page filters to (almost) all zero bytes; charts and text give many values.
sys.exit(0 if width > 0 and distinct >= 40 and nonzero > 0.001 else 1)
PY
echo "report renders in Chromium"
