#!/usr/bin/env bash
# Mojibake repair of the normalize stage, scored two ways:
#  1. ftfy's test cases (../shared/bench/mojibake, score.py): share of mojibake
#     cases repaired, false positives on the `negative` (correct) cases;
#  2. correct text: the sentences of ../shared/bench/langid/dev.tsv and the truth
#     texts of ../shared/bench/extraction-wcxb/truth, normalized with and without
#     the repair; every text the repair changes is listed (id, before, after),
#     to be checked by hand.
#   scripts/eval_mojibake.sh [--min-repaired R] [--max-fp N] [--reviewed FILE]
# --min-repaired / --max-fp: exit 1 below / above these (the ctest floors).
# --reviewed FILE: exit 1 if the repair changes a correct text in a way not
# listed in FILE (id<TAB>after, the changes checked by hand).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_DIR:-$here/../shared}
bin=${TEXTMILL:-$here/build/textmill}
min_rep="" max_fp="" reviewed=""
while [ $# -gt 0 ]; do
  case $1 in
    --min-repaired) min_rep=$2; shift 2 ;;
    --max-fp) max_fp=$2; shift 2 ;;
    --reviewed) reviewed=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'stages:\n  - normalize:\n      fix_mojibake: true\n' > "$work/config.yaml"
run() {  # run INPUT OUTDIR [--set ...]
  local in=$1 out=$2
  shift 2
  "$bin" run -c "$work/config.yaml" -i "$in" -o "$out" -j 2 --progress none --log-level warn "$@" > /dev/null
}

echo "== ftfy test cases (../shared/bench/mojibake)"
python3 "$shared/bench/mojibake/score.py" "$shared/bench/mojibake/cases.jsonl" --make-input "$work/cases.jsonl"
run "$work/cases.jsonl" "$work/cases-out"
python3 "$shared/bench/mojibake/score.py" "$shared/bench/mojibake/cases.jsonl" "$work/cases-out" \
  --json "$work/score.json"

echo "== correct text: langid dev.tsv sentences and extraction-wcxb truth texts"
python3 - "$shared" "$work/correct.jsonl" <<'PY'
import json, os, sys
shared, out = sys.argv[1], sys.argv[2]
with open(out, "w", encoding="utf-8") as o:
    with open(os.path.join(shared, "bench/langid/dev.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            o.write(json.dumps({"id": "dev:" + cols[0], "text": cols[3]}, ensure_ascii=False) + "\n")
    truth = os.path.join(shared, "bench/extraction-wcxb/truth")
    for name in sorted(os.listdir(truth)):
        text = open(os.path.join(truth, name), encoding="utf-8", errors="replace").read()
        o.write(json.dumps({"id": "wcxb:" + name, "text": text}, ensure_ascii=False) + "\n")
PY
run "$work/correct.jsonl" "$work/on"
run "$work/correct.jsonl" "$work/off" --set stages.normalize.fix_mojibake=false
python3 - "$work/on" "$work/off" "$work/score.json" "$min_rep" "$max_fp" "$reviewed" <<'PY'
import glob, json, subprocess, sys
on_dir, off_dir, score_file, min_rep, max_fp, reviewed = sys.argv[1:7]
def read(d):
    got = {}
    for f in sorted(glob.glob(d + "/part-*")):
        data = subprocess.run(["zstd", "-dcq", f], check=True, capture_output=True).stdout.decode("utf-8")
        for line in data.splitlines():
            if line.strip():
                j = json.loads(line)
                got[j["id"]] = j["text"]
    return got
on, off = read(on_dir), read(off_dir)
changed = []
for k in sorted(off):
    if on.get(k) != off[k]:
        a, b = off[k].split("\n"), on.get(k, "").split("\n")
        for la, lb in zip(a, b):
            if la != lb:
                changed.append((k, la, lb))
# A change that only puts back characters where the run without repair removed
# C1 controls is a C1 control read as windows-1252 (c\x92est -> c’est): listed
# one line each; other changes in full.
W1252 = set(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
def c1_only(la, lb):
    return "".join(ch for ch in lb if ch not in W1252) == "".join(ch for ch in la if ch not in W1252)
c1 = [c for c in changed if c1_only(c[1], c[2])]
other = [c for c in changed if not c1_only(c[1], c[2])]
print("texts %d, lines changed by the repair: %d (%d only C1 controls read as windows-1252, %d other)"
      % (len(off), len(changed), len(c1), len(other)))
print("-- C1 controls read as windows-1252 (characters put back: %s)" %
      " ".join("%s x%d" % kv for kv in sorted(
          __import__("collections").Counter(ch for _, la, lb in c1 for ch in lb if ch in W1252).items())))
for k, la, lb in c1:
    print("  %s: %r" % (k, lb[:160]))
print("-- other changes")
for k, la, lb in other:
    print("  %s\n      before: %r\n      after : %r" % (k, la[:200], lb[:200]))
ok = True
score = json.load(open(score_file))
if min_rep and score["repaired"] < float(min_rep):
    print("FAIL: repaired %.3f < %s" % (score["repaired"], min_rep)); ok = False
if max_fp and score["false_positives"] > int(max_fp):
    print("FAIL: false positives %d > %s" % (score["false_positives"], max_fp)); ok = False
if reviewed:
    known = set()
    for line in open(reviewed, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            k, after = line.rstrip("\n").split("\t", 1)
            known.add((k, json.loads(after)))
    for k, la, lb in changed:
        if (k, lb) not in known:
            print("FAIL: change not reviewed: %s %r -> %r" % (k, la[:200], lb[:200])); ok = False
sys.exit(0 if ok else 1)
PY
