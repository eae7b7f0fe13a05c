"""Bad input: exceptions or rejects, never a crash of the interpreter, never a hang."""
import _thread
import json
import threading
import time

import pytest

import textmill
from conftest import REPO

NEWS = (REPO / "examples" / "news" / "city-council-budget.html").read_text(encoding="utf-8")


def test_bytes_that_are_not_utf8():
    junk = b"<html><body><p>caf\xe9 \xff\xfe\x80 na\xefve " + b"\xc3\x28 " * 50 + b"</p></body></html>"
    page = textmill.extract(junk)
    assert isinstance(page["text"], str)
    page["text"].encode("utf-8")  # valid
    label, _ = textmill.identify_language(b"\xff\xfe\x00 Guten Morgen \x80")
    assert isinstance(label, str)
    assert textmill.extract(b"\x00\x01\x02\x03binary\x00" * 100)["reject_reason"] == "binary"


def test_lone_surrogates_in_str():
    page = textmill.extract("<html><body><p>broken \udcff surrogate " + "word " * 100 + "</p></body></html>")
    assert "\ufffd" in page["text"]
    [doc] = textmill.Pipeline({"stages": ["extract"]}).process([{"text": "a \ud800 b " * 100}])
    assert "\ufffd" in doc["text"]


def test_none_and_wrong_types():
    with pytest.raises(ValueError, match="html"):
        textmill.extract(None)
    with pytest.raises(ValueError):
        textmill.extract_text(42)
    with pytest.raises(ValueError):
        textmill.identify_language(None)
    with pytest.raises(ValueError):
        textmill.identify_languages(["ok", None])
    with pytest.raises(ValueError):
        textmill.extract(NEWS, url=3)
    with pytest.raises(ValueError, match="config"):
        textmill.Pipeline(None)
    pipe = textmill.Pipeline({"stages": ["extract"]})
    with pytest.raises(ValueError, match=r"documents\[1\]"):
        list(pipe.process([{"html": NEWS}, None]))
    with pytest.raises(ValueError, match="JSON"):
        list(pipe.process([{"html": NEWS, "when": object()}]))
    with pytest.raises(ValueError):
        textmill.Pipeline({"stages": ["extract"]}, threads=-1)
    with pytest.raises(ValueError):
        textmill.set_log_level("loud")


def test_none_fields_are_bad_records_as_in_the_cli():
    """A record whose html is null has no content: rejected (bad_json), as a JSONL line would be."""
    out = list(textmill.Pipeline({"stages": ["extract"]}).process([{"id": "a", "html": None}, {"id": "b", "text": 5}],
                                                                 rejects=True))
    assert [d["reject_reason"] for d in out] == ["bad_json", "bad_json"]
    assert [d["rejected_by"] for d in out] == ["reader", "reader"]


def test_200_mb_string():
    big = "<p>" + "x" * (200 << 20) + "</p>"
    start = time.monotonic()
    assert textmill.extract(big)["reject_reason"] == "too_large"
    [doc] = textmill.Pipeline({"stages": ["extract"]}).process([{"id": "big", "html": big}], rejects=True)
    assert doc["reject_reason"] == "too_large" and doc["id"] != "big"  # unread, as the CLI's too long line
    del big
    assert time.monotonic() - start < 60


def test_config_dict_with_unknown_key():
    with pytest.raises(textmill.ConfigError) as info:
        textmill.Pipeline({"stages": [{"extract": {"min_txt_chars": 10}}]})
    assert info.value.yaml_path == "stages[0].extract.min_txt_chars" and isinstance(info.value.line, int)
    with pytest.raises(textmill.ConfigError) as info:
        textmill.Pipeline({"outptu": {}})
    assert info.value.yaml_path == "outptu"


