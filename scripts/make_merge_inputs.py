#!/usr/bin/env python3
"""Synthetic work files for a phased run's merge task alone, for scripts/bench_merge.sh.

   scripts/make_merge_inputs.py DEDUP_DIR DOCS [TASKS]

Overwrites DEDUP_DIR's meta-rR, ids-rR, published-rR and edges-bB (TASKS slices and
ranges, default 4) with DOCS documents, every one in a cluster: files of 50,000 documents
round robin over the slices, each document paired with the one before it (clusters of 4
in a file) and every 8th with the same place in the file before (clusters across files
and slices); every 97th a copy of a published document. Deterministic; no other file of
the work dir changes, so the dir must come from a phased run of the same TASKS.
"""
import array
import os
import struct
import sys

PER_FILE = 50_000


def main():
    out, docs = sys.argv[1], int(sys.argv[2])
    tasks = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    def opened(stem, kind):
        return [open(os.path.join(out, f"{stem}-{kind}{r}.bin"), "wb") for r in range(tasks)]
    meta, ids, published, edges = opened("meta", "r"), opened("ids", "r"), opened("published", "r"), opened("edges", "b")
    def order(g):
        return (g // PER_FILE) << 32 | g % PER_FILE
    for start in range(0, docs, PER_FILE):
        r = (start // PER_FILE) % tasks
        m, e = array.array("Q"), [array.array("Q") for _ in range(tasks)]
        id_bytes, pub_bytes = bytearray(), bytearray()
        for g in range(start, min(start + PER_FILE, docs)):
            h = (g * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
            m.extend((order(g), (h >> 20) % 8, (h >> 40) % 3, 7, 1))
            name = b"doc-%d" % g
            id_bytes += struct.pack("<I", len(name)) + name
            if g % 4:
                e[g % tasks].extend((order(g - 1), order(g)))
            if g % 8 == 0 and g >= PER_FILE:
                e[(g // 8) % tasks].extend((order(g - PER_FILE), order(g)))
            if g % 97 == 0:
                name = b"pub-%d" % g
                pub_bytes += struct.pack("<QBI", order(g), g % 2, len(name)) + name
        m.tofile(meta[r])
        ids[r].write(id_bytes)
        published[r].write(pub_bytes)
        for b in range(tasks):
            e[b].tofile(edges[b])
    for f in meta + ids + published + edges:
        f.close()


if __name__ == "__main__":
    main()
