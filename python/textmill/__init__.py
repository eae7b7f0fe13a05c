"""textmill from Python: scraped web pages to clean text, with the native core.

    import textmill
    page = textmill.extract(html, url="https://example.com/a")   # one page
    textmill.identify_language("Guten Morgen, wie geht es?")      # ("de", 0.98)
    pipe = textmill.Pipeline("configs/default.yaml")              # or a dict
    for record in pipe.process({"id": i, "html": h} for i, h in pages):
        ...                                                       # output records
    report = pipe.run(["crawl/"], "out/")                         # = textmill run

Same results as the CLI: process() yields what `textmill run` writes for the
same records in a JSONL file. Errors: textmill.ConfigError (.yaml_path,
.line), ValueError for bad arguments, textmill.Error for the rest.
"""
import os as _os

# The stages find their data files (configs/boilerplate_phrases.txt, the
# models) through $TEXTMILL_DATA_DIR (pipeline/registry.h): point it at the
# copy shipped in this package unless the caller chose another.
_data = _os.path.join(_os.path.dirname(__file__), "data")
if _os.path.isdir(_data):
    _os.environ.setdefault("TEXTMILL_DATA_DIR", _data)

from ._textmill import (  # noqa: E402
    ConfigError,
    Error,
    LockedError,
    Pipeline,
    __version__,
    extract,
    extract_text,
    identify_language,
    identify_languages,
    set_log_level,
)

__all__ = [
    "ConfigError",
    "Error",
    "LockedError",
    "Pipeline",
    "__version__",
    "extract",
    "extract_text",
    "identify_language",
    "identify_languages",
    "set_log_level",
]
