"""Pipeline.process and Pipeline.run give what `textmill run` writes for the same input."""
import json
import pathlib

import pytest

import textmill
from conftest import REPO, per_document_config, read_shards, run_cli, write_config

EXAMPLES = REPO / "examples"


def example_records():
    """The repo's examples as JSONL records (the legacy page decoded from its Latin-1)."""
    records = []
    for path in sorted(EXAMPLES.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".txt"):
            continue
        data = path.read_bytes()
        try:
            content = data.decode("utf-8")
        except UnicodeDecodeError:
            content = data.decode("cp1252")
        field = "html" if path.suffix == ".html" else "text"
        records.append({"id": str(path.relative_to(EXAMPLES)), field: content, "crawl": "examples"})
    return records


def bench_records(pages, count=50):
    urls = dict(line.split("\t") for line in (pages[0].parent.parent / "index.tsv").read_text().splitlines()[1:])
    return [{"id": p.stem, "html": p.read_text(encoding="utf-8", errors="replace"), "url": urls.get(p.stem)}
            for p in pages[:count]]


def compare(cli, tmp_path, records, config):
    """process() over `records` == `textmill run` over the same records in input.jsonl."""
    input_path = tmp_path / "input.jsonl"
    with input_path.open("w", encoding="utf-8", errors="surrogatepass") as out:  # lone surrogates as the binding passes them
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    config_path = write_config(tmp_path / "config.yaml", config)
    cli_docs, cli_rejects = run_cli(cli, config_path, [input_path], tmp_path / "out")
    output = list(textmill.Pipeline(config_path).process(records, rejects=True, source="input.jsonl"))
    py_docs = [d for d in output if "reject_reason" not in d]
    py_rejects = [d for d in output if "reject_reason" in d]
    assert len(py_docs) == len(cli_docs) and len(py_rejects) == len(cli_rejects)
    assert py_docs == cli_docs
    assert py_rejects == cli_rejects
    return py_docs, py_rejects


@pytest.mark.parametrize("schema", ["textmill", "dolma", "datatrove"])
def test_examples_match_cli(cli, tmp_path, schema):
    docs, rejects = compare(cli, tmp_path, example_records(), per_document_config(schema=schema))
    assert len(docs) + len(rejects) == 6 and len(docs) >= 4


def test_50_bench_pages_match_cli(cli, tmp_path, bench_pages):
    docs, rejects = compare(cli, tmp_path, bench_records(bench_pages), per_document_config())
    assert len(docs) + len(rejects) == 50 and len(docs) >= 30


def test_awkward_records_match_cli(cli, tmp_path):
    """Escapes, control characters, lone surrogates, both text and html, odd ids and fields: as the CLI reads them."""
    body = "The council met on Tuesday and voted on the budget for the bridge. " * 8
    page = f'<html><body><article><p>"Quoted" back\\slash \x00 nul \x01 ctrl \t tab {body}</p></article></body></html>'
    records = [
        {"id": "quotes", "html": page},
        {"id": 42, "text": body + "\n\n" + body, "html": page},
        {"id": "surrogate", "text": body + " \ud800 " + body},
        {"html": page, "url": 3},
        {"id": "meta", "text": body, "metadata": {"lang_hint": "en", "n": [1, 2.5, None]}, "source": "cc", "x": True},
        {"id": "nulls", "text": None, "html": page, "date": None},
        {"id": "empty", "text": ""},
        {"id": "unicode", "text": "Größe, 東京, Ελληνικά \u2028 " + body},
        # Each width of str the binding encodes to UTF-8 itself (1-, 2- and 4-byte units), long ASCII runs between.
        {"id": "latin1-str", "text": "Café au lait on the naïve façade of the council building. " * 12},
        {"id": "astral", "text": "Emoji \U0001F600 and a clef \U0001D11E in the budget notes. " * 6 + body},
        {"id": "surrogate-mid", "text": body + "\udc80" + "x" * 40 + "é" + body},
    ]
    compare(cli, tmp_path, records, per_document_config())


