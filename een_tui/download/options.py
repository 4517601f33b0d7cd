"""Options of one download run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from een_tui.download.limits import (
    DEFAULT_COUNT,
    DEFAULT_OUT_DIR,
    DEFAULT_WORKERS,
    MAX_COUNT,
    MAX_WORKERS,
)
from een_tui.download.retry import RetryPolicy
from een_tui.download.storage import DEFAULT_MAX_IMAGE_BYTES


@dataclass
class DownloadOptions:
    """What to download and how hard to try. ``attempt_budget`` None = ``3 × count + 10``."""

    count: int = DEFAULT_COUNT
    workers: int = DEFAULT_WORKERS
    out_dir: Path = field(default_factory=lambda: DEFAULT_OUT_DIR)
    attempt_budget: int | None = None
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES
    spares: int | None = None  # extra timestamps planned beyond ``count``; None = automatic
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    camera_tries: int = 5  # random mode: cameras tried before giving up
    health_attempts: int = 4  # attempts to fetch one probe image during the health check
    max_session_retries: int = 2  # "session expired" errors tolerated per run before giving up
    progress_interval_s: float = 0.1  # at most this often a worker reports bytes received
    seed: int | None = None  # random camera choice; None = system randomness

    def __post_init__(self) -> None:
        self.out_dir = Path(self.out_dir)
        if not 1 <= self.count <= MAX_COUNT:
            raise ValueError(f"count must be between 1 and {MAX_COUNT}")
        if not 1 <= self.workers <= MAX_WORKERS:
            raise ValueError(f"workers must be between 1 and {MAX_WORKERS}")
        if self.attempt_budget is not None and self.attempt_budget < 1:
            raise ValueError("the attempt budget must be at least 1")
        if self.max_image_bytes < 4:
            raise ValueError("max_image_bytes is too small for any JPEG")

    @property
    def budget(self) -> int:
        """Total image requests this run may make (retries included)."""
        if self.attempt_budget is not None:
            return self.attempt_budget
        return 3 * self.count + 10

    @property
    def spare_count(self) -> int:
        """Timestamps planned beyond ``count``, used when one has no image or is a duplicate."""
        if self.spares is not None:
            return max(0, self.spares)
        return max(5, self.count // 4)
