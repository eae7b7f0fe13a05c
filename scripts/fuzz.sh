#!/usr/bin/env bash
# The clang sanitizer build (build-fuzz/: address + undefined + libFuzzer
# coverage), which serves both the unit tests under sanitizers and the
# libFuzzer targets; runs each target for a bounded time on a seed corpus
# made from real files.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
#   scripts/fuzz.sh build                  (configure and build everything, tests included; no fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (scripts/setup.sh installs it)" >&2
  exit 1
fi
# -O1 -gline-tables-only: sanitizer reports with file, line and inlined frames
# (all the symbolizer reads) at about half the compile time of -O2 -g.
# lld (scripts/setup.sh installs it): links the sanitizer binaries in about a
# quarter of GNU ld's CPU time.
linker=()
if command -v ld.lld >/dev/null; then
  linker=(-DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld
          -DCMAKE_MODULE_LINKER_FLAGS=-fuse-ld=lld)
fi
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_CXX_FLAGS_FUZZ="-O1 -gline-tables-only" \
  "${linker[@]}" -DTEXTMILL_FUZZ=ON -DTEXTMILL_BENCHMARKS=OFF >/dev/null
if [ "${1:-}" = build ]; then
  cmake --build build-fuzz
  exit 0
fi
seconds=${1:-20}
cmake --build build-fuzz --target fuzz_html_extract fuzz_text_dump fuzz_jsonl_record fuzz_charset_decode fuzz_warc_reader fuzz_url_parts \
  fuzz_tree_model

seeds=build-fuzz/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{html,text,jsonl,charset,warc,url,model}
cp examples/*/*.html "$seeds/html/"
find "$shared/bench/extraction/pages" -name "*.html" 2>/dev/null | sort | sed -n 1,20p | xargs -r cp -t "$seeds/html/"
cp examples/dumps/*.txt "$seeds/text/"
find "$shared/bench/extraction/pages_text" -name "*.txt" 2>/dev/null | sort | sed -n 1,20p | xargs -r cp -t "$seeds/text/"
split -l 1 tests/golden/bad_inputs/input/records.jsonl "$seeds/jsonl/rec-"
cp examples/legacy/* tests/golden/bad_inputs/input/*.gz "$seeds/charset/"
# WARC seeds: the real crawls, uncompressed (the fuzzer feeds plain WARC).
for f in "$shared"/bench/inputs/warc/*.warc.gz; do
  [ -f "$f" ] && gzip -dc "$f" 2>/dev/null | head -c 200000 > "$seeds/warc/$(basename "$f" .gz)" || true
done
cp "$shared"/bench/inputs/warc/*.warc "$seeds/warc/" 2>/dev/null || true
# URL seeds: the golden case's URLs and list lines, one a file.
split -l 1 tests/golden/url_filter/lists/plain.txt "$seeds/url/list-"
grep -o '"url": "[^"]*"' tests/golden/url_filter/input/pages.jsonl | cut -d'"' -f4 | split -l 1 - "$seeds/url/url-"

# Model seeds: two tiny models the reader accepts (tests/fuzz/seeds) and the
# shipped ones (longer than -max_len: their first 200 KB, a truncated model).
cp tests/fuzz/seeds/*.ubj models/extraction_blocks.ubj models/extraction_page_types.ubj "$seeds/model/"

run() {  # target seed-dir
  echo "== fuzz $1 for ${seconds}s"
  mkdir -p "build-fuzz/corpus/$1"
  local log="build-fuzz/fuzz-$1.log" code=0
  "build-fuzz/tests/fuzz/fuzz_$1" -max_total_time="$seconds" -max_len=200000 -rss_limit_mb=4096 \
    -print_final_stats=1 "build-fuzz/corpus/$1" "$seeds/$2" >"$log" 2>&1 || code=$?
  grep -E "^stat::number_of_executed_units|ERROR|SUMMARY" "$log" || true
  if [ "$code" != 0 ]; then
    tail -50 "$log" >&2
    echo "fuzz $1: failed (exit $code); the crashing input is in the log above" >&2
    exit 1
  fi
}
run html_extract html
run text_dump text
run jsonl_record jsonl
run charset_decode charset
run warc_reader warc
run url_parts url
run tree_model model
echo "fuzz: all targets ran ${seconds}s without a crash"
