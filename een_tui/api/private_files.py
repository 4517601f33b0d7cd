"""Files that hold or lead to a secret (session and token caches): read only when this user
alone owns and may write them and their folder, never through a symlink, with a size bound;
written atomically with mode 0600 from the first byte."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

MAX_PRIVATE_FILE_BYTES = 64 * 1024


class Distrusted(Exception):
    """A file this user cannot trust (owner, mode, type, size); the message says why."""


def read_private(path: Path, limit: int = MAX_PRIVATE_FILE_BYTES) -> str:
    """The text of ``path``, when it is a regular file of at most ``limit`` bytes that only
    this user owns and may write, in a folder of which the same holds. Raises
    :class:`Distrusted`, or ``OSError``/``ValueError`` for a missing or unreadable file."""
    _check_private(os.stat(path.parent), "its folder")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Distrusted("not a regular file")
        _check_private(info, "it")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Distrusted(f"larger than {limit} bytes")
    return data.decode("utf-8")


def write_private(target: Path, text: str) -> None:
    """Replace ``target`` atomically (temp file, fsync, ``os.replace``) with ``text``, mode
    0600; its folder is created (or set) 0700."""
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        os.chmod(directory, 0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", dir=directory)  # mkstemp: 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        remove_file(Path(tmp))
        raise


def remove_file(path: Path) -> bool:
    """Remove ``path``; True when it was there (a failure is logged, not raised)."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        log.warning("cannot remove %s: %s", path.name, exc)
        return False
    return True


def _check_private(info: os.stat_result, what: str) -> None:
    if info.st_uid != os.geteuid():
        raise Distrusted(f"{what} is owned by another user (uid {info.st_uid})")
    if info.st_mode & 0o022:
        raise Distrusted(f"{what} may be written by other users "
                         f"(permissions {stat.S_IMODE(info.st_mode):04o})")
