"""GeventEventLoop: alarms, watched files, idle, exceptions, exit from another greenlet."""

from __future__ import annotations

import fcntl
import os
import struct
import termios
import time

import gevent
import pytest
import urwid

from een_tui.ui.eventloop import GeventEventLoop


@pytest.fixture
def loop():
    evl = GeventEventLoop()
    yield evl
    evl.close()


def run_with_deadline(evl: GeventEventLoop, seconds: float = 5.0) -> None:
    """Run the loop; a watchdog greenlet fails the test if it does not stop in time."""
    timed_out = []

    def watchdog():
        gevent.sleep(seconds)
        timed_out.append(True)
        evl.request_exit()

    dog = gevent.spawn(watchdog)
    try:
        evl.run()
    finally:
        dog.kill()
    assert not timed_out, "event loop did not stop before the deadline"


def test_alarms_run_in_order_in_the_loop_greenlet(loop):
    calls = []
    runner = gevent.getcurrent()

    def record(name):
        calls.append((name, gevent.getcurrent() is runner))

    loop.alarm(0.03, lambda: record("late"))
    loop.alarm(0.0, lambda: record("early"))
    loop.alarm(0.05, loop.request_exit)
    run_with_deadline(loop)
    assert calls == [("early", True), ("late", True)]


def test_callbacks_may_block_because_they_run_outside_the_hub(loop):
    done = []

    def blocking():
        gevent.sleep(0.01)  # illegal in the hub: would raise BlockingSwitchOutError
        done.append(True)
        raise urwid.ExitMainLoop()

    loop.alarm(0, blocking)
    run_with_deadline(loop)
    assert done == [True]


def test_remove_alarm_before_it_fires(loop):
    calls = []
    handle = loop.alarm(0.01, lambda: calls.append("removed one ran"))
    assert loop.remove_alarm(handle) is True
    assert loop.remove_alarm(handle) is False
    loop.alarm(0.03, loop.request_exit)
    run_with_deadline(loop)
    assert calls == []


def test_remove_alarm_cancels_an_alarm_that_fired_but_did_not_run(loop):
    calls = []
    removed = []
    second = None

    def first():
        calls.append("first")
        removed.append(loop.remove_alarm(second))

    loop.alarm(0, first)
    second = loop.alarm(0, lambda: calls.append("second"))
    loop.alarm(0.05, loop.request_exit)
    run_with_deadline(loop)
    assert calls == ["first"]
    assert removed == [True]


def test_remove_alarm_after_it_ran_returns_false(loop):
    handle = loop.alarm(0, lambda: None)
    loop.alarm(0.02, loop.request_exit)
    run_with_deadline(loop)
    assert loop.remove_alarm(handle) is False


def test_alarm_is_not_fired_early_after_a_long_callback(loop):
    """Timers start with update=True: a callback that hogs the CPU must not make the next
    alarm fire before its time (gevent's cached clock would)."""
    measured = []

    def hog_then_arm():
        end = time.monotonic() + 0.2
        while time.monotonic() < end:  # no yield: the hub's cached clock goes stale
            pass
        started = time.monotonic()

        def fired():
            measured.append(time.monotonic() - started)
            raise urwid.ExitMainLoop()

        loop.alarm(0.1, fired)

    loop.alarm(0, hog_then_arm)
    run_with_deadline(loop)
    assert measured and measured[0] >= 0.099


def test_watch_file_runs_callback_with_watcher_paused(loop):
    rd, wr = os.pipe()
    seen = []
    handle = None

    def readable():
        seen.append((os.read(rd, 100), handle.watcher.active))
        if len(seen) == 2:
            raise urwid.ExitMainLoop()
        os.write(wr, b"again")

    handle = loop.watch_file(rd, readable)
    os.write(wr, b"hello")
    try:
        run_with_deadline(loop)
        assert seen == [(b"hello", False), (b"again", False)]
        assert handle.watcher.active  # restarted after the callback
        assert loop.remove_watch_file(handle) is True
        assert loop.remove_watch_file(handle) is False
    finally:
        os.close(rd)
        os.close(wr)


def test_removed_watch_is_not_called(loop):
    rd, wr = os.pipe()
    calls = []
    handle = loop.watch_file(rd, lambda: calls.append(os.read(rd, 10)))
    loop.remove_watch_file(handle)
    os.write(wr, b"x")
    loop.alarm(0.03, loop.request_exit)
    try:
        run_with_deadline(loop)
    finally:
        os.close(rd)
        os.close(wr)
    assert calls == []


