"""Logging into the log file under the XDG state dir, never onto the screen; secrets redacted."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path
from typing import Any, TextIO

from een_tui import config
from een_tui.api.secrets import known_secrets, redact, register_secret
from een_tui.api.text import clean_lines, clean_text

__all__ = ["RedactSecrets", "register_secret", "setup_logging"]

_HANDLER_NAME = "een-tui-file"


class RedactSecrets(logging.Filter):
    """Replaces every registered secret in a record's final message (and traceback) by ``***``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if known_secrets():
            message = record.getMessage()
            redacted = redact(message)
            if redacted != message:
                record.msg, record.args = redacted, ()
        # Always: another handler (e.g. a test's) may have cached the raw traceback text.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = clean_lines(redact(record.exc_text))
        return True


class CleanFormatter(logging.Formatter):
    """The last line of defence: no control character from a message reaches the log file
    (a record is one line; a traceback keeps its lines, each cleaned)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return clean_text(super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        return clean_lines(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return clean_lines(super().formatStack(stack_info))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file created with mode 0600, after each rollover too, never opened
    through a symlink (a link planted at its name is an error: logging is then off)."""

    def _open(self) -> TextIO:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(self.baseFilename, flags, 0o600)
        try:
            os.fchmod(fd, 0o600)  # a file made by an older version
        except OSError:
            os.close(fd)
            raise
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def setup_logging(level: int = logging.INFO, path: Path | None = None) -> Path | None:
    """Send every log record to the log file (mode 0600) and nowhere else; idempotent.
    Returns the file, or None when it cannot be written (logs are then dropped: a command
    never fails, nor prints tracebacks, because of its log file)."""
    path = path or config.log_file()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            if Path(getattr(handler, "baseFilename", "")) == path.absolute():
                return path
            root.removeHandler(handler)
            handler.close()
    handler: logging.Handler
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = PrivateRotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=2, encoding="utf-8"
        )
    except OSError:
        handler, path = logging.NullHandler(), None
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(
        CleanFormatter("%(asctime)s %(levelname)s %(name)s [pid %(process)d] %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return path
