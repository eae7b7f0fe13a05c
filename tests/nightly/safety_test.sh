#!/usr/bin/env bash
# Nothing lost, nothing silent (issue 20), whole runs:
#  1. rerunning a finished run is a no-op that keeps its output; an output dir
#     holding another run's output is refused (exit 2) unless --overwrite;
#     scripts/nightly.sh never reuses a finished night's folder;
#  2. a damaged dedup index stops the run with exit 2 naming the file, before
#     any output, never with a signal; `textmill state check` finds it;
#  3. a damaged manifest stops the run with exit 2 before any work;
#  4. `rm STATE/lock` under a live run does not let a second run in (exit 4);
#  6. folders of WARC and Dolma (.json.gz) files are read; no input at all is
#     exit 2 with the counts by extension;
#  7. output and state dirs inside the input are never read back;
#  8. every path given (-i A B, bare paths) is read;
#  9. relative paths in a config resolve against the config file's directory;
# 12. JSONL lines with lone surrogates are repaired, non-UTF-8 file names traceable;
# 13. progress lines name the pass and the documents read and written.
#   safety_test.sh TEXTMILL_BIN   (run from the repository root)
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
config=configs/default.yaml
fail() { echo "FAIL: $*" >&2; exit 1; }
# run NAME EXPECTED_EXIT ARGS...: runs textmill, keeps stderr in $work/NAME.err
run() {
  local name=$1 expected=$2 code=0
  shift 2
  "$bin" "$@" --progress none > "$work/$name.out" 2> "$work/$name.err" || code=$?
  [ "$code" = "$expected" ] || { cat "$work/$name.err" >&2; fail "$name: exit $code, expected $expected"; }
}
docs() { zstd -dcq "$1"/part-*.jsonl.zst | wc -l; }
written() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["documents_written"])' "$1/report.json"; }

# --- 1. reruns -----------------------------------------------------------
run first 0 run -c $config -i examples -o "$work/o" --state "$work/s"
[ "$(docs "$work/o")" = 5 ] || fail "first run: $(docs "$work/o") documents, expected 5"
cp -r "$work/o" "$work/o.copy"
run rerun 0 run -c $config -i examples -o "$work/o" --state "$work/s"
grep -q "nothing to do" "$work/rerun.err" || fail "the rerun did not say it had nothing to do"
diff -r "$work/o" "$work/o.copy" > /dev/null || fail "the rerun changed the finished output"
echo "rerun of a finished night: no-op, output kept"

