#!/usr/bin/env python3
"""Stream a JSONL file of pages through a Pipeline and write Dolma- or datatrove-shaped JSONL.

    python3 examples/python/jsonl_to_dolma.py IN.jsonl[.gz] OUT.jsonl [--schema dolma|datatrove]
                                              [--dataset NAME] [--rejects REJECTS.jsonl]

IN holds one record a line: id, html or text, url, date, anything else kept in
metadata (a Dolma or datatrove record works as it is). Memory stays flat: the
file is read line by line and process() holds only a few chunks at a time.
The output is what `textmill run` writes with output.schema set the same way.
"""
import argparse
import gzip
import json
import sys

import textmill

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("input")
parser.add_argument("output")
parser.add_argument("--schema", choices=["dolma", "datatrove"], default="dolma")
parser.add_argument("--dataset", default="textmill", help="dolma: the `source` of every document")
parser.add_argument("--rejects", help="also write the rejected records (with reject_reason) here")
args = parser.parse_args()

pipeline = textmill.Pipeline({
    "output": {"schema": args.schema, "dataset": args.dataset},
    "stages": ["extract", "normalize", "langid", "quality", "pii"],
})


def lines(path):
    """The file's lines as bytes: process() parses them on its worker threads, as `textmill run` parses the file
    (no json.loads here, the fastest input; bad lines become bad_json rejects, blank lines are skipped)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        yield from f


kept = rejected = 0
with open(args.output, "w", encoding="utf-8") as out, \
        (open(args.rejects, "w", encoding="utf-8") if args.rejects else open("/dev/null", "w")) as rej:
    for record in pipeline.process(lines(args.input), rejects=bool(args.rejects), source=args.input):
        if "reject_reason" in record:
            rejected += 1
            rej.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            kept += 1
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
print(f"{kept} documents written to {args.output}" + (f", {rejected} rejected" if args.rejects else ""),
      file=sys.stderr)
