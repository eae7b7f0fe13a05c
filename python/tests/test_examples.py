"""The scripts in examples/python run and print what they say."""
import json
import subprocess
import sys

from conftest import REPO

EXAMPLES = REPO / "examples" / "python"


def run(*args):
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, check=True, cwd=REPO)


def test_clean_html():
    out = run(EXAMPLES / "clean_html.py").stdout
    assert "city-council-budget.html" in out and "kept" in out


def test_jsonl_to_dolma(tmp_path):
    source = tmp_path / "in.jsonl"
    with source.open("w") as f:
        for path in sorted((REPO / "examples").glob("*/*.html")):
            f.write(json.dumps({"id": path.name, "html": path.read_text(errors="replace"), "source": "cc"}) + "\n")
    run(EXAMPLES / "jsonl_to_dolma.py", source, tmp_path / "out.jsonl", "--rejects", tmp_path / "rej.jsonl")
    docs = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert docs and all(set(d) >= {"id", "text", "source", "metadata"} and d["source"] == "textmill" for d in docs)
    run(EXAMPLES / "jsonl_to_dolma.py", source, tmp_path / "dt.jsonl", "--schema", "datatrove")
    assert list(json.loads((tmp_path / "dt.jsonl").read_text().splitlines()[0])) == ["text", "id", "metadata"]


def test_generator_pipeline():
    lines = run(EXAMPLES / "generator_pipeline.py", "--limit", "2").stdout.splitlines()
    assert 1 <= len(lines) <= 2 and all(json.loads(line)["chars"] > 0 for line in lines)
