"""Where the UI's EEN session comes from: the embedded demo emulator, or a real account
(cached session, credentials from the environment or ``--password-file``, else the login
screen). The flow itself is :mod:`een_tui.connect`, shared with the headless commands.

``open()`` blocks on the network: the app calls it in a worker greenlet."""

from __future__ import annotations

from een_tui.connect import AccountConnection, Connection
from een_tui.connect_demo import DemoConnection

__all__ = ["AccountConnection", "Connection", "DemoConnection"]
