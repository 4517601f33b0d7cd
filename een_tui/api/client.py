"""The EEN v1 client: login, session, devices, images. No UI, no printing (logging only).

INTERFACE STUB: signatures are fixed; bodies are filled in by the API-client work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from een_tui.api.devices import Device


@dataclass(frozen=True)
class ImageHeaders:
    """What an image answer's headers say (``X-Ee-*`` with the ``preview-`` prefix removed)."""

    timestamp: str | None  # X-Ee-Timestamp, e.g. "20190409024212.149"; None when absent/unknown
    prev: str | None  # X-Ee-Prev, None for "unknown"
    next: str | None  # X-Ee-Next, None for "unknown"
    content_type: str | None
    content_length: int | None


@dataclass(frozen=True)
class DeviceList:
    devices: list[Device]
    skipped: int  # rows that could not be understood (logged)


class EenClient:
    """One logged-in EEN session over one keep-alive ``requests.Session``."""

    def login(self) -> dict:
        """authenticate -> (two-factor) -> authorize; returns the user object."""
        raise NotImplementedError

    def list_devices(self) -> DeviceList:
        raise NotImplementedError

    def list_image_timestamps(self, esn: str, *, count: int, start: str = "now") -> list[str]:
        """``/asset/list/image`` with ``count`` (negative = before start, newest first)."""
        raise NotImplementedError

    @contextmanager
    def open_image(self, esn: str, timestamp: str) -> Iterator[tuple[ImageHeaders, Iterator[bytes]]]:
        """Stream ``/asset/asset/image.jpeg`` at ``timestamp``: yields headers and a chunk
        iterator. Raises typed errors from :mod:`een_tui.api.errors`; re-logs in once on 401."""
        raise NotImplementedError
        yield  # pragma: no cover