def test_idle_runs_once_per_batch(loop):
    idle = []
    loop.enter_idle(lambda: idle.append(len(idle)))
    for _ in range(3):
        loop.call_soon(lambda: None)  # one batch of three (queued before run)
    # a second batch, which queues the exit: a third batch that returns before idle (no timing
    # involved: what a batch queues runs in the next one)
    loop.alarm(0.02, loop.request_exit)
    run_with_deadline(loop)
    assert len(idle) == 2


def test_remove_enter_idle(loop):
    idle = []
    handle = loop.enter_idle(lambda: idle.append(1))
    assert loop.remove_enter_idle(handle) is True
    assert loop.remove_enter_idle(handle) is False
    loop.call_soon(lambda: None)
    loop.alarm(0.02, loop.request_exit)
    run_with_deadline(loop)
    assert idle == []


def test_idle_loop_does_not_wake_up(loop):
    """Nothing to do = no batch, no idle callback: the loop greenlet just waits."""
    idle = []
    loop.enter_idle(lambda: idle.append(1))
    far = loop.alarm(3600, lambda: None)
    gevent.spawn_later(0.2, loop.request_exit)
    run_with_deadline(loop)
    assert loop.batches == 1  # the exit request itself
    assert idle == []
    assert loop.remove_alarm(far) is True


def test_exceptions_from_callbacks_propagate(loop):
    def boom():
        raise ValueError("boom")

    loop.alarm(0, boom)
    with pytest.raises(ValueError, match="boom"):
        run_with_deadline(loop)


def test_exit_requested_from_a_worker_greenlet(loop):
    order = []

    def worker():
        gevent.sleep(0.02)
        order.append("worker asks")
        loop.request_exit()

    gevent.spawn(worker)
    run_with_deadline(loop)
    order.append("loop returned")
    assert order == ["worker asks", "loop returned"]


def test_exit_main_loop_handed_over_by_a_worker(loop):
    gevent.spawn(lambda: loop.raise_in_loop(urwid.ExitMainLoop()))
    run_with_deadline(loop)  # returns cleanly


def test_worker_exception_handed_over_propagates_from_run(loop):
    gevent.spawn(lambda: loop.raise_in_loop(KeyError("from a worker")))
    with pytest.raises(KeyError, match="from a worker"):
        run_with_deadline(loop)


def test_call_soon_from_a_worker_runs_in_the_loop_greenlet(loop):
    runner = gevent.getcurrent()
    seen = []

    def in_loop():
        seen.append(gevent.getcurrent() is runner)
        raise urwid.ExitMainLoop()

    gevent.spawn(lambda: loop.call_soon(in_loop))
    run_with_deadline(loop)
    assert seen == [True]


def test_run_is_not_reentrant(loop):
    errors = []

    def nested():
        try:
            loop.run()
        except RuntimeError as exc:
            errors.append(str(exc))
        raise urwid.ExitMainLoop()

    loop.alarm(0, nested)
    run_with_deadline(loop)
    assert errors and "already running" in errors[0]


def test_urwid_mainloop_on_a_pty(loop):
    """A whole urwid MainLoop on a pseudo-terminal: draw, read keys, quit on 'q'."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 5, 40, 0, 0))
    keys = []

    def on_key(key):
        keys.append(key)
        if key == "q":
            raise urwid.ExitMainLoop()

    with os.fdopen(slave, "rb", buffering=0) as tin, os.fdopen(slave, "w", closefd=False) as tout:
        screen = urwid.display.raw.Screen(input=tin, output=tout)
        screen.set_terminal_properties(colors=16)
        main = urwid.MainLoop(
            urwid.Filler(urwid.Text("hello from gevent")),
            screen=screen,
            event_loop=loop,
            unhandled_input=on_key,
            handle_mouse=False,
        )
        gevent.spawn_later(0.05, os.write, master, b"xq")
        drained = bytearray()

        def drain():
            while True:
                gevent.get_hub().wait(gevent.get_hub().loop.io(master, 1))
                drained.extend(os.read(master, 65536))

        reader = gevent.spawn(drain)
        try:
            main.run()
        finally:
            reader.kill()
    os.close(master)
    assert keys == ["x", "q"]
    assert b"hello from gevent" in bytes(drained)
