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


def test_sigterm_calls_back_with_its_number_then_the_previous_handler_is_back():
    from een_tui import exitcodes
    from een_tui.signals import ending_signals

    before = signal.getsignal(signal.SIGTERM)
    calls = []
    with ending_signals(calls.append):
        os.kill(os.getpid(), signal.SIGTERM)
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            gevent.sleep(0.01)
    assert calls == [signal.SIGTERM]
    assert exitcodes.for_signal(calls[0]) == exitcodes.TERMINATED == 143
    assert exitcodes.for_signal(signal.SIGHUP) == exitcodes.HANGUP == 129
    assert signal.getsignal(signal.SIGTERM) == before


def test_waits_are_written_for_people():
    from een_tui.units import human_duration

    assert [human_duration(s) for s in (0.2, 45, 89.5, 90, 3480, 3600, 5400, 7200, 9000)] == [
        "1 s", "45 s", "90 s", "2 min", "58 min", "60 min", "1.5 h", "2 h", "2.5 h"]
