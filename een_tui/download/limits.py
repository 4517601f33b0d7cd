"""The bounds and defaults of a download (``--count``, ``--workers``, ``--out``): their one
definition, for the command lines, the UI and the engine. It imports nothing of the download
code, so building a parser does not load it."""

from __future__ import annotations

from pathlib import Path

MAX_WORKERS = 64
MAX_COUNT = 10_000
DEFAULT_COUNT = 20
DEFAULT_WORKERS = 5
DEFAULT_OUT_DIR = Path("out")
