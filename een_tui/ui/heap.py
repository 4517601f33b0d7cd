"""Give a finished download run's memory back to the system.

A run leaves reference cycles (greenlets, exceptions and their frames) that only a full
collection frees, and Python runs one rarely: the UI's resident size climbed run after run and
fell back only when one came (54 -> 61 MB over 27 runs, then 56). So each run ends with a full
collection, made cheap by freezing the objects of the start-up (modules, widgets, the camera
list: 2-5 ms instead of 70-100 ms, with 95 or 10,000 cameras). Then glibc, which keeps the freed
pages in its arenas, returns them (``malloc_trim(0)``; a no-op elsewhere, e.g. musl, macOS).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import time
from collections.abc import Callable
from functools import cache

log = logging.getLogger(__name__)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own symbols: libc's, no lookup
    except (OSError, AttributeError):  # not glibc
        return None


@cache
def freeze_startup_objects() -> None:
    """Move every object alive now (modules, widgets, the camera list) out of the collector's
    sight, so that the full collection after each run scans only what runs made. Once only:
    frozen objects are never collected, so a later call (a reloaded camera list) would keep
    for good whatever a run left alive then (its screen, its engine) and dropped after."""
    gc.freeze()


def release_free_heap() -> bool:
    """Free a finished run's reference cycles and return the heap's free pages to the system;
    True when the C library can."""
    started = time.perf_counter()
    gc.collect()
    log.debug("a run's garbage collected in %.1f ms", (time.perf_counter() - started) * 1000)
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
