#!/usr/bin/env bash
# Golden-file test: runs one case and compares its output with expected/.
#   run_case.sh TEXTMILL_BIN CASE_DIR [--update]
# A case holds config.yaml and either input/ or input.path (one line: a path
# starting with @repo/ or @shared/). The documents and rejects (uncompressed
# JSONL) are compared byte for byte; report.json is not (it has timings).
set -euo pipefail
bin=$1
case_dir=$(cd "$2" && pwd)
update=${3:-}
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED_DIR:-$repo/../shared}

if [ -f "$case_dir/input.path" ]; then
  input=$(sed -e "s|^@repo/|$repo/|" -e "s|^@shared/|$shared/|" "$case_dir/input.path")
else
  input=$case_dir/input
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
set +e
"$bin" run -c "$case_dir/config.yaml" -i "$input" -o "$out/run" -j 2 --progress none --log-level warn
code=$?
set -e
expected_code=$(cat "$case_dir/exit_code" 2>/dev/null || echo 0)
if [ "$code" != "$expected_code" ]; then
  echo "exit code $code, expected $expected_code" >&2
  exit 1
fi
mkdir -p "$out/actual"
cat "$out/run"/part-*.jsonl > "$out/actual/documents.jsonl" 2>/dev/null || : > "$out/actual/documents.jsonl"
cat "$out/run"/rejects/part-*.jsonl > "$out/actual/rejects.jsonl" 2>/dev/null || : > "$out/actual/rejects.jsonl"
if [ "$update" = "--update" ]; then
  rm -rf "$case_dir/expected"
  cp -r "$out/actual" "$case_dir/expected"
  echo "updated $case_dir/expected"
  exit 0
fi
diff -u "$case_dir/expected" "$out/actual" && echo "golden $(basename "$case_dir"): OK"
