"""Plugin stages (a config's `plugins:`, pipeline/plugin_api.h) load and run from Python as in the CLI."""
import os
import pathlib

import textmill
from conftest import REPO, read_shards, run_cli, write_config
from test_cli_equivalence import EXAMPLES, compare, example_records


def word_tagger():
    """The example plugin the build makes beside the package (build/plugin_example/libword_tagger.so)."""
    default = pathlib.Path(textmill.__file__).resolve().parents[2] / "plugin_example" / "libword_tagger.so"
    path = pathlib.Path(os.environ.get("TEXTMILL_WORD_TAGGER") or default).resolve()
    assert path.is_file(), f"no example plugin at {path}: build the textmill tree (target word_tagger)"
    return path


def plugin_config():
    """plugin_example/config.yaml with the built plugin: extract, normalize, word_tagger."""
    return {
        "plugins": [str(word_tagger())],
        "output": {"compression": "none", "rejects": True, "rejects_text": True},
        "stages": ["extract", "normalize",
                   {"word_tagger": {"words": str(REPO / "plugin_example" / "words.list"), "key": "word_tags",
                                    "reject_at": 2}}],
    }


def test_process_with_a_plugin_stage_matches_cli(cli, tmp_path):
    assert textmill.Pipeline(plugin_config()).stages == ["ingest", "extract", "normalize", "word_tagger"]
    docs, rejects = compare(cli, tmp_path, example_records(), plugin_config())
    assert any(d["metadata"].get("word_tags") for d in docs), docs
    assert any(r["reject_reason"] == "word_list" and r["rejected_by"] == "word_tagger" for r in rejects), rejects


def test_run_with_a_plugin_stage_matches_cli(cli, tmp_path):
    config_path = write_config(tmp_path / "config.yaml", plugin_config())
    cli_docs, cli_rejects = run_cli(cli, config_path, [EXAMPLES], tmp_path / "cli")
    report = textmill.Pipeline(config_path).run([EXAMPLES], tmp_path / "py")
    assert read_shards(tmp_path / "py") == cli_docs
    assert read_shards(tmp_path / "py" / "rejects") == cli_rejects
    stage = next(s for s in report["stages"] if s["name"] == "word_tagger")
    assert stage["counters"]["documents_tagged"] >= 2 and stage["rejects"]["word_list"] >= 1, stage