def test_config_file_errors_name_path_and_line(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("stages:\n  - extract:\n      keep_comments: true\n  - normalize:\n      form: NFX\n")
    with pytest.raises(textmill.ConfigError) as info:
        textmill.Pipeline(config)
    assert info.value.yaml_path == "stages[1].normalize.form" and info.value.line == 5
    config.write_text("stages: [extract\n")
    with pytest.raises(textmill.ConfigError) as info:
        textmill.Pipeline(str(config))
    assert info.value.line is not None
    with pytest.raises(textmill.ConfigError):
        textmill.Pipeline(tmp_path / "missing.yaml")


def test_unknown_stage_name():
    with pytest.raises(textmill.ConfigError, match="unknown stage 'normalise'") as info:
        textmill.Pipeline({"stages": ["extract", "normalise"]})
    assert info.value.yaml_path == "stages[1].normalise" and info.value.line is not None


def test_keyboard_interrupt_during_process():
    """Ctrl-C while the stages run: KeyboardInterrupt promptly, the worker thread gone."""
    def endless():
        i = 0
        while True:
            i += 1
            yield {"id": str(i), "html": NEWS * 20}

    pipe = textmill.Pipeline({"stages": ["extract", "normalize", "langid", "quality"]})
    timer = threading.Timer(1.0, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    seen = 0
    with pytest.raises(KeyboardInterrupt):
        for _ in pipe.process(endless()):
            seen += 1
    elapsed = time.monotonic() - start
    timer.join()
    assert seen > 0 and elapsed < 4, (seen, elapsed)
    # The pipeline is still usable afterwards.
    assert len(list(pipe.process([{"html": NEWS}], rejects=True))) == 1


RUN_AND_WAIT = """
import sys
import textmill
config, inputs, out, state = sys.argv[1:]
pipe = textmill.Pipeline(config)
print("running", flush=True)
pipe.run(inputs, out, state, threads=1)
print("finished", flush=True)
"""


def test_keyboard_interrupt_during_run(cli, tmp_path):
    """SIGINT to a process in a long run(): KeyboardInterrupt promptly, and nothing of the night published."""
    import os
    import signal
    import subprocess
    import sys

    from conftest import per_document_config, write_config

    # A minute or more of work at one thread, cheaply: one file of 40 distinct pages, hard-linked 400 times.
    pages = tmp_path / "pages.jsonl"
    with pages.open("w", encoding="utf-8") as out:
        for i in range(40):
            out.write(json.dumps({"id": str(i), "html": NEWS.replace("<p>", f"<p>{i} ") * 3}) + "\n")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(400):
        os.link(pages, inputs / f"part{i:03d}.jsonl")
    # Shards rotated every 10 documents, so some are finished (renamed) when the signal comes.
    config = per_document_config(shard_max_documents=10)
    config_path = write_config(tmp_path / "config.yaml", config)
    out_dir, state = tmp_path / "night", tmp_path / "state"

    child = subprocess.Popen([sys.executable, "-c", RUN_AND_WAIT, str(config_path), str(inputs), str(out_dir), str(state)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=os.environ)
    try:
        assert child.stdout.readline() == "running\n"
        deadline = time.monotonic() + 60
        while not list(out_dir.glob("part-*")):  # finished shards: the run is well under way
            assert child.poll() is None and time.monotonic() < deadline, child.stderr.read()
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        sent = time.monotonic()
        stdout, stderr = child.communicate(timeout=30)
        elapsed = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode != 0 and "KeyboardInterrupt" in stderr, stderr
    assert "finished" not in stdout
    assert elapsed < 5, elapsed
    # No report, no shard (the unfinished ones' temp files included); the manifest holds the night as running,
    # not done, so the next run resumes it as after a kill.
    left = sorted(p.name for p in out_dir.rglob("*"))
    assert not [n for n in left if n.startswith(("part-", ".part-")) or n.endswith((".json", ".prom"))
                and n != ".textmill-job.json"], left
    runs = subprocess.run([str(cli), "state", "runs", str(state)], capture_output=True, text=True, check=True).stdout
    assert [line.split("\t")[1] for line in runs.splitlines()[1:]] == ["running"], runs
