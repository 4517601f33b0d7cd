"""While the UI owns the terminal nothing may write over it: :func:`stderr_to_log` sends
``sys.stderr`` and gevent's greenlet tracebacks into the log file instead."""

from __future__ import annotations

import contextlib
import io
import logging
import sys
from collections.abc import Iterator

import gevent


class LogStream(io.TextIOBase):
    """A text stream into the log (for greenlet tracebacks that gevent prints)."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line.strip():
                self._logger.error("%s", line)
        return len(text)

    def flush(self) -> None:
        if self._buffer.strip():
            self._logger.error("%s", self._buffer)
        self._buffer = ""


@contextlib.contextmanager
def stderr_to_log(logger_name: str = "een_tui.greenlet") -> Iterator[LogStream]:
    """Inside: ``sys.stderr`` and the hub's exception stream write lines to ``logger_name`` at
    ERROR level. Both are put back on the way out (a partial last line is logged first)."""
    hub = gevent.get_hub()
    saved_stream, saved_stderr = hub.exception_stream, sys.stderr
    stream = LogStream(logging.getLogger(logger_name))
    hub.exception_stream = stream
    sys.stderr = stream
    try:
        yield stream
    finally:
        stream.flush()
        hub.exception_stream, sys.stderr = saved_stream, saved_stderr
