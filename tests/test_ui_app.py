"""The app controller without a terminal: coalesced redraws, logging of greenlet errors, login
error wording."""

from __future__ import annotations

import itertools
import logging
import os
import sys
import time

import gevent
import urwid

from een_tui.api import errors
from een_tui.download.events import WorkerState, WorkerUpdate
from een_tui.ui.app import MAX_FPS, App, AppOptions, LogStream, login_error_text
from een_tui.ui.download_screen import DownloadScreen
from een_tui.ui.log_capture import stderr_to_log


class NoConnection:
    client = None
    username = ""
    server = ""

    def open(self) -> bool:
        return False

    def close(self) -> None:
        pass


def make_app() -> tuple[App, int, int]:
    master, slave = os.openpty()
    screen = urwid.display.raw.Screen(
        input=os.fdopen(slave, "rb", buffering=0, closefd=False),
        output=os.fdopen(slave, "w", closefd=False),
    )
    return App(NoConnection(), AppOptions(), screen=screen), master, slave


def test_engine_events_are_applied_in_coalesced_batches():
    app, master, slave = make_app()
    try:
        flushes = []
        original = app.downloads._flush_events

        def counting_flush():
            flushes.append(time.monotonic())
            original()

        app.downloads._flush_events = counting_flush
        app.downloads.screen = DownloadScreen(20, 5, colors=256, no_color=False)
        engine = object()
        app.downloads.engine = engine
        sent = 300
        started = time.monotonic()

        def worker():
            for n in range(sent):
                app.downloads._engine_event(
                    engine,
                    WorkerUpdate(worker=n % 5 + 1, state=WorkerState.FETCHING, attempt=n),
                )
                gevent.sleep(0.001)
            gevent.sleep(0.2)  # let the last batch run
            app.event_loop.request_exit()

        gevent.spawn(worker)
        app.event_loop.run()
        elapsed = time.monotonic() - started
        assert app.downloads.screen.worker_rows[(sent - 1) % 5].update.attempt == sent - 1
        assert 1 <= len(flushes) <= elapsed * MAX_FPS + 2  # never more than ~20 per second
        gaps = [b - a for a, b in itertools.pairwise(flushes)]
        assert all(gap >= 1.0 / MAX_FPS * 0.9 for gap in gaps)
    finally:
        app.event_loop.close()
        os.close(master)
        os.close(slave)


def test_events_of_a_replaced_engine_are_ignored():
    app, master, slave = make_app()
    try:
        app.downloads.screen = DownloadScreen(20, 5, colors=256, no_color=False)
        app.downloads.engine = object()
        old = object()
        app.downloads._engine_event(
            old, WorkerUpdate(worker=1, state=WorkerState.FAILED, attempt=9)
        )
        app.downloads._flush_events()
        assert app.downloads.screen.worker_rows[0].update.state is WorkerState.IDLE
    finally:
        app.event_loop.close()
        os.close(master)
        os.close(slave)


def test_log_stream_sends_greenlet_tracebacks_to_the_log(caplog):
    stream = LogStream(logging.getLogger("een_tui.greenlet"))
    with caplog.at_level(logging.ERROR, logger="een_tui.greenlet"):
        stream.write("Traceback (most recent call last):\n  File x\nValueError: boom\n")
        stream.write("partial")
        stream.flush()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "Traceback (most recent call last):",
        "  File x",
        "ValueError: boom",
        "partial",
    ]


def test_login_errors_in_words():
    assert login_error_text(errors.InvalidCredentials("401")) == "Wrong user name or password."
    assert login_error_text(errors.NetworkError("connection refused")) == (
        "Network problem: connection refused"
    )
    assert login_error_text(errors.NetworkError("cannot reach host:9")) == "Cannot reach host:9"
    assert login_error_text(errors.AccountProblem("account suspended")) == "Account suspended"
    assert "log file" in login_error_text(RuntimeError("x"))


def test_footer_follows_the_screen_and_its_state():
    app, master, slave = make_app()
    try:
        app._sync_footer()  # nothing to offer while connecting but quitting
        assert app.footer.hints == [("Ctrl+C", "quit")]
        app._show(app.cameras, "cameras", "Cameras")
        app._sync_footer()
        assert app.footer.hints[0] == ("Enter", "download")
        app.cameras.start_filter()
        app._sync_footer()
        assert app.footer.hints[0] == ("Enter", "done")
        app.show_help()
        app._sync_footer()
        assert app.footer.hints[-1] == ("Esc", "close")
    finally:
        app.event_loop.close()
        os.close(master)
        os.close(slave)


def test_stderr_goes_to_the_log_while_the_ui_runs(caplog):
    hub = gevent.get_hub()
    before = (sys.stderr, hub.exception_stream)
    with caplog.at_level(logging.ERROR, logger="een_tui.greenlet"), stderr_to_log():
        print("warning from a library", file=sys.stderr)
        gevent.spawn(lambda: 1 / 0).join()  # gevent prints the traceback to the hub's stream
        sys.stderr.write("no newline yet")
    assert (sys.stderr, hub.exception_stream) == before
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "warning from a library"
    assert any("ZeroDivisionError" in m for m in messages)
    assert messages[-1] == "no newline yet"  # flushed on the way out
