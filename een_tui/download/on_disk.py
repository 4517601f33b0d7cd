"""Which cameras already have images in the output folder: one listing of ``<out>`` and at most
:data:`MAX_FOLDERS` listings of ``<out>/<ESN>`` (stopping at the first image of each), so even a
10,000-camera account costs a bounded number of directory reads."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from een_tui.api.timestamps import is_een_timestamp, is_esn
from een_tui.download.storage import IMAGE_SUFFIX

MAX_FOLDERS = 2000


def has_images(folder: Path) -> bool:
    """Whether ``folder`` holds at least one ``<timestamp>.jpg``."""
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(IMAGE_SUFFIX) and is_een_timestamp(name[: -len(IMAGE_SUFFIX)]):
                    return True
    except OSError:
        return False
    return False


def cameras_with_images(out_dir: Path, esns: Iterable[str | None],
                        limit: int = MAX_FOLDERS) -> set[str]:
    """The ESNs (lower case) among ``esns`` whose folder in ``out_dir`` holds images."""
    wanted = {esn.lower() for esn in esns if is_esn(esn)}
    found: set[str] = set()
    try:
        with os.scandir(out_dir) as entries:
            folders = [e.name for e in entries if e.name in wanted and e.is_dir()]
    except OSError:
        return found
    for name in sorted(folders)[:limit]:
        if has_images(Path(out_dir) / name):
            found.add(name)
    return found
