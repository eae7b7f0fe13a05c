#!/usr/bin/env bash
# The spelling tables (models/spelling/, scripts/build_spelling_tables.sh)
# change no answer: they agree with the dictionaries, and `textmill langid` on
# every text of ../shared's langid dev set, and a whole run on its
# close-language texts, give byte-identical output with and without them; and
# the run loads fewer dictionaries with them.
#   tests/langid/spelling_tables_test.sh BINARY
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
dev=${SHARED_DIR:-$here/../shared}/bench/langid/dev.tsv
config=$here/configs/default.yaml
if ! ls "$here"/models/spelling/*.forms >/dev/null 2>&1; then
  echo "FAIL: no spelling tables in models/spelling (scripts/build_spelling_tables.sh makes them)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
off=(--set stages.langid.spelling_tables=)

# The premise: every answer in the tables is the dictionary's own (every word
# of the tables, every 97th accepted form).
(cd "$here" && "$bin" spelling-tables --verify 97)

# In chunks of 1,000 texts, one process each: a process stops asking the
# tables for a dictionary once it has loaded it, so small processes are where
# the tables and the bound answer.
tail -n +2 "$dev" | cut -f4 >"$work/texts.txt"
split -l 1000 -d -a 3 "$work/texts.txt" "$work/chunk-"
for chunk in "$work"/chunk-*; do
  (cd "$here" && "$bin" langid -c "$config" -j 2 <"$chunk" >>"$work/with.txt")
  (cd "$here" && "$bin" langid -c "$config" -j 2 "${off[@]}" <"$chunk" >>"$work/without.txt")
done
[ "$(wc -l <"$work/with.txt")" -eq "$(wc -l <"$work/texts.txt")" ] || { echo "FAIL: langid gave too few lines" >&2; exit 1; }
if ! cmp -s "$work/with.txt" "$work/without.txt"; then
  echo "FAIL: langid answers differ with the spelling tables:" >&2
  diff <(paste "$work/texts.txt" "$work/with.txt") <(paste "$work/texts.txt" "$work/without.txt") | head >&2
  exit 1
fi
echo "langid: $(wc -l <"$work/with.txt") texts, identical with and without the tables"

# A run over the texts of the close languages, one document each.
# The first PER texts of each (a small task: a large one meets every language
# and loads every dictionary either way).
python3 - "$dev" "$work/in/close.jsonl" "${PER:-5}" <<'PY'
import collections, json, os, sys
close = {"nb", "nn", "da", "sv", "hr", "bs", "sr", "sl", "cs", "sk", "es", "pt", "ca", "gl", "hi", "mr", "ne", "nl", "af"}
taken = collections.Counter()
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    next(f)
    for line in f:
        id_, lang, _, text = line.rstrip("\n").split("\t", 3)
        if lang in close and taken[lang] < int(sys.argv[3]):
            taken[lang] += 1
            out.write(json.dumps({"id": id_, "text": text}, ensure_ascii=False) + "\n")
PY
# langid alone, every document written with its label and score.
cat >"$work/langid.yaml" <<YAML
models_dir: $here/models
output:
  compression: none
stages:
  - langid: {}
YAML
run() {
  (cd "$here" && "$bin" run -c "$work/langid.yaml" -i "$work/in" -o "$work/$1" -j 2 --progress none --log-level debug \
    "${@:2}" 2>"$work/$1.log" >/dev/null)
  grep -c "langid: loading .*\.dic" "$work/$1.log" || true
}
loads_with=$(run out-with)
loads_without=$(run out-without "${off[@]}")
documents=$(cat "$work"/out-with/part-* | wc -l)
[ "$documents" -eq "$(wc -l <"$work/in/close.jsonl")" ] || { echo "FAIL: $documents documents written" >&2; exit 1; }
for shard in "$work"/out-without/part-*; do
  cmp "$shard" "$work/out-with/$(basename "$shard")" || { echo "FAIL: run output differs with the tables" >&2; exit 1; }
done
echo "run: $(wc -l <"$work/in/close.jsonl") close-language documents, identical output;" \
  "dictionaries loaded: $loads_with with the tables, $loads_without without"
if [ "$loads_with" -ge "$loads_without" ]; then
  echo "FAIL: the tables saved no dictionary load" >&2
  exit 1
fi
