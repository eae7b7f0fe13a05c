#!/usr/bin/env bash
# Language-ID speed: short texts (< 40 chars) of ../shared/bench/langid/dev.tsv
# through `textmill langid -j 1`, per backend. The input is classified once
# and ten times over in the same call; the difference gives the rate without
# start-up (model and dictionary loading), which is printed separately.
#   scripts/bench_langid.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${SHARED_DIR:-$here/../shared}/bench/langid
bin=${TEXTMILL:-$here/build/textmill}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -F'\t' 'NR > 1 && length($4) < 40 {print $4}' "$bench/dev.tsv" > "$work/short1.txt"
for i in $(seq 10); do cat "$work/short1.txt"; done > "$work/short10.txt"
n=$(wc -l < "$work/short1.txt")
cpu() { /usr/bin/time -f "%U %S" -o "$work/t" "$@" > /dev/null; awk '{print $1 + $2}' "$work/t"; }
printf "%-10s %12s %14s %16s\n" backend startup_s texts/s/core "(n=$n x 9)"
for backend in cld2 fasttext combined; do
  t1=$(cpu "$bin" langid -c "$here/configs/default.yaml" --backend $backend -j 1 < "$work/short1.txt")
  t10=$(cpu "$bin" langid -c "$here/configs/default.yaml" --backend $backend -j 1 < "$work/short10.txt")
  python3 -c "
t1, t10, n = $t1, $t10, $n
rate = 9 * n / max(t10 - t1, 1e-9)
print(f'{\"$backend\":<10} {t1 - (t10 - t1) / 9:>12.2f} {rate:>14.0f}')"
done
