"""Signals become calls on the hub; Python's handlers come back afterwards."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def test_raising_signals_raise_in_busy_code_once_then_the_handlers_are_back():
    """Work that never yields to the hub (encoding) still ends at once on SIGTERM, its clean-up
    is not cut short by a second signal, and the previous handlers are back afterwards."""
    from een_tui.signals import EndedBySignal, raising_signals

    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    cleaned = False
    with pytest.raises(EndedBySignal) as ended, raising_signals():
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:  # busy: no gevent.sleep, no I/O
                pass
        finally:
            os.kill(os.getpid(), signal.SIGTERM)  # the service manager again, and Ctrl+C
            os.kill(os.getpid(), signal.SIGINT)
            sum(range(100_000))  # time for a handler to run, were one still installed
            cleaned = True
    assert ended.value.signum == signal.SIGTERM and str(ended.value) == "ended by SIGTERM"
    assert cleaned
    assert {signum: signal.getsignal(signum) for signum in before} == before


def test_waits_are_written_for_people():
    from een_tui.units import human_duration

    assert [human_duration(s) for s in (0.2, 45, 89.5, 90, 3480, 3600, 5400, 7200, 9000)] == [
        "1 s", "45 s", "90 s", "2 min", "58 min", "60 min", "1.5 h", "2 h", "2.5 h"]



HUNG_UP_CHILD = """
import os, signal, sys, time
from een_tui.signals import detach_terminal
go, report = sys.argv[1], sys.argv[2]
signal.signal(signal.SIGHUP, lambda *_: None)  # the hang-up's signal: the caller's business
os.close(os.open(os.ttyname(1), os.O_RDWR))  # a session leader: now its controlling terminal
os.write(1, b"ready\\n")
deadline = time.monotonic() + 60
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.01)
detach_terminal()
try:
    os.write(1, b"after the hang-up\\n")
    os.write(2, b"after the hang-up\\n")
    wrote = "wrote"
except OSError as exc:
    wrote = f"write failed: {exc}"
null = os.stat(os.devnull)
detached = all(os.path.samestat(os.fstat(fd), null) for fd in (1, 2))
with open(report, "w") as handle:
    handle.write(f"{wrote} detached={detached}")
"""

# The terminal's side, in a plain interpreter (no gevent): it starts the child on a new pty,
# waits until it is ready, hangs the terminal up (closes the master) and lets the child go on.
TERMINAL = """
import os, subprocess, sys
child_code, go, report = sys.argv[1:4]
master, slave = os.openpty()
child = subprocess.Popen([sys.executable, "-c", child_code, go, report],
                         stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                         start_new_session=True)
os.close(slave)
seen = b""
while b"ready" not in seen:
    chunk = os.read(master, 1024)
    if not chunk:
        break
    seen += chunk
os.close(master)
open(go, "w").close()
sys.exit(child.wait(timeout=60))
"""


def test_a_terminal_that_hung_up_is_detached(tmp_path):
    """After a real hang-up the terminal no longer says it is one (``isatty`` is False, every
    write is EIO): it is still pointed at /dev/null, and writes after it succeed."""
    go, report = tmp_path / "go", tmp_path / "report"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, "-c", TERMINAL, HUNG_UP_CHILD, str(go), str(report)],
                          env=env, timeout=120, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert report.read_text() == "wrote detached=True"
