"""Allow ``python -m een_tui``."""

from een_tui.cli import entry

entry()
