#!/usr/bin/env python3
"""Checks a language-ID score (score.py --json) against floors, for the ctest
quality floors of scripts/eval_langid.sh and scripts/eval_langid_catalogs.sh.
  langid_floors.py SCORE.json FLOOR...
FLOOR: all=A | long=A | short=A (micro accuracy of that part) | lang:LANG=A
(the accuracy, i.e. recall, of one language). Exits 1 when any is below."""
import json
import sys


def fraction(x):
    return x / 100 if x > 1 else x


def main():
    score = json.load(open(sys.argv[1]))
    failed = False
    for floor in sys.argv[2:]:
        if floor.startswith("lang:"):
            lang, value = floor[5:].split("=")
            per = score["all"]["per_lang"]
            if lang not in per:
                print(f"FAIL: no language {lang} in the set")
                failed = True
                continue
            name, acc = f"{lang} accuracy", fraction(per[lang]["acc"])
        else:
            part, value = floor.split("=")
            name, acc = f"{part} micro accuracy", fraction(score[part]["micro_acc"])
        ok = acc >= float(value)
        failed |= not ok
        print(f"{name} {acc:.4f} (floor {value}){'' if ok else '  BELOW THE FLOOR'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