# Killed right after the manifest commit: the rerun still finds it finished.
mkdir -p "$work/in1" && cp -r examples/* "$work/in1/"
code=0
TEXTMILL_FAULT=after_manifest_commit "$bin" run -c $config -i "$work/in1" -o "$work/k" --state "$work/sk" \
  --progress none --log-level error || code=$?
[ "$code" = 137 ] || fail "fault after_manifest_commit: exit $code"
cp -r "$work/k" "$work/k.copy"
run killed_rerun 0 run -c $config -i "$work/in1" -o "$work/k" --state "$work/sk"
diff -r "$work/k" "$work/k.copy" > /dev/null || fail "the rerun after a kill changed the finished output"
[ "$(docs "$work/k")" = 5 ] || fail "after a kill and rerun: $(docs "$work/k") documents, expected 5"
echo "killed after the manifest commit, rerun: no-op, output kept"

# New inputs into a finished night's folder: refused, the output untouched.
cat > "$work/in1/new.html" <<'HTML'
<html lang="en"><head><title>Ferry timetable changes for the winter</title></head><body><article>
<h1>Ferry timetable changes for the winter</h1>
<p>The ferry company announced on Monday that the winter timetable will start two weeks earlier than planned this year.</p>
<p>Passengers who travel to the islands every day should check the new departure times, because the first boat of the morning now leaves at a quarter past six.</p>
<p>The company said that fewer people use the evening crossings in November, and that the crew of the larger vessel is needed for repairs in the shipyard.</p>
<p>Local councillors asked for a meeting with the operator, since many pupils and nurses depend on the late boat to get home after their shifts.</p>
<p>A spokesperson for the islanders' association welcomed the talks but warned that a smaller ship could not carry the delivery trucks that supply the shops.</p>
<p>The operator promised to publish the full timetable on its website by the end of the week and to keep the ticket prices unchanged until spring.</p>
</article></body></html>
HTML
run new_inputs 2 run -c $config -i "$work/in1" -o "$work/k" --state "$work/sk"
grep -q "holds the published output of run" "$work/new_inputs.err" || fail "no reason given for the refusal"
diff -r "$work/k" "$work/k.copy" > /dev/null || fail "a refused run changed the output"
echo "new inputs into a finished night's folder: exit 2, output kept"

# Without --state: the same command is a no-op, another job is refused.
run plain 0 run -c $config -i examples -o "$work/p"
cp -r "$work/p" "$work/p.copy"
run plain_rerun 0 run -c $config -i examples -o "$work/p"
diff -r "$work/p" "$work/p.copy" > /dev/null || fail "a rerun without --state changed the output"
run other_job 2 run -c $config -i examples/news -o "$work/p"
grep -q "holds another run's output" "$work/other_job.err" || fail "no reason given for refusing another job"
diff -r "$work/p" "$work/p.copy" > /dev/null || fail "a refused job changed the output"
run overwrite 0 run -c $config -i examples/news -o "$work/p" --overwrite
[ "$(docs "$work/p")" = 1 ] || fail "--overwrite: $(docs "$work/p") documents, expected 1"
# Stale shards of another rank never mix in.
run rank1 0 run -c $config -i examples -o "$work/r" --shard 1/2
run rank_mix 2 run -c $config -i examples -o "$work/r"
echo "without --state: rerun is a no-op; another job's output (or another shard count's) refused; --overwrite replaces"

# scripts/nightly.sh: a second run the same day gets its own folder.
mkdir -p "$work/nin" && cp -r examples/* "$work/nin/"
TEXTMILL="$bin" TEXTMILL_NIGHT=2026-01-02 scripts/nightly.sh "$work/nin" "$work/nights" "$work/ns" > /dev/null 2>&1 ||
  fail "nightly.sh: first run failed"
cp "$work/in1/new.html" "$work/nin/"
TEXTMILL="$bin" TEXTMILL_NIGHT=2026-01-02 scripts/nightly.sh "$work/nin" "$work/nights" "$work/ns" > /dev/null 2>&1 ||
  fail "nightly.sh: second run failed"
[ "$(docs "$work/nights/2026-01-02")" = 5 ] || fail "nightly.sh: the first folder changed"
[ "$(docs "$work/nights/2026-01-02.2")" = 1 ] || fail "nightly.sh: the second run did not get its own folder"
code=0
TEXTMILL="$bin" TEXTMILL_NIGHT=2026-01-03 scripts/nightly.sh "$work/nin" "$work/nights" "$work/ns" \
  "$work/no-such-config.yaml" > /dev/null 2>&1 || code=$?
[ "$code" = 2 ] || fail "nightly.sh with a missing config: exit $code"
[ ! -e "$work/nights/2026-01-03" ] || fail "nightly.sh: a failed start left a dated folder"
echo "nightly.sh: same day twice -> 2026-01-02 and 2026-01-02.2; a failed start leaves no folder"

# --- 2. damaged dedup index -----------------------------------------------
data=dedup/part-000.lmdb/data.mdb  # one partition of the index (dedup_state.h)
size=$(stat -c %s "$work/s/$data")
damage() {  # damage KIND SEED: a copy of the state dir in $work/d with its index damaged
  rm -rf "$work/d" "$work/dout"
  cp -r "$work/s" "$work/d"
  python3 - "$work/d/$data" "$1" "$2" <<'PY'
import os, random, sys
path, kind, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
size = os.path.getsize(path)
rng = random.Random(seed)
with open(path, "r+b") as f:
    if kind == "empty":
        f.truncate(0)
    elif kind == "half":
        f.truncate(size // 2)
    elif kind == "tail":
        f.seek(size - 4096); f.write(rng.randbytes(4096))
    else:  # 3-20 random 16-byte writes
        for _ in range(rng.randint(3, 20)):
            f.seek(rng.randrange(size - 16)); f.write(rng.randbytes(16))
PY
}
checked=0
for case in empty:0 half:0 tail:1 tail:2 $(for i in $(seq 1 12); do echo writes:$i; done); do
  damage "${case%%:*}" "${case##*:}"
  code=0
  "$bin" run -c $config -i examples -o "$work/dout" --state "$work/d" --progress none 2> "$work/idx.err" || code=$?
  if [ "$code" = 2 ]; then
    grep -q "$work/d/$data is damaged" "$work/idx.err" || fail "index $case: the message does not name the file"
    [ ! -e "$work/dout" ] || fail "index $case: output written before the index was checked"
    code=0
    "$bin" state check "$work/d" > "$work/check.out" || code=$?
    [ "$code" = 2 ] || fail "index $case: state check gave exit $code, expected 2"
    checked=$((checked + 1))
  elif [ "$code" = 0 ]; then
    # Bytes landed where nothing reads them (free pages, padding): the run is sound.
    "$bin" state check "$work/d" > /dev/null || fail "index $case: the run passed but state check did not"
  else
    cat "$work/idx.err" >&2
    fail "index $case: exit $code (a signal is > 128)"
  fi
done
[ "$checked" -ge 4 ] || fail "only $checked damaged indexes were caught"
"$bin" state check "$work/s" > /dev/null || fail "state check of a sound state dir failed"
echo "damaged dedup index: exit 2 naming the file before any output ($checked of 16 damaged), never a signal"

# --- 3. damaged manifest --------------------------------------------------
for kind in tail empty; do
  rm -rf "$work/m" "$work/mout" && cp -r "$work/s" "$work/m"
  if [ $kind = tail ]; then
    python3 -c 'import os,sys; f=open(sys.argv[1],"r+b"); f.seek(os.path.getsize(sys.argv[1])-4096); f.write(os.urandom(4096))' \
      "$work/m/manifest.sqlite"
  else
    : > "$work/m/manifest.sqlite"
  fi
  run manifest_$kind 2 run -c $config -i examples -o "$work/mout" --state "$work/m"
  grep -q "manifest.sqlite" "$work/manifest_$kind.err" || fail "manifest $kind: the message does not name the file"
  [ ! -e "$work/mout" ] || fail "manifest $kind: output written before the manifest was checked"
done
echo "damaged manifest (random tail, empty): exit 2 before any output"

# --- 4. the lock survives rm STATE/lock ---------------------------------------
mkdir -p "$work/lin" && cp -r examples/* "$work/lin/"
TEXTMILL_FAULT=pause_after_lock "$bin" run -c $config -i "$work/lin" -o "$work/l1" --state "$work/ls" \
  --progress none --log-level error &
first=$!
# Bounded by state, not by a sleep: wait until the kernel lists the first
# run's flock on STATE/lock (/proc/locks, by inode; probing with flock could
# take the lock from under it), then stop the run there, so a slow machine
# cannot let its pause end before the second run has tried.
held=""
for _ in $(seq 600); do
  if [ -e "$work/ls/lock" ]; then
    inode=$(stat -c %i "$work/ls/lock")
    if grep -q -E "FLOCK .*:$inode " /proc/locks; then held=1; break; fi
  fi
  kill -0 $first 2>/dev/null || break
  sleep 0.1
done
[ -n "$held" ] || fail "the first run never held the lock"
kill -STOP $first
rm "$work/ls/lock"
run locked 4 run -c $config -i "$work/lin" -o "$work/l1" --state "$work/ls"
kill -CONT $first
wait $first || fail "the first run failed"
[ "$(docs "$work/l1")" = 5 ] || fail "the locked run's output: $(docs "$work/l1") documents"
echo "rm STATE/lock under a live run: the second run exits 4"

# --- 6. WARC and Dolma folders; no input at all --------------------------------
mkdir -p "$work/warc" "$work/dolma" "$work/pdf"
python3 - "$work/warc/crawl.warc.gz" "$work/dolma/part-0000.json.gz" examples/news/city-council-budget.html \
  "$work/in1/new.html" <<'PY'
import gzip, json, re, sys
page = open(sys.argv[3], "rb").read()
payload = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789abc>\r\n"
        "WARC-Date: 2026-01-01T00:00:00Z\r\nWARC-Target-URI: https://example.org/budget\r\n"
        "Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % len(payload)).encode()
with gzip.open(sys.argv[1], "wb") as f:
    f.write(head + payload + b"\r\n\r\n")
text = "\n\n".join(re.findall(r"<p>(.*?)</p>", open(sys.argv[4]).read()))
with gzip.open(sys.argv[2], "wt") as f:
    f.write(json.dumps({"id": "dolma-1", "text": text, "source": "web", "added": "2026-01-01"}) + "\n")
PY
: > "$work/pdf/a.pdf" && : > "$work/pdf/b.pdf"
run warc 0 run -c $config -i "$work/warc" -o "$work/wout"
[ "$(written "$work/wout")" = 1 ] || fail "a folder of .warc.gz: $(written "$work/wout") documents, expected 1"
run dolma 0 run -c $config -i "$work/dolma" -o "$work/dout2"
[ "$(written "$work/dout2")" = 1 ] || fail "a folder of .json.gz: $(written "$work/dout2") documents, expected 1"
grep -q "reader.jsonl.url_field 'url' occurred in none of the 1 JSONL records" "$work/dolma.err" ||
  fail "a configured JSONL field that never occurs: no warning"
run nothing 2 run -c $config -i "$work/pdf" -o "$work/nout"
grep -q "pdf 2" "$work/nothing.err" || fail "no input: the message lacks the counts by extension"
[ ! -e "$work/nout" ] || fail "no input: an output dir was created"
run missing 2 run -c $config -i "$work/no-such-dir" -o "$work/nout"
echo "folders of .warc.gz and .json.gz read; no input at all: exit 2 with counts by extension"

# --- 7. output and state dirs inside the input ------------------------------------
mkdir -p "$work/nest" && cp -r examples/* "$work/nest/"
run nest1 0 run -c $config -i "$work/nest" -o "$work/nest/out" --state "$work/nest/state"
run nest2 0 run -c $config -i "$work/nest" -o "$work/nest/out2"
read_docs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["documents_read"])' \
  "$work/nest/out2/report.json")
[ "$read_docs" = 6 ] || fail "output inside the input read back: $read_docs documents read, the input has 6"
grep -q '"skipped_dirs"' "$work/nest/out2/report.json" || fail "report.json does not list the skipped dirs"
echo "output and state dirs inside the input folder: never read"

# --- 8. every path given is read ---------------------------------------------
run two_inputs 0 run -c $config -i examples/news examples/de -o "$work/two"
[ "$(written "$work/two")" = 2 ] || fail "-i A B: $(written "$work/two") documents, expected 2"
run bare 0 run -c $config -o "$work/bare" examples/news examples/de
[ "$(written "$work/bare")" = 2 ] || fail "bare paths: $(written "$work/bare") documents, expected 2"
echo "-i A B and bare paths: all read"

# --- 9. relative paths in a config follow the config file ----------------------
mkdir -p "$work/job/pages" "$work/decoy/pages"
cp -r examples/* "$work/job/pages/"
cp configs/boilerplate_phrases.txt configs/stopwords.yaml "$work/job/"
sed -e "s|^models_dir: .*|models_dir: $repo/models|" -e 's|^inputs: \[\]|inputs: [pages]|' \
    -e 's|phrases: configs/boilerplate_phrases.txt|phrases: boilerplate_phrases.txt|' \
    -e 's|stop_words: configs/stopwords.yaml|stop_words: stopwords.yaml|' configs/default.yaml > "$work/job/job.yaml"
echo "( unbalanced" > "$work/decoy/boilerplate_phrases.txt"  # the working directory's file must not be taken
code=0
(cd "$work/decoy" && "$bin" run -c ../job/job.yaml --progress none 2> "$work/relative.err") || code=$?
[ "$code" = 0 ] || { cat "$work/relative.err" >&2; fail "config with relative paths run from elsewhere: exit $code"; }
[ "$(written "$work/job/out")" = 5 ] || fail "relative inputs/output.dir: not resolved against the config file"
echo "relative paths in a config: resolved against the config file's directory"
# --- 12. JSONL with lone surrogates or NUL; a file name that is not UTF-8 ----------
mkdir -p "$work/j"
python3 - "$work/j" "$work/in1/new.html" <<'PY'
import json, os, re, sys
text = "\n\n".join(re.findall(r"<p>(.*?)</p>", open(sys.argv[2]).read()))
line = json.dumps({"id": "s1", "text": text}).replace("ferry company", "ferry\\ud800 company")
with open(os.path.join(sys.argv[1], "records.jsonl"), "w") as f:
    f.write(line + "\n")
with open(os.path.join(sys.argv[1].encode(), b"caf\xe9.txt"), "w") as f:
    f.write(open("examples/dumps/harbor-festival.txt").read())
PY
run jsonl_repair 0 run -c $config -i "$work/j" -o "$work/jout"
python3 - "$work/jout" <<'PY' || fail "lone surrogate or non-UTF-8 file name: see above"
import json, subprocess, sys
docs = [json.loads(l) for l in subprocess.run("zstd -dcq %s/part-*.jsonl.zst" % sys.argv[1], shell=True,
        capture_output=True, text=True, check=True).stdout.splitlines()]
report = json.load(open(sys.argv[1] + "/report.json"))
sources = sorted(d["source"] for d in docs)
assert sources == ["caf%E9.txt", "records.jsonl:1"], sources
assert any("ferry\ufffd company" in d["text"] for d in docs), "no U+FFFD in the repaired record"
assert report["inputs"]["jsonl_utf8_repairs"] == 1, report["inputs"]["jsonl_utf8_repairs"]
PY
echo "JSONL lone surrogate repaired (U+FFFD, counted); a non-UTF-8 file name stays traceable (caf%E9.txt)"
# --- 13. progress: a short run logs a line naming the pass, documents read and written --------
"$bin" run -c $config -i examples -o "$work/prog" --progress log --progress-interval 60 2> "$work/prog.err" ||
  fail "progress run failed"
grep -q "progress: done: files 6/6  docs read 6, written 5" "$work/prog.err" ||
  { grep progress "$work/prog.err" >&2; fail "a short run logged no final progress line"; }
echo "progress: a short run logs its final line (pass, documents read and written)"
echo "safety test: all checks passed"
