#!/usr/bin/env bash
# Inputs for the phased-run tests: the dedup dev set (real article texts with
# their copies) split round robin over 11 JSONL files, so copies of one article
# land in different input slices, plus the repo's HTML/text examples.
#   tests/scaleout/make_inputs.sh DIR
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED_DIR:-$here/../shared}
mkdir -p "$1"
python3 - "$shared/bench/dedup/dev/docs.jsonl" "$1" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
outs = [open(f"{sys.argv[2]}/part{i:02d}.jsonl", "w", encoding="utf-8") for i in range(11)]
for n, line in enumerate(lines):
    outs[n % 11].write(line + "\n")
PY
cp -r "$here/examples" "$1/examples"
