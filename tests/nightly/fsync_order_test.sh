#!/usr/bin/env bash
# Power loss (issue 21, item 4): every file a later step relies on is on disk
# before that step commits. A nightly run with --state is traced with strace
# (fsync, fdatasync, rename, openat; -y names each descriptor's file) and the
# trace must show, for every file committed by rename into the output or state
# dir (shards, reject shards, report.json, metrics.prom, the job file):
#   - its temp file fsynced after it was last opened and before the rename;
#   - its directory fsynced after the rename, before the next commit step (the
#     next rename, or a sync of the dedup index or the manifest);
# and the order of the end of a run: every shard, then report.json and
# metrics.prom, then the dedup index's commit, then the manifest's.
# Skipped (exit 77) where strace is missing or cannot trace (no ptrace).
#   fsync_order_test.sh TEXTMILL_BIN
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
command -v strace > /dev/null || { echo "SKIP: strace is not installed (scripts/setup.sh installs it)"; exit 77; }
strace -f -qq -e trace=none true 2> /dev/null || { echo "SKIP: strace cannot trace here (ptrace not permitted)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
cp "$repo"/examples/news/*.html "$repo"/examples/de/*.html "$work/in/"
bash "$repo/tests/scaleout/make_inputs.sh" "$work/more" > /dev/null
cp "$work/more/part00.jsonl" "$work/in/"
args=(-c "$repo/configs/dedup_eval.yaml" -i "$work/in" --set output.compression=zstd --set output.shard_max_documents=10
      --progress none --log-level error)
# Night 0 untraced (the state dir exists), night 1 traced with one new file.
"$bin" run "${args[@]}" -o "$work/night0" --state "$work/state"
cp "$work/more/part01.jsonl" "$work/in/"
# LeakSanitizer cannot run under ptrace: off for the traced run of a sanitizer build.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  strace -f -qq -y -s 4096 -e trace=openat,open,creat,fsync,fdatasync,sync_file_range,rename,renameat,renameat2 \
  -o "$work/trace" "$bin" run "${args[@]}" -o "$work/night1" --state "$work/state"
python3 - "$work/trace" "$work/night1" "$work/state" <<'PY'
import os, re, sys
trace, out, state = sys.argv[1:]
events = []  # (kind, path[, path2]) in the order the calls started
for line in open(trace, encoding="utf-8", errors="replace"):
    m = re.match(r"\d+\s+(\w+)\((.*)", line)
    if not m or m.group(1) == "exited":
        continue
    call, rest = m.groups()
    if call in ("fsync", "fdatasync", "sync_file_range"):
        p = re.match(r"\d+<([^>]*)>", rest)
        if p:
            events.append(("sync", p.group(1)))
    elif call in ("rename", "renameat", "renameat2"):
        paths = re.findall(r'"((?:[^"\\]|\\.)*)"', rest)
        if len(paths) >= 2 and rest.rstrip().endswith("= 0"):
            events.append(("rename", paths[0], paths[1]))
    elif call in ("openat", "open", "creat"):
        p = re.findall(r'"((?:[^"\\]|\\.)*)"', rest)
        if p and ("O_CREAT" in rest or "O_WRONLY" in rest or "O_RDWR" in rest):
            events.append(("open", os.path.normpath(p[0])))
def under(path, root):
    return os.path.normpath(path).startswith(os.path.normpath(root) + os.sep)
def is_index(path):  # a file of the dedup index (a directory's sync is no commit)
    return under(path, state) and "manifest" not in os.path.basename(path) and not os.path.isdir(path)
def is_manifest(path):
    return under(path, state) and os.path.basename(path).startswith("manifest") and not os.path.isdir(path)
# A commit step: a rename, or a sync of the index or the manifest.
def is_commit(e):
    return e[0] == "rename" or (e[0] == "sync" and (is_index(e[1]) or is_manifest(e[1])))
errors, committed = [], []
for i, e in enumerate(events):
    if e[0] != "rename" or not (under(e[2], out) or under(e[2], state)):
        continue
    src, dst = os.path.normpath(e[1]), os.path.normpath(e[2])
    committed.append((i, dst))
    opened = max((j for j in range(i) if events[j][0] == "open" and events[j][1] == src), default=-1)
    if not any(events[j][0] == "sync" and os.path.normpath(events[j][1]) == src for j in range(opened + 1, i)):
        errors.append(f"{dst}: renamed without an fsync of {src} before")
    nxt = next((j for j in range(i + 1, len(events)) if is_commit(events[j])), len(events))
    d = os.path.dirname(dst)
    if not any(events[j][0] == "sync" and os.path.normpath(events[j][1]) == d for j in range(i + 1, nxt)):
        step = events[nxt] if nxt < len(events) else ("end of the run",)
        errors.append(f"{dst}: directory {d} not fsynced after the rename, before {step}")
def last(pred, what):
    idx = [i for i, e in enumerate(events) if pred(e)]
    if not idx:
        errors.append("no " + what + " in the trace")
        return -1
    return idx[-1]
def renamed(pred):
    return [i for i, dst in committed if pred(dst)]
shards = renamed(lambda p: os.path.basename(p).startswith("part-"))
report = renamed(lambda p: p == os.path.join(out, "report.json"))
metrics = renamed(lambda p: p == os.path.join(out, "metrics.prom"))
index = last(lambda e: e[0] == "sync" and is_index(e[1]) and os.path.basename(e[1]) == "data.mdb",
             "sync of the dedup index (data.mdb)")
manifest = last(lambda e: e[0] == "sync" and is_manifest(e[1]), "sync of the manifest (manifest.sqlite*)")
if len(shards) < 3:
    errors.append(f"{len(shards)} shards committed by rename, expected at least 3 (rotation and rejects)")
if not report or not metrics:
    errors.append("report.json or metrics.prom not committed by rename")
else:
    if max(shards, default=-1) > min(report):
        errors.append("a shard was committed after report.json")
    if max(report + metrics) > index:
        errors.append("the dedup index committed before report.json and metrics.prom")
    # The manifest's commit is its first sync after the report (a later one
    # may be SQLite's checkpoint when the database closes): after the index's.
    first_manifest = next((i for i, e in enumerate(events)
                           if i > max(report + metrics) and e[0] == "sync" and is_manifest(e[1])), -1)
    if first_manifest < index:
        errors.append(f"the manifest committed (event {first_manifest}) before the dedup index (event {index})")
if os.environ.get("VERBOSE"):
    for i, e in enumerate(events):
        if e[0] != "open":
            print(i, *e)
for e in errors:
    print("FAIL:", e)
print(f"{len(committed)} files committed by rename ({len(shards)} shards), each fsynced before and its directory "
      f"after; order: shards, report.json/metrics.prom, index (event {index}), manifest (event {manifest})")
sys.exit(1 if errors else 0)
PY
echo "fsync order test: all checks passed"
