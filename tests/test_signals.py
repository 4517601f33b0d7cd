"""Signals become calls on the hub; Python's handlers come back afterwards."""

import os
import signal
import time

import gevent
import pytest

from een_tui.signals import handle_signals


def test_sigint_cancels_then_python_handler_is_back():
    calls = []
    with handle_signals(lambda: calls.append("cancel"), signal.SIGINT):
        os.kill(os.getpid(), signal.SIGINT)
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            gevent.sleep(0.01)
    assert calls == ["cancel"]
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        gevent.sleep(1)
