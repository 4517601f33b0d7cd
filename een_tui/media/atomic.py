"""Atomic output: write to a temporary file beside the target, then ``os.replace`` it."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from een_tui.download.storage import describe_os_error
from een_tui.download.tempfiles import final_mode
from een_tui.media.errors import OutputError

PART = ".part"


def check_output_path(output: Path) -> None:
    """OutputError now (before any work) when ``output`` can obviously not be written."""
    parent = output.parent
    if output.is_dir():
        raise OutputError(f"cannot write {output}: it is a folder")
    if not parent.exists():
        raise OutputError(f"cannot write {output}: folder {parent} does not exist")
    if not parent.is_dir():
        raise OutputError(f"cannot write {output}: {parent} is not a folder")


@contextlib.contextmanager
def atomic_output(output: Path) -> Iterator[Path]:
    """Yield a temporary path in ``output``'s folder; on success it becomes ``output``.

    On any exception (Ctrl+C included) the temporary file is removed and ``output`` is left as
    it was: never a partial result. OSError from the disk becomes :class:`OutputError`."""
    output = Path(output)
    check_output_path(output)
    try:
        fd, name = tempfile.mkstemp(dir=output.parent, prefix=_prefix(output), suffix=PART)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, output)) from exc
    temp = Path(name)
    try:  # from here on, whatever ends the work (Ctrl+C too) removes the temporary file
        os.close(fd)
        yield temp
        _publish(temp, output)
    except OSError as exc:
        _remove(temp)
        raise OutputError(describe_os_error(exc, output)) from exc
    except BaseException:
        _remove(temp)
        raise


def remove_temporary(output: Path) -> None:
    """Remove the temporary files of ``output`` that :func:`atomic_output` left (for a writer
    that could not be stopped: a later rename of its removed file fails, publishing nothing)."""
    output = Path(output)
    with contextlib.suppress(OSError):
        for temp in output.parent.glob(glob.escape(_prefix(output)) + "*" + PART):
            _remove(temp)


def _prefix(output: Path) -> str:
    return f".{output.name}."


def _publish(temp: Path, output: Path) -> None:
    os.chmod(temp, final_mode())  # mkstemp makes 0600; a picture is not a secret
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, output)


def _remove(temp: Path) -> None:
    with contextlib.suppress(OSError):
        temp.unlink()
