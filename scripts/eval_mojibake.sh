#!/usr/bin/env bash
# Mojibake repair of the normalize stage, scored two ways:
#  1. ftfy's test cases (../shared/bench/mojibake, score.py): share of mojibake
#     cases repaired, false positives on the `negative` (correct) cases;
#  2. correct text: the sentences of ../shared/bench/langid/dev.tsv and the truth
#     texts of ../shared/bench/extraction-wcxb/truth, normalized with and without
#     the repair; every text the repair changes is listed (id, before, after),
#     to be checked by hand.
#   scripts/eval_mojibake.sh [--min-repaired R] [--max-fp N] [--reviewed FILE] [--write-reviewed FILE]
# --min-repaired / --max-fp: exit 1 below / above these (the ctest floors).
# --reviewed FILE: exit 1 if the repair changes a line of correct text in a way
# not listed in FILE (id<TAB>hash of the line after<TAB>preview: the changes
# checked by hand); --write-reviewed FILE writes that list for this run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_DIR:-$here/../shared}
bin=${TEXTMILL:-$here/build/textmill}
min_rep="" max_fp="" reviewed="" write_reviewed=""
while [ $# -gt 0 ]; do
  case $1 in
    --min-repaired) min_rep=$2; shift 2 ;;
    --max-fp) max_fp=$2; shift 2 ;;
    --reviewed) reviewed=$2; shift 2 ;;
    --write-reviewed) write_reviewed=$2; shift 2 ;;
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
python3 - "$work/on" "$work/off" "$work/score.json" "$min_rep" "$max_fp" "$reviewed" "$write_reviewed" <<'PY'
import glob, hashlib, json, subprocess, sys
on_dir, off_dir, score_file, min_rep, max_fp, reviewed, write_reviewed = sys.argv[1:8]
def digest(line):
    return hashlib.sha1(line.encode("utf-8")).hexdigest()[:16]
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
# Each change as the pieces replaced (difflib), per text: "before" is the text
# normalized without the repair (so C1 controls are already gone from it:
# c\x92est shows as "cest" -> "c’est").
import collections, difflib
W1252 = set(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
by_text = collections.OrderedDict()
for k, la, lb in changed:
    sm = difflib.SequenceMatcher(None, la, lb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            by_text.setdefault(k, collections.Counter())[(la[max(0, i1 - 1):i2], lb[max(0, j1 - 1):j2])] += 1
# C1 only: each piece after the repair is the piece before plus windows-1252
# characters (and spaces): nothing visible in the text was taken away.
c1 = [k for k, pairs in by_text.items()
      if all("".join(ch for ch in y if ch not in W1252).split() == x.split() for x, y in pairs)]
print("texts %d, lines changed by the repair: %d in %d texts" % (len(off), len(changed), len(by_text)))
print("-- texts where the repair only put back C1 controls as windows-1252 characters: %d" % len(c1))
for k in c1:
    print("  %s: %s" % (k, ", ".join("%r->%r x%d" % (x, y, n) for (x, y), n in by_text[k].most_common())))
print("-- other texts (pieces replaced: before->after xcount)")
for k, pairs in by_text.items():
    if k not in c1:
        print("  %s: %s" % (k, ", ".join("%r->%r x%d" % (x, y, n) for (x, y), n in pairs.most_common(12))))
        if k.startswith("dev:"):
            for kk, la, lb in changed:
                if kk == k:
                    print("      after: %r" % lb[:220])
ok = True
score = json.load(open(score_file))
if min_rep and score["repaired"] < float(min_rep):
    print("FAIL: repaired %.3f < %s" % (score["repaired"], min_rep)); ok = False
if max_fp and score["false_positives"] > int(max_fp):
    print("FAIL: false positives %d > %s" % (score["false_positives"], max_fp)); ok = False
if write_reviewed:
    with open(write_reviewed, "w", encoding="utf-8") as o:
        o.write("# Lines of correct text (scripts/eval_mojibake.sh) the mojibake repair changes, each checked by hand:\n")
        o.write("# text id, hash of the line after the repair, its first 100 characters.\n")
        for k, la, lb in changed:
            o.write("%s\t%s\t%s\n" % (k, digest(lb), json.dumps(lb[:100], ensure_ascii=False)))
if reviewed:
    known = set()
    for line in open(reviewed, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            k, h = line.split("\t")[:2]
            known.add((k, h))
    for k, la, lb in changed:
        if (k, digest(lb)) not in known:
            print("FAIL: change not reviewed: %s %r -> %r" % (k, la[:200], lb[:200])); ok = False
sys.exit(0 if ok else 1)
PY
