"""Logging into the log file under the XDG state dir, never onto the screen; secrets redacted."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path
from typing import TextIO

from een_tui import config
from een_tui.api.secrets import known_secrets, redact, register_secret

__all__ = ["RedactSecrets", "register_secret", "setup_logging"]

_HANDLER_NAME = "een-tui-file"


class RedactSecrets(logging.Filter):
    """Replaces every registered secret in a record's final message by ``***``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if known_secrets():
            message = record.getMessage()
            redacted = redact(message)
            if redacted != message:
                record.msg, record.args = redacted, ()
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file created with mode 0600, after each rollover too."""

    def _open(self) -> TextIO:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
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
        os.chmod(path, 0o600)  # a file made by an older version
    except OSError:
        handler, path = logging.NullHandler(), None
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [pid %(process)d] %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return path
