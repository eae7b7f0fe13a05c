"""Fixtures of the textmill Python tests: where the repo, the CLI and the shared bench are.

Run from the repo root with the package on the path (ctest does this):
    PYTHONPATH=build/python /usr/bin/python3 -m pytest -q python/tests
"""
import json
import os
import pathlib
import subprocess

import pytest

import textmill

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("SHARED_DIR") or REPO.parent / "shared")
BENCH_PAGES = SHARED / "bench" / "extraction" / "pages"


@pytest.fixture(scope="session")
def cli():
    binary = pathlib.Path(os.environ.get("TEXTMILL_BINARY") or REPO / "build" / "textmill")
    if not binary.exists():
        pytest.skip(f"no CLI at {binary}")
    return binary


@pytest.fixture(scope="session")
def bench_pages():
    if not BENCH_PAGES.is_dir():
        pytest.skip(f"no shared bench pages at {BENCH_PAGES}")
    return sorted(BENCH_PAGES.glob("*.html"))


def per_document_config(**output):
    """The per-document stages of configs/default.yaml (its stage options are the defaults), no dedup."""
    return {
        "output": {"compression": "none", "rejects": True, "rejects_text": True, **output},
        "stages": [{"extract": {}}, {"normalize": {}}, {"langid": {}}, {"quality": {}}, {"pii": {}}],
    }


def write_config(path, config):
    """JSON is YAML: the CLI reads the same dict."""
    path.write_text(json.dumps(config, indent=1))
    return path


def run_cli(cli, config_path, inputs, out_dir, *extra):
    """`textmill run`; returns (documents, rejects) as lists of dicts, in order."""
    subprocess.run([str(cli), "run", "-c", str(config_path), "-i", *map(str, inputs), "-o", str(out_dir),
                    "--progress", "none", "--log-level", "warn", *extra], check=True)
    return read_shards(out_dir), read_shards(out_dir / "rejects")


def read_shards(directory):
    records = []
    for shard in sorted(pathlib.Path(directory).glob("part-*.jsonl")):
        records += [json.loads(line) for line in shard.read_text(encoding="utf-8").splitlines()]
    return records


@pytest.fixture(scope="session")
def textmill_module():
    return textmill
