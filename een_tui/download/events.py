"""Events the download engine emits. The engine knows no screen: the TUI and the headless
printer both render these. All events are immutable; ``worker`` is 1-based (0 in an
``ImageSaved`` = the probe image of a random camera's health check; a named camera's is
worker 1's first image)."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from een_tui.api.model import Camera
from een_tui.download.cancellation import Stop

log = logging.getLogger(__name__)
E = TypeVar("E")


class WorkerState(enum.Enum):
    IDLE = "idle"
    FETCHING = "fetching"
    RETRYING = "retrying"
    SAVED = "saved"
    FAILED = "failed"
    STOPPED = "stopped"


@dataclass(frozen=True)
class CameraRejected:
    """Random mode: a candidate camera failed the health check and is skipped."""

    camera: Camera
    reason: str


@dataclass(frozen=True)
class RunPlanned:
    """The camera is chosen and the timestamps to fetch are known."""

    camera: Camera
    requested: int
    workers: int
    timestamps: tuple[str, ...]  # planned, newest first, spares included
    out_dir: str
    # Added by the engine: files of planned timestamps already on disk; they count as saved
    # and are not fetched again. ``source`` says how the plan was made: "list" or "walk".
    already_saved: tuple[str, ...] = ()
    source: str = "list"


@dataclass(frozen=True)
class WorkerUpdate:
    """A worker's row changed: state, timestamp, bytes so far, speed, attempt, last error."""

    worker: int
    state: WorkerState
    timestamp: str | None = None
    bytes_received: int = 0
    bytes_total: int | None = None
    speed_bps: float = 0.0
    attempt: int = 0
    error: str | None = None
    retry_in_s: float | None = None
    rate_limited: bool = False  # RETRYING because of a 429: ``retry_in_s`` is the server's wait


@dataclass(frozen=True)
class ImageSaved:
    """One image saved. ``worker`` 0 = a random camera's health-check probe (saved, not
    fetched again)."""

    worker: int
    timestamp: str
    path: str
    size: int
    saved: int  # images saved so far in this run
    requested: int


@dataclass(frozen=True)
class ImageFailed:
    """One timestamp given up (``final``) or one attempt failed and will be retried."""

    worker: int
    timestamp: str
    reason: str
    final: bool


class FailureKind(enum.Enum):
    """Why a run FAILED (added by the engine): lets commands pick the exit code."""

    NO_USABLE_CAMERA = "no_usable_camera"  # exit 4
    AUTH = "auth"  # exit 3
    STORAGE = "storage"  # disk full, unwritable folder: exit 1
    OTHER = "other"  # exit 1


class RunOutcome(enum.Enum):
    DONE = "done"  # all requested images saved
    INCOMPLETE = "incomplete"  # attempt budget or spares exhausted
    CANCELLED = "cancelled"
    FAILED = "failed"  # a fatal error (auth, disk full, ...)


@dataclass(frozen=True)
class RunFinished:
    outcome: RunOutcome
    camera: Camera | None
    requested: int
    files: tuple[str, ...]
    failures: dict[str, int] = field(default_factory=dict)  # reason -> count
    elapsed_s: float = 0.0
    error: str | None = None  # the fatal error in words, for FAILED
    error_kind: FailureKind | None = None  # added: the kind of fatal error, for FAILED
    out_dir: str | None = None  # added: the camera's output folder (None before one is chosen)
    existing: tuple[str, ...] = ()  # added: those of ``files`` on disk before the run (not fetched)

    @property
    def saved(self) -> int:
        return len(self.files)

    @property
    def new_files(self) -> tuple[str, ...]:
        """The files this run fetched (``files`` without those already on disk)."""
        old = set(self.existing)
        return tuple(f for f in self.files if f not in old)

    @property
    def rate(self) -> float:
        """Images fetched per second (files already on disk do not count)."""
        return len(self.new_files) / self.elapsed_s if self.elapsed_s > 0 else 0.0


Event = CameraRejected | RunPlanned | WorkerUpdate | ImageSaved | ImageFailed | RunFinished


def deliver(on_event: Callable[[E], None] | None, event: E) -> None:
    """Give ``event`` to ``on_event`` (if any): a :class:`Stop` passes through, any other
    exception is logged (a broken renderer must not break a download)."""
    if on_event is None:
        return
    try:
        on_event(event)
    except Stop:
        raise
    except Exception:
        log.exception("event handler failed on %s", type(event).__name__)
