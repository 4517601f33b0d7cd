"""What can go wrong while making a timelapse or a sheet, as exceptions with a sentence for a
person. The commands map them to exit codes."""

from __future__ import annotations

from een_tui import exitcodes


class MediaError(Exception):
    """Base class; ``str(exc)`` is one line for a person, ``exit_code`` the command's code."""

    exit_code = exitcodes.USAGE


class NoFrames(MediaError):
    """Nothing to assemble: no folder, an empty folder, or no readable JPEG in it."""


class UnsupportedOutput(MediaError):
    """The output's extension names no format we write."""


class MissingVideoSupport(MediaError):
    """MP4 needs PyAV (the ``video`` extra), which is not installed."""


class OutputError(MediaError):
    """The output cannot be written (missing folder, a file in the way, disk full)."""

    exit_code = exitcodes.ERROR


class TooLarge(MediaError):
    """The result would exceed what the format can hold."""


class BadOption(MediaError):
    """An option out of range (fps, columns, width)."""
