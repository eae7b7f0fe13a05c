# Type stubs of the textmill package (the native module _textmill).
import os
from typing import Any, Iterable, Iterator, Mapping, Sequence

__version__: str

class Error(Exception):
    """A setup error: output not writable, a model missing, a run that failed."""

class ConfigError(Error):
    """A bad config: the message names the YAML path and line."""
    yaml_path: str | None  # "stages[0].extract.foo", when the message names one
    line: int | None  # 1-based line in the file (for a dict: in its indented JSON)

class LockedError(Error):
    """Another run holds the state directory's lock."""

def extract(
    html: str | bytes, url: str | None = None, *, options: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Main content of one HTML page: text, title, date, url, lang_hint, metadata, reject_reason."""

def extract_text(
    text: str | bytes, url: str | None = None, *, options: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """extract() for a text dump of a page: line-level boilerplate cleaning."""

def identify_language(text: str | bytes) -> tuple[str, float]:
    """(ISO 639 label, score in 0..1), as `textmill langid`."""

def identify_languages(texts: Iterable[str | bytes], *, threads: int = 0) -> list[tuple[str, float]]:
    """identify_language over many texts on all cores (threads=0), in order."""

def set_log_level(level: str) -> None:
    """Native core's stderr log level: trace|debug|info|warn|error|off (default error)."""

class Pipeline:
    """The stages of a config (path or dict), built once."""
    def __init__(self, config: str | os.PathLike[str] | Mapping[str, Any], *, threads: int | None = None) -> None: ...
    def process(
        self, docs: Iterable[Mapping[str, Any] | str | bytes], *, rejects: bool | None = None, source: str = "python"
    ) -> Iterator[dict[str, Any]]:
        """Per-document stages over input records (dicts, or JSONL lines: str or bytes), output records in order
        (GIL released, all cores)."""
    def run(
        self,
        inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None,
        output_dir: str | os.PathLike[str] | None,
        state: str | os.PathLike[str] | None = None,
        *,
        threads: int | None = None,
        overwrite: bool = False,
        restart: bool = False,
    ) -> dict[str, Any]:
        """`textmill run` (dedup included); returns the report as a dict. Ctrl-C: KeyboardInterrupt, nothing published."""
    @property
    def stages(self) -> list[str]:
        """Stages process() runs, in order (ingest first)."""
    @property
    def skipped_stages(self) -> list[str]:
        """Global stages (dedup) process() skips; run() runs them."""
    @property
    def config(self) -> dict[str, Any]:
        """The effective config."""
