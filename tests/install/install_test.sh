#!/usr/bin/env bash
# `cmake --install` into a temporary prefix: the installed binary runs the
# installed default config from another working directory with the data under
# its prefix; TEXTMILL_DATA_DIR overrides that; the man page is there; and the
# example plugin builds out of tree with find_package(textmill) and runs.
#   install_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "install test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/textmill share/textmill/configs/default.yaml share/textmill/configs/boilerplate_phrases.txt \
         share/textmill/configs/stopwords.yaml share/textmill/models/extraction_blocks.ubj \
         share/man/man1/textmill.1.gz include/textmill/pipeline/plugin_api.h include/textmill/pipeline/stage.h; do
  [ -f "$prefix/$f" ] || fail "missing $f"
done
ls "$prefix"/lib*/cmake/textmill/textmillConfig.cmake "$prefix"/lib*/cmake/textmill/textmillTargets.cmake >/dev/null
# Links would dangle once the tree is gone (models/lid.176.ftz often is one).
[ -z "$(find "$prefix" -type l)" ] || fail "symbolic links installed: $(find "$prefix" -type l)"
# The man page is help2man's rendering of --help.
zcat "$prefix/share/man/man1/textmill.1.gz" | grep -q '^\.TH TEXTMILL "1"' || fail "man page has no .TH"
zcat "$prefix/share/man/man1/textmill.1.gz" | grep -q 'textmill validate' || fail "man page lacks the usage"

# From elsewhere, with only installed paths: the data are found under the prefix.
mkdir -p "$work/elsewhere"
cp -r "$repo/examples" "$work/in"
(cd "$work/elsewhere" && "$prefix/bin/textmill" run -c "$prefix/share/textmill/configs/default.yaml" \
   -i "$work/in" -o "$work/out" -j 2 --progress none --log-level warn)
[ -n "$(ls "$work"/out/part-*.jsonl.zst)" ] || fail "no output shards"
# A config of the user's own, elsewhere, naming data by relative paths.
cat > "$work/elsewhere/job.yaml" <<'YAML'
stages:
  - extract:
      phrases: configs/boilerplate_phrases.txt
  - quality:
      stop_words: configs/stopwords.yaml
YAML
(cd / && "$prefix/bin/textmill" validate -c "$work/elsewhere/job.yaml") || fail "own config: data not found"
# TEXTMILL_DATA_DIR comes before the installed data: a broken model there is used (and refused).
mkdir -p "$work/data/models"
echo "not a model" > "$work/data/models/extraction_blocks.ubj"
code=0
(cd / && TEXTMILL_DATA_DIR=$work/data "$prefix/bin/textmill" validate -c "$work/elsewhere/job.yaml") \
  2> "$work/err" || code=$?
[ "$code" = 2 ] && grep -q "$work/data/models/extraction_blocks.ubj" "$work/err" ||
  fail "TEXTMILL_DATA_DIR not used (exit $code): $(cat "$work/err")"

# The example plugin, out of tree, against the installed package only.
cmake -S "$repo/plugin_example" -B "$work/plugin" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/plugin" >/dev/null
cp "$repo/plugin_example/config.yaml" "$repo/plugin_example/words.list" "$work/elsewhere/"
sed -i "s|^plugins: \[\]|plugins: [../plugin/libword_tagger.so]|" "$work/elsewhere/config.yaml"
(cd / && "$prefix/bin/textmill" run -c "$work/elsewhere/config.yaml" -i "$work/in" -o "$work/plugin_out" \
   -j 2 --progress none --log-level warn)
python3 - "$work/plugin_out/report.json" <<'PY'
import json, sys
stage = next(s for s in json.load(open(sys.argv[1]))["stages"] if s["name"] == "word_tagger")
assert stage["counters"]["documents_tagged"] >= 2 and stage["rejects"]["word_list"] >= 1, stage
PY
echo "install test: OK ($prefix)"
