#!/usr/bin/env bash
# Nightly runs end to end: three nights over a growing input folder give each
# document once (new inputs only, no duplicates across nights); a run killed
# at several points and rerun gives the same corpus as an uninterrupted one;
# a second run on a locked state dir exits 4; a changed config after a crash
# is refused (exit 2) unless --restart.
#   crash_test.sh TEXTMILL_BIN
set -euo pipefail
bin=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
config=$work/config.yaml
sed -e 's|^models_dir: models|models_dir: '"$repo"'/models|' \
    -e 's|      phrases: configs/boilerplate_phrases.txt|      phrases: '"$repo"'/configs/boilerplate_phrases.txt|' \
    -e 's|      stop_words: configs/stopwords.yaml|      stop_words: '"$repo"'/configs/stopwords.yaml|' \
    -e 's|^      mode: drop|      mode: annotate|' -e 's|^  shard_max_documents: 0|  shard_max_documents: 3|' \
    "$repo/configs/default.yaml" > "$config"

# Night inputs: distinct pages, plus copies of earlier pages in later nights.
python3 - "$work/pages" <<'PY'
import os, random, sys
root = sys.argv[1]
words = ("river council bridge budget market harbour school library festival train museum garden weather "
         "doctor bakery stadium forest village island concert ferry mayor engineer cyclist teacher").split()
rng = random.Random(7)
def page(i):
    sentences = []
    for s in range(8):
        sentences.append("The " + " ".join(rng.choice(words) for _ in range(14)) + f" in part {i}.{s}.")
    return f"Report number {i}\n\n" + "\n\n".join(sentences) + "\n"
texts = {i: page(i) for i in range(24)}
for night in range(3):
    d = os.path.join(root, f"night{night}")
    os.makedirs(d)
    for i in range(night * 8, night * 8 + 8):
        open(os.path.join(d, f"p{i:02d}.txt"), "w").write(texts[i])
    if night > 0:  # an exact copy of an earlier night's page under a new name
        open(os.path.join(d, f"copy{night}.txt"), "w").write(texts[night])
PY

# Runs nights 0..2 into $1 (a fresh input folder grows night by night).
run_nights() {
  local dir=$1 fault_night=${2:-} fault=${3:-}
  mkdir -p "$dir/in"
  for night in 0 1 2; do
    cp "$work/pages/night$night"/* "$dir/in/"
    if [ "$night" = "$fault_night" ]; then
      set +e
      TEXTMILL_FAULT=$fault "$bin" run -c "$config" -i "$dir/in" -o "$dir/out$night" --state "$dir/state" \
        --progress none --log-level error
      code=$?
      set -e
      [ "$code" = 137 ] || { echo "FAIL: fault $fault did not stop the run (exit $code)"; exit 1; }
      # Nothing that looks like a finished shard or report may be half written.
      for f in "$dir/out$night"/part-*; do [ -e "$f" ] && zstd -t -q "$f"; done
    fi
    "$bin" run -c "$config" -i "$dir/in" -o "$dir/out$night" --state "$dir/state" --progress none --log-level error
  done
}

corpus() {  # all documents of all nights: id and text, sorted
  for n in 0 1 2; do zstd -dcq "$1/out$n"/part-*.jsonl.zst 2>/dev/null || true; done |
    python3 -c 'import json,sys; [print(json.dumps([d["id"], d["text"]])) for d in map(json.loads, sys.stdin)]' | sort
}

run_nights "$work/ref"
corpus "$work/ref" > "$work/ref.txt"
docs=$(wc -l < "$work/ref.txt")
[ "$docs" = 24 ] || { echo "FAIL: expected 24 documents over three nights, got $docs"; exit 1; }
echo "uninterrupted: 24 documents over three nights; copies across nights dropped"

for fault in after_first_shard before_index_commit before_manifest_commit; do
  run_nights "$work/$fault" 1 "$fault"
  corpus "$work/$fault" > "$work/$fault.txt"
  if ! cmp -s "$work/ref.txt" "$work/$fault.txt"; then
    echo "FAIL: killed at $fault, the rerun's corpus differs"
    diff "$work/ref.txt" "$work/$fault.txt" | head -5
    exit 1
  fi
  echo "killed at $fault, rerun: same corpus"
done

# Lock: a second run while one holds the state dir.
set +e
flock "$work/ref/state/lock" "$bin" run -c "$config" -i "$work/ref/in" -o "$work/locked" --state "$work/ref/state" \
  --progress none --log-level error
code=$?
set -e
[ "$code" = 4 ] || { echo "FAIL: a locked state dir gave exit $code, expected 4"; exit 1; }
echo "locked state dir: exit 4"

# A changed config after a crash is refused unless --restart.
mkdir -p "$work/cfg/in" && cp "$work/pages/night0"/* "$work/cfg/in/"
set +e
TEXTMILL_FAULT=before_index_commit "$bin" run -c "$config" -i "$work/cfg/in" -o "$work/cfg/out" --state "$work/cfg/state" \
  --progress none --log-level error
"$bin" run -c "$config" -i "$work/cfg/in" -o "$work/cfg/out" --state "$work/cfg/state" --set threads=1 \
  --set stages.normalize.form=NFKC --progress none --log-level error 2>/dev/null
code=$?
set -e
[ "$code" = 2 ] || { echo "FAIL: a changed config after a crash gave exit $code, expected 2"; exit 1; }
"$bin" run -c "$config" -i "$work/cfg/in" -o "$work/cfg/out" --state "$work/cfg/state" \
  --set stages.normalize.form=NFKC --restart --progress none --log-level error
echo "changed config after a crash: refused (exit 2), accepted with --restart"
echo "nightly crash test: all checks passed"
