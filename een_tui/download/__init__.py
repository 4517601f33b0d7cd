"""The download engine: plan, worker pool, retries, atomic writes, events.

``DownloadEngine`` and ``DownloadOptions`` are loaded on first use, so that importing one module
of the package (the options' defaults, for a command line) does not load the engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from een_tui.download.engine import DownloadEngine
    from een_tui.download.options import DownloadOptions

__all__ = ["DownloadEngine", "DownloadOptions"]


def __getattr__(name: str) -> Any:
    if name == "DownloadEngine":
        from een_tui.download.engine import DownloadEngine

        return DownloadEngine
    if name == "DownloadOptions":
        from een_tui.download.options import DownloadOptions

        return DownloadOptions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
