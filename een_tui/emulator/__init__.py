"""A faithful EEN v1 emulator (WSGI on gevent.pywsgi) with a demo account, faults and latency."""

from een_tui.emulator.config import EmulatorConfig
from een_tui.emulator.server import EmulatorServer

__all__ = ["EmulatorConfig", "EmulatorServer"]
