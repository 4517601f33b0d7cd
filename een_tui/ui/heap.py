"""Give the C heap's free pages back to the system once a download run is over.

A run allocates and frees many small buffers (HTTP answers, JPEG chunks, screen rows); glibc
keeps the freed pages in its arenas, so the UI's resident size crept up run after run although
Python held no more objects (tracemalloc: +0.1 MB over 13 runs, RSS: +2.7 MB). ``malloc_trim(0)``
returns them. Elsewhere than glibc (musl, macOS) this is a no-op.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable
from functools import cache

log = logging.getLogger(__name__)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own symbols: libc's, no lookup
    except (OSError, AttributeError):  # not glibc
        return None


def release_free_heap() -> bool:
    """Return the heap's free pages to the system; True when the C library can."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
