#!/usr/bin/env bash
# WARC reading speed and format equivalence.
#   scripts/bench_warc.sh [SIZE_MIB] [--equivalence-only]    (default 100)
# --equivalence-only skips the timing (step 2): the ctest check, on a small
# corpus built in $BENCH_WORK (default bench-out/warc-SIZE).
# 1. Builds (once) a corpus with make_corpus.py in three formats (WARC, HTML
#    tree, JSONL.zst) holding the same documents.
# 2. Times `gzip -dc` of the .warc.gz files and `textmill run` reading them with
#    no stages (configs/read_only.yaml), in the same call; prints the ratio.
# 3. Runs extract + normalize on each format and checks that every document
#    gives the same cleaned text whatever the format (joined by manifest id).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-100}
only_equivalence=""
[ "${2:-}" = "--equivalence-only" ] && only_equivalence=1
shared=${SHARED_DIR:-$here/../shared}
bin=${TEXTMILL:-$here/build/textmill}
work=${BENCH_WORK:-$here/bench-out/warc-$size}
if [ ! -f "$work/corpus/stats.json" ]; then
  rm -rf "$work"
  mkdir -p "$work"
  echo "building a ${size} MiB corpus in three formats ..."
  python3 "$shared/bench/make_corpus.py" "$work/corpus" --size-mib "$size" --formats warc,html,jsonl \
    --jsonl-compression zst >/dev/null
fi
if [ -z "$only_equivalence" ]; then
cpu() { /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" >/dev/null 2>&1; awk '{print $1, $2 + $3}' "$work/t"; }
warc_bytes=$(cat "$work"/corpus/warc/*.warc.gz | wc -c)
raw_bytes=$(cat "$work"/corpus/warc/*.warc.gz | gzip -dc | wc -c)
read -r g_wall g_cpu < <(cpu bash -c "gzip -dc '$work'/corpus/warc/*.warc.gz")
rm -rf "$work/read"
read -r t_wall t_cpu < <(cpu "$bin" run -c "$here/configs/read_only.yaml" -i "$work/corpus/warc" -o "$work/read" -j 1 --progress none)
python3 - "$raw_bytes" "$warc_bytes" "$g_wall" "$g_cpu" "$t_wall" "$t_cpu" <<'PY'
import sys
raw, comp, gw, gc, tw, tc = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:])
print(f"WARC: {comp/1e6:.1f} MB gzip, {raw/1e6:.1f} MB uncompressed")
print(f"gzip -dc          wall {gw:6.2f}s cpu {gc:6.2f}s  {raw/1e6/gw:7.1f} MB/s")
print(f"textmill read -j1 wall {tw:6.2f}s cpu {tc:6.2f}s  {raw/1e6/tw:7.1f} MB/s")
print(f"ratio (same run): textmill reads .warc.gz at {gw/tw:.2f}x the speed of gzip -dc")
PY
fi
for fmt in warc html jsonl; do
  rm -rf "$work/out-$fmt"
  "$bin" run -c "$here/configs/formats_eval.yaml" -i "$work/corpus/$fmt" -o "$work/out-$fmt" --progress none \
    --log-level warn || [ $? = 3 ]
done
python3 - "$work" <<'PY'
import glob, json, os, sys
work = sys.argv[1]
manifest = [json.loads(l) for l in open(os.path.join(work, "corpus", "manifest.jsonl"))]
by_url = {m["url"]: m["id"] for m in manifest}
by_html = {m["html"][len("html/"):]: m["id"] for m in manifest if m.get("html")}
def load(fmt, key):
    out = {}
    for path in glob.glob(os.path.join(work, f"out-{fmt}", "part-*.jsonl")):
        for line in open(path, encoding="utf-8"):
            d = json.loads(line)
            out[key(d)] = d["text"]
    return out
texts = {
    "warc": load("warc", lambda d: by_url.get(d.get("url"), d["id"])),
    "html": load("html", lambda d: by_html.get(d["source"], d["source"])),
    "jsonl": load("jsonl", lambda d: d["id"]),
}
ids = [m["id"] for m in manifest]
same = sum(1 for i in ids if texts["warc"].get(i) == texts["html"].get(i) == texts["jsonl"].get(i))
present = {f: sum(1 for i in ids if i in t) for f, t in texts.items()}
print(f"documents in manifest: {len(ids)}; written per format: {present}")
print(f"same cleaned text in all three formats: {same}/{len(ids)}")
diff = [i for i in ids if not (texts['warc'].get(i) == texts['html'].get(i) == texts['jsonl'].get(i))][:5]
if diff:
    print("first differing ids:", diff)
sys.exit(0 if same == len(ids) else 1)
PY
