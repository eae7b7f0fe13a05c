#!/usr/bin/env bash
# url_filter and decontaminate speed at issue 19's sizes, as ratios to the
# extract stage measured in the same run (tests/bench/filter_stage_bench.cc):
#   scripts/bench_filters.sh [BUILD_DIR]
# url_filter: 1 M URLs against a 2 M-domain list (lookups/s per core, list
# load time); decontaminate: 1 M benchmark 13-grams (MB/s per core).
set -euo pipefail
build=${1:-build}
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$build/tests/bench/textmill_bench" --benchmark_filter='BM_ExtractHtml|BM_UrlFilter|BM_Decontaminate' \
  --benchmark_format=json --benchmark_out="$json" --benchmark_out_format=json >/dev/null
python3 - "$json" <<'PY'
import json, sys
runs = {b["name"].split("/")[0]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
extract, lookups, load, decon = (runs[n] for n in ("BM_ExtractHtml", "BM_UrlFilterLookups", "BM_UrlFilterLoad", "BM_Decontaminate"))
ex_docs, ex_mb = extract["items_per_second"], extract["bytes_per_second"] / 1e6
print(f"extract (baseline): {ex_docs:,.0f} pages/s, {ex_mb:.1f} MB/s of HTML per core")
print(f"url_filter: {lookups['items_per_second']:,.0f} URL lookups/s per core = {lookups['items_per_second'] / ex_docs:,.0f}x "
      f"extract's pages/s (blocked share {lookups['blocked_share']:.3f})")
print(f"url_filter list load: 2,000,000 domains in {load['real_time'] / 1000:.2f} s "
      f"(= the time extract takes for {load['real_time'] / 1000 * ex_docs:,.0f} pages), {lookups['list_mb']:.1f} MB")
mb = decon["bytes_per_second"] / 1e6
print(f"decontaminate: {mb:.1f} MB/s of text per core = {mb / ex_mb:.2f}x extract's MB/s "
      f"(1 M benchmark 13-grams, table {decon['table_mb']:.1f} MB)")
PY
