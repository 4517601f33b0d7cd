"""Safe, atomic storage of preview images.

Names that come from the server (ESN, timestamp) are validated before they become path parts.
Each body is streamed to a fresh, exclusively created ``<out>/<ESN>/<timestamp>.jpg.<hex>.part``
(see :mod:`een_tui.download.tempfiles`: never through a planted link, locked while written),
checked (JPEG start and end markers, ``Content-Length``, a size cap), fsynced and renamed into
place with ``os.replace`` (which replaces a link at the final name, never follows it).
Memory use does not grow with the image size: only the first and last bytes are kept.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from een_tui.api.errors import ProtocolError
from een_tui.api.timestamps import EEN_TIMESTAMP_RE, is_een_timestamp
from een_tui.download.tempfiles import (
    create_locked,
    final_mode,
    is_saved_image,
    remove_stale_parts,
    remove_stale_parts_once,
    stale_parts_removed,
    unique_part_path,
)

__all__ = ["remove_stale_parts"]  # re-exported: the engine may clean a folder explicitly

JPEG_SOI = b"\xff\xd8"  # start of image
JPEG_EOI = b"\xff\xd9"  # end of image
IMAGE_SUFFIX = ".jpg"
PART_SUFFIX = ".part"
DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024

_ESN_FULL = re.compile(r"[0-9a-fA-F]{8}")


class UnsafeName(ValueError):
    """An ESN or timestamp that must not become part of a path (traversal, junk). Permanent."""


class ImageTooLarge(Exception):
    """The image is above the size cap. Permanent for that timestamp."""


class BadImage(ProtocolError):
    """Truncated body, wrong length or not a JPEG. Worth retrying."""


class StorageError(Exception):
    """The disk refused: full, unwritable, a file where a folder should be. Fatal for a run."""


def safe_esn(esn: object) -> str:
    """The ESN as a folder name (lower case); UnsafeName unless exactly 8 hex characters."""
    if not isinstance(esn, str) or not _ESN_FULL.fullmatch(esn):
        raise UnsafeName(f"refusing camera id {esn!r}: not an ESN (8 hex characters)")
    return esn.lower()


def safe_timestamp(timestamp: object) -> str:
    """The timestamp as a file stem; UnsafeName unless a real ``YYYYMMDDhhmmss.mmm``."""
    if not is_een_timestamp(timestamp):  # a str, ASCII digits in the form, a real date
        raise UnsafeName(f"refusing timestamp {timestamp!r}: not an EEN timestamp")
    return timestamp


def camera_dir(out_dir: Path, esn: str) -> Path:
    """``<out>/<ESN>`` for a validated ESN."""
    return Path(out_dir) / safe_esn(esn)


def image_path(out_dir: Path, esn: str, timestamp: str) -> Path:
    """``<out>/<ESN>/<timestamp>.jpg``; both parts validated, the result always inside ``out``."""
    path = camera_dir(out_dir, esn) / f"{safe_timestamp(timestamp)}{IMAGE_SUFFIX}"
    # Belt and braces: the validated names contain no separator, so this cannot fail.
    if path.parent.parent != Path(out_dir) or path.name.startswith("."):
        raise UnsafeName(f"refusing path {path}")
    return path


def part_path(final_path: Path) -> Path:
    """A fresh temporary name a body may be streamed to (unique per call)."""
    return unique_part_path(Path(final_path))


def saved_timestamps(out_dir: Path, esn: str) -> set[str]:
    """Timestamps that already have a complete image for this camera: regular files only
    (not links or folders) that start and end as a JPEG."""
    folder = camera_dir(out_dir, esn)
    try:
        names = os.listdir(folder)
    except OSError:
        return set()
    found = set()
    for name in names:
        if name.endswith(IMAGE_SUFFIX):
            stem = name[: -len(IMAGE_SUFFIX)]
            if EEN_TIMESTAMP_RE.fullmatch(stem) and is_saved_image(folder / name):
                found.add(stem)
    return found


def describe_os_error(exc: OSError, path: Path) -> str:
    """One sentence for a person about why the disk refused."""
    if exc.errno == errno.ENOSPC:
        return f"disk full while writing {path}"
    if exc.errno == errno.EDQUOT:
        return f"disk quota exceeded while writing {path}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write to {path}: permission denied"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return f"cannot create folder for {path}: a file is in the way"
    reason = exc.strerror or exc.__class__.__name__
    return f"cannot write {path}: {reason}"


def ensure_dir(folder: Path) -> None:
    """Create ``folder`` (and parents); StorageError with a clear sentence when impossible."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(describe_os_error(exc, folder)) from exc
    if not folder.is_dir():
        raise StorageError(f"cannot create folder {folder}: a file is in the way")


