#!/usr/bin/env bash
# Language-ID speed on short texts (< 40 chars), all distinct: the short texts
# of ../shared/bench/langid/dev.tsv and pieces of two to four words of its sentences
# (caches of words and dictionary answers make a text given twice cheaper the
# second time, so none is). `textmill langid -j 1` is timed on the first half
# of them and on all: the difference is the cost of the second half, texts not
# seen before, after start-up (model and the dictionaries the first half
# loads); start-up is what the first half took beyond that rate.
#   scripts/bench_langid.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${SHARED_DIR:-$here/../shared}/bench/langid
bin=${TEXTMILL:-$here/build/textmill}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$bench/dev.tsv" "$work/short.txt" <<'PY'
import random, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8")][1:]
seen, texts = set(), []
def add(text):
    if 0 < len(text) < 40 and text not in seen:
        seen.add(text)
        texts.append(text)
for row in rows:
    add(row[3])
for size in (3, 2, 4):
    for row in rows:
        words = row[3].split()
        for i in range(0, len(words) - size + 1):
            add(" ".join(words[i:i + size]))
random.Random(0).shuffle(texts)  # both halves alike
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(texts[:200000]) + "\n")
PY
n=$(wc -l < "$work/short.txt")
half=$((n / 2))
head -n "$half" "$work/short.txt" > "$work/half.txt"
# CPU seconds of a command, the least of ROUNDS runs (default 3: the machine is shared).
cpu() {
  for _ in $(seq "${ROUNDS:-3}"); do
    /usr/bin/time -f "%U %S" -o "$work/t" "$@" < "$input" > /dev/null
    awk '{print $1 + $2}' "$work/t"
  done | sort -g | head -n 1
}
printf "%-10s %12s %14s %22s\n" backend startup_s texts/s/core "(n=$n distinct texts)"
for backend in cld2 fasttext combined; do
  input=$work/half.txt th=$(cpu "$bin" langid -c "$here/configs/default.yaml" --backend $backend -j 1)
  input=$work/short.txt tn=$(cpu "$bin" langid -c "$here/configs/default.yaml" --backend $backend -j 1)
  python3 -c "
th, tn, n, half = $th, $tn, $n, $half
rate = (n - half) / max(tn - th, 1e-9)
print(f'{\"$backend\":<10} {th - half / rate:>12.2f} {rate:>14.0f}')"
done