def test_jsonl_lines_match_cli(cli, tmp_path):
    """JSONL lines (bytes or str, as iterating a file gives them) are read as the CLI reads the file: blank lines
    skipped but counted in the source, a broken line a bad_json reject, CRLF endings, invalid UTF-8 repaired."""
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in example_records()]
    lines[1:1] = [b"", b"  \t", b'{"id": "broken", "html": "<p>unterminated']
    lines.append(json.dumps({"id": "crlf", "text": "Caf\u00e9 " * 40}).encode() + b"\r")
    lines.append(b'{"id": "latin1", "text": "caf\xe9 ' + b"the council voted on the budget " * 10 + b'"}')
    input_path = tmp_path / "input.jsonl"
    input_path.write_bytes(b"\n".join(lines) + b"\n")
    config_path = write_config(tmp_path / "config.yaml", per_document_config())
    cli_docs, cli_rejects = run_cli(cli, config_path, [input_path], tmp_path / "out")
    assert any(r["reject_reason"] == "bad_json" for r in cli_rejects)
    pipe = textmill.Pipeline(config_path)
    with input_path.open("rb") as f:
        from_bytes = list(pipe.process(f, rejects=True, source="input.jsonl"))
    assert [d for d in from_bytes if "reject_reason" not in d] == cli_docs
    assert [d for d in from_bytes if "reject_reason" in d] == cli_rejects
    # str lines (a file opened as text) and dicts mixed in one stream: the same records.
    text_lines = [line + "\n" for line in input_path.read_bytes().decode("utf-8", errors="replace").split("\n")[:-1]]
    mixed = [json.loads(line) if i % 2 and line.strip() and i != 3 else line for i, line in enumerate(text_lines)]
    assert list(pipe.process(mixed, rejects=True, source="input.jsonl")) == from_bytes


def test_dict_config_equals_file_config(tmp_path):
    config = per_document_config()
    records = example_records()
    from_dict = list(textmill.Pipeline(config).process(records, rejects=True))
    from_file = list(textmill.Pipeline(write_config(tmp_path / "c.yaml", config)).process(records, rejects=True))
    assert from_dict == from_file


def test_run_matches_cli_with_dedup(cli, tmp_path):
    """run() is `textmill run`: every stage, dedup included (the mirror page is a copy)."""
    config = per_document_config()
    config["stages"].append({"dedup": {}})
    config_path = write_config(tmp_path / "config.yaml", config)
    cli_docs, cli_rejects = run_cli(cli, config_path, [EXAMPLES], tmp_path / "cli")
    report = textmill.Pipeline(config_path).run([EXAMPLES], tmp_path / "py")
    assert read_shards(tmp_path / "py") == cli_docs
    assert read_shards(tmp_path / "py" / "rejects") == cli_rejects
    assert report["exit_code"] == 0
    assert report["totals"]["documents_written"] == len(cli_docs)
    assert "dedup" in report["totals"]["rejects_by_reason"] or any(
        r["rejected_by"] == "dedup" for r in cli_rejects)
    assert json.loads((tmp_path / "py" / "report.json").read_text())["totals"] == report["totals"]


def test_identify_languages_matches_cli_langid(cli):
    import subprocess
    texts = ["Guten Morgen, wie geht es dir heute?", "The council approved the budget on Tuesday.",
             "Le conseil municipal a voté le budget.", "Rada miasta przyjęła budżet.", "", "12345"]
    out = subprocess.run([str(cli), "langid"], input="\n".join(texts) + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    expected = [(label, float(score)) for label, score in (line.split("\t") for line in out)]
    got = [(label, round(score, 4)) for label, score in textmill.identify_languages(texts)]
    assert got == expected
    assert [textmill.identify_language(t) for t in texts] == textmill.identify_languages(texts)
