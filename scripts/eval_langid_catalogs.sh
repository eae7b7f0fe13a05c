#!/usr/bin/env bash
# A second check for language ID, independent of dev.tsv: texts from the
# gettext catalogs installed on this machine (/usr/share/locale/LANG/
# LC_MESSAGES/*.mo: translations of Debian's programs, written by their
# translators), for the close languages that dictionaries split. Rules of the
# langid stage are chosen here, so that dev.tsv stays a test set.
#   scripts/eval_langid_catalogs.sh [MAX_PER_LANGUAGE] [--min-micro A] [--min-lang LANG=A]...
#   (MAX_PER_LANGUAGE default 400)
# The set depends on the packages installed: the script prints its size per
# language; compare numbers from one machine only. With floors (the ctest
# check), exits 1 below one, and 77 (skipped) when a language given a floor
# has fewer than 100 texts on this machine.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
max=400
floors=()
while [ $# -gt 0 ]; do
  case $1 in
    --min-micro) floors+=("all=$2"); shift 2 ;;
    --min-lang) floors+=("lang:$2"); shift 2 ;;
    [0-9]*) max=$1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench=${SHARED_DIR:-$here/../shared}/bench/langid
bin=${TEXTMILL:-$here/build/textmill}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/set.tsv" "$max" <<'PY'
import collections, gettext, glob, random, re, sys
out, most = sys.argv[1], int(sys.argv[2])
# catalog directory -> label (Serbian's Latin catalogs are sr@latin)
languages = {"nb": "nb", "nn": "nn", "da": "da", "sv": "sv", "hr": "hr", "bs": "bs", "sr@latin": "sr",
             "sl": "sl", "ms": "ms", "id": "id", "cs": "cs", "sk": "sk", "es": "es", "pt": "pt", "ca": "ca",
             "gl": "gl", "hi": "hi", "mr": "mr", "nl": "nl", "af": "af"}
rows = []
for directory, label in languages.items():
    seen, texts = set(), []
    for mo in sorted(glob.glob(f"/usr/share/locale/{directory}/LC_MESSAGES/*.mo")):
        try:
            catalog = gettext.GNUTranslations(open(mo, "rb"))._catalog
        except Exception:
            continue
        for text in catalog.values():
            if not isinstance(text, str):
                continue
            # format directives, markup and mnemonics are not language
            text = re.sub(r"%[-#0-9.]*[a-zA-Z]|\{[^}]*\}|<[^>]*>|_|&[a-z]+;|\\n", " ", text)
            text = " ".join(text.split())
            if len(text) < 40 or len(text.split()) < 5 or text in seen:
                continue
            seen.add(text)
            texts.append(text)
    random.Random(1).shuffle(texts)
    for i, text in enumerate(texts[:most]):
        rows.append((f"{label}-{i}", label, "catalog", text))
with open(out, "w", encoding="utf-8") as f:
    f.write("id\tlang\tkind\ttext\n")
    for row in rows:
        f.write("\t".join(row) + "\n")
sizes = collections.Counter(row[1] for row in rows)
print("texts per language:", " ".join(f"{k}={v}" for k, v in sorted(sizes.items())))
PY
tail -n +2 "$work/set.tsv" | cut -f4 > "$work/texts.txt"
(cd "$here" && "$bin" langid -c "$here/configs/default.yaml" < "$work/texts.txt" > "$work/pred.txt")
python3 "$bench/score.py" "$work/set.tsv" "$work/pred.txt" --json "$work/score.json" 2>/dev/null |
  grep -v -E '^note|^SHORT|^LONG'
if [ ${#floors[@]} -gt 0 ]; then
  for floor in "${floors[@]}"; do
    case $floor in lang:*) lang=${floor#lang:}; lang=${lang%%=*} ;; *) continue ;; esac
    n=$(awk -F'\t' -v l="$lang" 'NR > 1 && $2 == l' "$work/set.tsv" | wc -l)
    [ "$n" -ge 100 ] || { echo "SKIP: $n catalog texts of $lang on this machine (scripts/setup.sh installs them)"; exit 77; }
  done
  python3 "$here/scripts/langid_floors.py" "$work/score.json" "${floors[@]}"
fi
