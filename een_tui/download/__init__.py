"""The download engine: plan, worker pool, retries, atomic writes, events."""

from een_tui.download.engine import DownloadEngine
from een_tui.download.options import DownloadOptions

__all__ = ["DownloadEngine", "DownloadOptions"]
