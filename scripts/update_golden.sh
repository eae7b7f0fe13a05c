#!/usr/bin/env bash
# Rewrites the expected output of every golden case (or the named ones) from
# the current build. Review the diff before committing.
#   scripts/update_golden.sh [CASE...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${TEXTMILL:-$here/build/textmill}
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=($(ls "$here/tests/golden" | grep -v '\.sh$'))
for c in "${cases[@]}"; do
  bash "$here/tests/golden/run_case.sh" "$bin" "$here/tests/golden/$c" --update
done
git -C "$here" diff --stat -- tests/golden
