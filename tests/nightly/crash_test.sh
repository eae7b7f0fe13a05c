#!/usr/bin/env bash
# Nightly runs end to end: three nights over a growing input folder give each
# document once (new inputs only, no duplicates across nights); a run killed
# at several points and rerun gives the same corpus as an uninterrupted one;
# a second run on a locked state dir exits 4; a changed config, output dir or
# shard count after a crash is refused (exit 2, naming the reason) unless
# --restart.
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
    if night == 2:  # and of night 1's (killed in the fault runs): the index must hold it
        open(os.path.join(d, "copy-of-night1.txt"), "w").write(texts[9])
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
      for f in "$dir/out$night"/part-*; do
        if [ -e "$f" ] && ! zstd -t -q "$f"; then echo "FAIL: fault $fault left a damaged shard $f"; exit 1; fi
      done
    fi
    "$bin" run -c "$config" -i "$dir/in" -o "$dir/out$night" --state "$dir/state" --progress none --log-level error
  done
}

corpus() {  # all documents of all nights: id and text, sorted
  # Each night's shards must hold what its report says it wrote: a shard left
  # as a temp file, or missing, fails here rather than shrinking the corpus.
  for n in 0 1 2; do
    python3 - "$1/out$n" > "$1/night$n.lines" <<'PY'
import glob, json, subprocess, sys
out = sys.argv[1]
written = json.load(open(out + "/report.json"))["totals"]["documents_written"]
shards = sorted(glob.glob(out + "/part-*.jsonl.zst"))
lines = subprocess.run(["zstd", "-dcq", *shards], capture_output=True, text=True, check=True).stdout if shards else ""
docs = [json.loads(l) for l in lines.splitlines()]
if len(docs) != written:
    sys.exit(f"FAIL: {out}: report.json says {written} documents written, shards hold {len(docs)}")
for d in docs:
    print(json.dumps([d["id"], d["text"]]))
PY
  done
  cat "$1"/night[012].lines | sort
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
    diff "$work/ref.txt" "$work/$fault.txt" | head -5 || true
    exit 1
  fi
  echo "killed at $fault, rerun: same corpus"
  # Every night is in the manifest with its counts, also a night whose
  # manifest record the rerun completed (killed before_manifest_commit).
  "$bin" state runs "$work/$fault/state" > "$work/$fault.runs"
  python3 - "$work/$fault.runs" "$fault" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])][1:]
done = [r for r in rows if r[1] == "done"]
if len(done) != 3 or any(r[6] == "" or r[7] == "" for r in done):
    sys.exit(f"FAIL: killed at {sys.argv[2]}: manifest runs lack nights or counts: {rows}")
PY
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
code=$?
set -e
[ "$code" = 137 ] || { echo "FAIL: fault before_index_commit did not stop the run (exit $code)"; exit 1; }
# expect_refusal CODE_WANTED MESSAGE_REGEX ARGS...: the rerun is refused with
# that exit code and a message saying why (not any exit 2 for any reason).
expect_refusal() {
  local want=$1 message=$2 code=0 before
  shift 2
  before=$(cd "$work/cfg/out" && find . -type f -exec md5sum {} + | sort)
  "$bin" run -c "$config" -i "$work/cfg/in" --state "$work/cfg/state" --progress none --log-level error "$@" \
    2> "$work/cfg.err" || code=$?
  [ "$code" = "$want" ] || { echo "FAIL: rerun with $* after a crash gave exit $code, expected $want"; cat "$work/cfg.err"; exit 1; }
  grep -q -E "$message" "$work/cfg.err" || { echo "FAIL: rerun with $*: unclear message: $(cat "$work/cfg.err")"; exit 1; }
  [ "$(cd "$work/cfg/out" && find . -type f -exec md5sum {} + | sort)" = "$before" ] ||
    { echo "FAIL: the refused rerun with $* changed the interrupted run's output"; exit 1; }
}
expect_refusal 2 "interrupted with another config.*--restart" -o "$work/cfg/out" --set threads=1 --set stages.normalize.form=NFKC
# Another output dir, or another shard count, would mix two runs as well.
expect_refusal 2 "interrupted with output dir $work/cfg/out.*--restart" -o "$work/cfg/other-out"
[ -z "$(find "$work/cfg/other-out" -type f 2>/dev/null)" ] || { echo "FAIL: the refused run wrote into the other output dir"; exit 1; }
expect_refusal 2 "interrupted run used shard .*same shard count" -o "$work/cfg/shard-out" --shard 0/2
[ -z "$(find "$work/cfg/shard-out" -type f 2>/dev/null)" ] || { echo "FAIL: the refused shard run wrote output"; exit 1; }
"$bin" run -c "$config" -i "$work/cfg/in" -o "$work/cfg/out" --state "$work/cfg/state" \
  --set stages.normalize.form=NFKC --restart --progress none --log-level error
echo "changed config, output dir or shard count after a crash: refused (exit 2, saying why), accepted with --restart"
echo "nightly crash test: all checks passed"