class JpegCheck:
    """Streaming check of a JPEG body: start and end markers, length, size cap, O(1) memory."""

    def __init__(self, *, max_bytes: int, expected_length: int | None = None) -> None:
        if expected_length is not None and expected_length > max_bytes:
            raise ImageTooLarge(f"image of {expected_length} bytes is above the {max_bytes} cap")
        self.max_bytes = max_bytes
        self.expected_length = expected_length
        self.size = 0
        self._head = b""
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        """Account for one chunk; ImageTooLarge once the cap is passed."""
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise ImageTooLarge(f"image is above the {self.max_bytes} byte cap")
        if len(self._head) < 2:
            self._head = (self._head + chunk[:2])[:2]
        self._tail = (self._tail + chunk)[-2:]

    def verify(self) -> None:
        """BadImage unless the body was complete and a JPEG."""
        if self.expected_length is not None and self.size != self.expected_length:
            raise BadImage(
                f"truncated image: got {self.size} of {self.expected_length} bytes",
            )
        if self._head != JPEG_SOI:
            raise BadImage("not a JPEG (no start-of-image marker)")
        if self._tail != JPEG_EOI:
            raise BadImage("truncated JPEG (no end-of-image marker)")


class PartFile:
    """One image being written: stream into ``.part``, then :meth:`commit` or :meth:`abort`.

    Used as a context manager, it removes the ``.part`` file on any exception (including a
    greenlet being killed while it waits for the network). The final name only ever appears
    through ``os.replace`` of a verified, fsynced file, so it is never half-written; the engine
    shields :meth:`open` and :meth:`commit` (which may wait on a thread) from cancellation.
    """

    def __init__(
        self,
        final_path: Path,
        *,
        max_bytes: int,
        expected_length: int | None = None,
        run_blocking: Callable[[Callable[..., object], tuple], object] | None = None,
    ) -> None:
        self.final_path = Path(final_path)
        # create and fsync can take milliseconds: the engine runs them in gevent's threadpool
        self._run_blocking = run_blocking
        self.part_path = part_path(self.final_path)  # the real name is chosen by open()
        self.check = JpegCheck(max_bytes=max_bytes, expected_length=expected_length)
        self._file = None
        self.committed = False

    def _blocking(self, function: Callable[..., object], *args: object) -> object:
        if self._run_blocking is None:
            return function(*args)
        return self._run_blocking(function, args)

    def open(self) -> None:
        """Create the folder and a new, locked ``.part`` file (idempotent). The first time in a
        folder, remove the parts a killed run left there."""
        if self._file is not None:
            return
        folder = self.final_path.parent
        ensure_dir(folder)
        try:
            if not stale_parts_removed(folder):  # a thread's round trip only the first time
                self._blocking(remove_stale_parts_once, folder)
            fd, self.part_path = self._blocking(create_locked, self.final_path)
        except OSError as exc:
            raise StorageError(describe_os_error(exc, self.part_path)) from exc
        try:
            self._file = open(fd, "wb")  # noqa: SIM115 (closed by commit/abort)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(self.part_path)
            os.close(fd)
            raise StorageError(describe_os_error(exc, self.part_path)) from exc

    def __enter__(self) -> PartFile:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.committed:
            self.abort()

    @property
    def size(self) -> int:
        """Bytes written so far."""
        return self.check.size

    def write(self, chunk: bytes) -> None:
        """Append one chunk (checked against the cap first)."""
        self.check.feed(chunk)
        try:
            self._file.write(chunk)
        except OSError as exc:
            raise StorageError(describe_os_error(exc, self.part_path)) from exc

    def commit(self) -> Path:
        """Verify, fsync, close and rename into place; returns the final path.
        (Call :func:`fsync_dir` on the folder once a batch is done to make renames durable.)"""
        self.check.verify()
        try:
            self._file.flush()
            os.fchmod(self._file.fileno(), final_mode())
            self._blocking(os.fsync, self._file.fileno())
            if os.path.isdir(self.final_path) and not os.path.islink(self.final_path):
                raise UnsafeName(f"refusing to save {self.final_path}: a folder is in the way")
            os.replace(self.part_path, self.final_path)  # replaces a link, never follows it
            self._file.close()  # after the rename: the lock is held until the name is final
        except OSError as exc:
            raise StorageError(describe_os_error(exc, self.final_path)) from exc
        self.committed = True
        return self.final_path

    def abort(self) -> None:
        """Remove and close the ``.part`` file (removed while still locked); never raises."""
        if self._file is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.part_path)
        with contextlib.suppress(OSError):
            self._file.close()


def fsync_dir(folder: Path) -> None:
    """Make the rename durable; best effort (not every filesystem allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
