"""The API the issue fixes: names, return shapes, order, laziness."""
import inspect
import pathlib

import pytest

import textmill
from conftest import REPO, per_document_config

NEWS = (REPO / "examples" / "news" / "city-council-budget.html").read_text(encoding="utf-8")
DUMP = (REPO / "examples" / "dumps" / "harbor-festival.txt").read_text(encoding="utf-8")


def test_names_and_docstrings():
    for name in ["extract", "extract_text", "identify_language", "identify_languages", "Pipeline", "ConfigError",
                 "Error", "set_log_level"]:
        assert getattr(textmill, name).__doc__, name
    assert issubclass(textmill.ConfigError, textmill.Error)
    assert (pathlib.Path(textmill.__file__).parent / "__init__.pyi").exists()
    assert textmill.__version__


def test_extract_html():
    page = textmill.extract(NEWS, url="https://example.org/news/budget")
    assert set(page) >= {"text", "title", "date", "url", "lang_hint", "metadata", "reject_reason"}
    assert page["reject_reason"] is None
    assert "budget" in page["text"].lower() and len(page["text"]) > 200
    assert page["title"] and page["url"] == "https://example.org/news/budget"


def test_extract_equals_the_extract_stage():
    """extract() is the extract stage of a run, nothing more."""
    [record] = textmill.Pipeline({"stages": [{"extract": {}}]}).process([{"html": NEWS}])
    assert textmill.extract(NEWS)["text"] == record["text"]


def test_extract_bytes_in_a_legacy_charset():
    raw = (REPO / "examples" / "legacy" / "cafe-centenaire-latin1.html").read_bytes()
    page = textmill.extract(raw)
    assert "é" in page["text"] and "\ufffd" not in page["text"]
    assert page["metadata"].get("charset")


def test_extract_options():
    plain = textmill.extract(NEWS)
    titled = textmill.extract(NEWS, options={"include_title": True})
    assert titled["text"].startswith(plain["title"]) and titled["text"] != plain["text"]


def test_extract_text_dump():
    page = textmill.extract_text(DUMP)
    assert page["reject_reason"] is None and 0 < len(page["text"]) < len(DUMP)


def test_identify_language():
    label, score = textmill.identify_language("Der Gemeinderat hat am Dienstag den Haushalt beschlossen.")
    assert label == "de" and 0.5 < score <= 1.0
    texts = ["Le conseil municipal a voté le budget mardi soir.", "The council approved the budget.", ""] * 50
    assert textmill.identify_languages(texts) == [textmill.identify_language(t) for t in texts]
    assert textmill.identify_languages(iter(texts[:3]), threads=1)[0][0] == "fr"


def test_pipeline_from_default_config_skips_dedup():
    pipe = textmill.Pipeline(REPO / "configs" / "default.yaml")  # os.PathLike
    assert pipe.stages == ["ingest", "url_filter", "extract", "normalize", "langid", "quality", "pii", "decontaminate"]
    assert pipe.skipped_stages == ["dedup"]
    assert pipe.config["output"]["schema"] == "textmill"


def test_process_keeps_order_and_rejects_option():
    pipe = textmill.Pipeline(per_document_config(), threads=2)
    docs = [{"id": f"d{i}", "html": NEWS} if i % 3 else {"id": f"d{i}", "text": "too short"} for i in range(60)]
    everything = list(pipe.process(docs, rejects=True))
    assert [d["id"] for d in everything] == [d["id"] for d in docs]
    assert all(("reject_reason" in d) == (i % 3 == 0) for i, d in enumerate(everything))
    kept = list(pipe.process(docs, rejects=False))
    assert [d["id"] for d in kept] == [d["id"] for d in docs if d["id"][1:] and int(d["id"][1:]) % 3]
    # rejects=None: the config's output.rejects (true here)
    assert len(list(pipe.process(docs))) == 60
    assert everything[1]["lang"] == "en" and everything[1]["source"] == "python:2"


def test_process_is_lazy_and_stops_early():
    pulled = []

    def gen():
        for i in range(100000):
            pulled.append(i)
            yield {"id": str(i), "html": NEWS}

    stream = textmill.Pipeline({"stages": [{"extract": {}}]}).process(gen())
    first = next(stream)
    assert first["id"] == "0" and len(pulled) < 200  # a few chunks ahead, not the whole input
    del stream  # no hang: the worker thread is cancelled and joined


def test_process_schemas():
    rec = {"id": "x", "html": NEWS, "url": "https://example.org/a", "date": "2024-05-01"}
    dolma = next(textmill.Pipeline({"output": {"schema": "dolma"}, "stages": ["extract"]}).process([rec]))
    assert set(dolma) == {"id", "text", "source", "created", "metadata"} and dolma["created"] == "2024-05-01"
    datatrove = next(textmill.Pipeline({"output": {"schema": "datatrove"}, "stages": ["extract"]}).process([rec]))
    assert list(datatrove) == ["text", "id", "metadata"] and datatrove["metadata"]["url"] == rec["url"]


def test_run_returns_report(tmp_path):
    pipe = textmill.Pipeline(per_document_config())
    report = pipe.run(str(REPO / "examples"), tmp_path / "out")
    assert report["exit_code"] == 0 and report["totals"]["documents_read"] == 6
    with pytest.raises(textmill.ConfigError):
        pipe.run(None, tmp_path / "out2")  # the dict has no inputs


def test_signatures_in_stub_match():
    stub = (pathlib.Path(textmill.__file__).parent / "__init__.pyi").read_text()
    for name in ["def extract(", "def extract_text(", "def identify_language(", "def identify_languages(",
                 "def process(", "def run(", "class Pipeline", "class ConfigError"]:
        assert name in stub
    assert "rejects" in inspect.getdoc(textmill.Pipeline.process)
