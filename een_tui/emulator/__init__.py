"""A faithful EEN emulator (v1, and v3 with its OAuth2 auth host; WSGI on gevent.pywsgi) with a
demo account, faults and latency. See docs/emulator.md."""

from een_tui.emulator.browser import ApprovalFailed, v3_approve
from een_tui.emulator.config import EmulatorConfig
from een_tui.emulator.server import EmulatorServer

__all__ = ["ApprovalFailed", "EmulatorConfig", "EmulatorServer", "v3_approve"]
