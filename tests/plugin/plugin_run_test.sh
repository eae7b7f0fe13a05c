#!/usr/bin/env bash
# Whole runs with plugin stages: the example plugin's counters and rejects are
# in report.json and rejects/ as a built-in stage's are; each broken plugin is
# a config error (exit 2) naming the file, before anything is written.
#   plugin_run_test.sh TEXTMILL_BIN WORD_TAGGER_SO BROKEN_PLUGIN_DIR
set -euo pipefail
bin=$1 tagger=$2 broken=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" run -c plugin_example/config.yaml --set "plugins=[$tagger]" -i examples -o "$work/out" \
  -j 2 --progress none --log-level warn
python3 - "$work/out" <<'PY'
import json, subprocess, sys
out = sys.argv[1]
report = json.load(open(f"{out}/report.json"))
stage = next(s for s in report["stages"] if s["name"] == "word_tagger")
assert stage["counters"]["documents_tagged"] >= 2, stage
assert stage["counters"]["word_matches"] >= stage["counters"]["documents_tagged"], stage
assert stage["rejects"].get("word_list", 0) >= 1, stage
assert stage["docs_out"] == stage["docs_in"] - stage["rejects"]["word_list"], stage
def lines(pattern):
    text = subprocess.run(f"zstd -dcq {pattern}", shell=True, check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in text.splitlines()]
rejected = [d for d in lines(f"{out}/rejects/part-*") if d["reject_reason"] == "word_list"]
assert len(rejected) == stage["rejects"]["word_list"] and all(d["rejected_by"] == "word_tagger" for d in rejected)
kept = lines(f"{out}/part-*")
assert any(d["metadata"].get("word_tags") for d in kept), kept
print("plugin run: word_tagger", stage["counters"], stage["rejects"])
PY

# validate loads plugins too; a bad plugin stops the run before any output.
"$bin" validate -c plugin_example/config.yaml --set "plugins=[$tagger]" >/dev/null
for kind in abi no_entry throws duplicate undefined; do
  lib=$broken/libbroken_plugin_$kind.so
  code=0
  "$bin" run -c plugin_example/config.yaml --set "plugins=[$lib]" -i examples -o "$work/bad_$kind" \
    --progress none 2> "$work/err" || code=$?
  if [ "$code" != 2 ] || ! grep -q "config error: plugin $lib" "$work/err" || [ -e "$work/bad_$kind" ]; then
    echo "broken plugin $kind: exit $code (want 2, naming the file, nothing written):" >&2
    cat "$work/err" >&2
    exit 1
  fi
done
echo "plugin run test: OK"
