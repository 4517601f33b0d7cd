"""The program's own temporary files in an image folder: created safely, owned, cleaned up.

A body is streamed to ``<timestamp>.jpg.<16 hex>.part``: a fresh name per attempt, created with
``O_CREAT | O_EXCL | O_NOFOLLOW`` (a planted symlink or file at that name is never written
through) and mode 0600. The writer holds an ``flock`` on it until it is renamed or removed, so
the kernel itself tells a live run's file from one left by a killed process (no pid files, not
fooled by pid reuse). :func:`remove_stale_parts` removes only files of that pattern (and the
``<timestamp>.jpg.part`` of older versions) that no live process holds.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import secrets
import stat
from pathlib import Path

log = logging.getLogger(__name__)

JPEG_SOI = b"\xff\xd8"
JPEG_EOI = b"\xff\xd9"
_PART_NAME = re.compile(r"[0-9]{14}\.[0-9]{3}\.jpg(\.[0-9a-f]{16})?\.part")
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_cleaned: set[Path] = set()


def unique_part_path(final_path: Path) -> Path:
    """A fresh temporary name next to ``final_path``: ``<name>.<16 hex>.part``."""
    return final_path.with_name(f"{final_path.name}.{secrets.token_hex(8)}.part")


def is_part_name(name: str) -> bool:
    """True for the names of this program's temporary image files."""
    return _PART_NAME.fullmatch(name) is not None


def create_locked(final_path: Path, *, attempts: int = 5) -> tuple[int, Path]:
    """Create and lock a new temporary file for ``final_path``; returns ``(fd, path)``.

    OSError when the folder refuses (or a name collides ``attempts`` times in a row)."""
    for _ in range(attempts):
        path = unique_part_path(final_path)
        try:
            fd = os.open(path, _CREATE_FLAGS, 0o600)
        except FileExistsError:
            continue  # something planted there: never touch it, take another name
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            # A cleaner may have taken the lock between create and flock and removed the
            # file: then start again under a new name.
            if os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                return fd, path
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise
        os.close(fd)
    raise FileExistsError(f"cannot create a temporary file next to {final_path}")


def final_mode() -> int:
    """The mode a plain ``open(..., "w")`` would give (0666 minus the umask)."""
    return 0o666 & ~_read_umask()


def _read_umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)  # no /proc: read it the classic way (briefly changed)
    os.umask(old)
    return old


def stale_parts_removed(folder: Path) -> bool:
    """True once :func:`remove_stale_parts_once` has cleaned ``folder`` in this process."""
    return Path(folder) in _cleaned


def remove_stale_parts_once(folder: Path) -> None:
    """:func:`remove_stale_parts` the first time this process writes into ``folder``."""
    key = Path(folder)
    # No lock: this runs in gevent's threadpool, where a (monkey-patched) threading.Lock can
    # deadlock. Two threads racing here both clean the folder once, which is harmless.
    if key in _cleaned:
        return
    _cleaned.add(key)
    remove_stale_parts(key)


def remove_stale_parts(folder: Path) -> int:
    """Remove the temporary files in ``folder`` that no live process holds; returns how many.
    Only names of this program's pattern, only regular files; never raises."""
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    removed = 0
    for name in names:
        if is_part_name(name) and _remove_if_unowned(Path(folder) / name):
            removed += 1
    if removed:
        log.info("removed %d unfinished file(s) left by an earlier run in %s", removed, folder)
    return removed


def _remove_if_unowned(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False  # gone, a symlink (ELOOP), unreadable: not ours to touch
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live run is writing it
        if os.stat(path, follow_symlinks=False).st_ino != info.st_ino:
            return False
        os.unlink(path)  # while holding the lock: its owner, if any, sees it and moves on
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def is_saved_image(path: Path) -> bool:
    """True for a regular file (not a link, folder or device) that starts and ends as a JPEG."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        size = os.fstat(fd).st_size
        if size < 4:
            return False
        head = os.pread(fd, 2, 0)
        tail = os.pread(fd, 2, size - 2)
    except OSError:
        return False
    finally:
        os.close(fd)
    return head == JPEG_SOI and tail == JPEG_EOI
