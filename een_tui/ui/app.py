"""The app controller: owns the connection (client), the download engine and the screens.

Threading model: urwid runs in the main greenlet on :class:`GeventEventLoop`. Network work
(login, device list, the engine) runs in worker greenlets, which never touch widgets: they hand
results to the loop greenlet with ``call_soon``, and engine events are queued and applied in
batches, at most :data:`MAX_FPS` times a second (one redraw per batch)."""

from __future__ import annotations

import functools
import io
import logging
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import gevent
import urwid

from een_tui import exitcodes
from een_tui.api.client import EenClient
from een_tui.api.devices import Device
from een_tui.download.engine import DownloadEngine
from een_tui.download.events import Event, RunFinished
from een_tui.download.options import DownloadOptions
from een_tui.logsetup import setup_logging
from een_tui.signals import handle_signals
from een_tui.ui import keymap
from een_tui.ui.cameras_screen import CameraActions, CamerasScreen
from een_tui.ui.details import DetailsOverlay
from een_tui.ui.download_screen import DownloadScreen
from een_tui.ui.eventloop import GeventEventLoop
from een_tui.ui.help import HelpOverlay
from een_tui.ui.hint_bar import HintBar
from een_tui.ui.login_controller import LoginController, login_error_text  # noqa: F401
from een_tui.ui.login_screen import LoginScreen
from een_tui.ui.palette import no_color_requested, palette

log = logging.getLogger(__name__)

MAX_FPS = 20
TICK_S = 1.0  # elapsed-time refresh while a download runs
SHUTDOWN_TIMEOUT_S = 5.0
QUIT_HINTS = keymap.hint(keymap.LOGIN, ("interrupt",))


class Connection(Protocol):
    """Where the session comes from (see :mod:`een_tui.ui.connection`)."""

    client: EenClient | None
    username: str
    server: str

    def open(self) -> bool: ...
    def close(self) -> None: ...


@dataclass
class AppOptions:
    """What the UI downloads and where (the options shared with ``een-tui download``)."""

    count: int = 20
    workers: int = 5
    out_dir: Path = field(default_factory=lambda: Path("out"))
    camera: str | None = None  # ESN or name: download from it as soon as the list is in


class LogStream(io.TextIOBase):
    """A text stream into the log (for greenlet tracebacks that gevent prints)."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line.strip():
                self._logger.error("%s", line)
        return len(text)

    def flush(self) -> None:
        if self._buffer.strip():
            self._logger.error("%s", self._buffer)
        self._buffer = ""


class App:
    """The terminal UI. ``run()`` returns the process exit code."""

    def __init__(
        self,
        connection: Connection,
        options: AppOptions,
        *,
        screen: urwid.BaseScreen | None = None,
    ) -> None:
        self.connection = connection
        self.options = options
        self.exit_code = exitcodes.OK
        self.event_loop = GeventEventLoop()
        self.no_color = no_color_requested()
        self.screen = screen or urwid.display.raw.Screen()
        if self.no_color:
            self.screen.set_terminal_properties(colors=1)
        self.colors = getattr(self.screen, "colors", 16)
        self.header = urwid.Text("", wrap="clip")
        self.footer = HintBar()
        self.body = urwid.WidgetPlaceholder(
            urwid.Filler(urwid.Text(("dim", "Connecting…"), align="center"))
        )
        self.frame = urwid.Frame(
            self.body,
            header=urwid.AttrMap(self.header, "header"),
            footer=urwid.AttrMap(self.footer, "footer"),
        )
        self.main_loop = urwid.MainLoop(
            self.frame,
            palette(),
            screen=self.screen,
            event_loop=self.event_loop,
            unhandled_input=self._unhandled_input,
            handle_mouse=False,
        )
        # before MainLoop's own idle callback (the redraw): the footer follows the screen
        self.event_loop.enter_idle(self._sync_footer)
        self.context = keymap.LOGIN
        self.account = ""  # the user's name once logged in
        self.cameras = CamerasScreen(
            CameraActions(
                download=self.start_download,
                random=lambda: self.start_download(None),
                refresh=self.load_cameras,
                details=self.show_details,
            )
        )
        self.login: LoginScreen | None = None
        self.download: DownloadScreen | None = None
        self.engine: DownloadEngine | None = None
        self.engine_greenlet: gevent.Greenlet | None = None
        self._pending_events: list[tuple[DownloadEngine, Event]] = []
        self._flush_alarm: Any = None
        self._last_flush = 0.0
        self._tick_alarm: Any = None
        self._camera_option_used = False
        self._greenlets: list[gevent.Greenlet] = []
        self._set_header("Connecting…")

    # ---- running ------------------------------------------------------------------------------

    def run(self) -> int:
        """Open the terminal UI until the user quits; returns the exit code."""
        setup_logging()
        hub = gevent.get_hub()
        saved_stream, saved_stderr = hub.exception_stream, sys.stderr
        stream = LogStream(logging.getLogger("een_tui.greenlet"))
        hub.exception_stream = stream
        sys.stderr = stream  # nothing may write over the screen
        self._spawn(self._connect)
        try:
            # Ctrl+C and SIGTERM: a clean exit from any screen. Afterwards a second Ctrl+C
            # during the shutdown is a KeyboardInterrupt again (handled by the entry point).
            with handle_signals(self._on_sigint, signal.SIGINT, signal.SIGTERM):
                self.main_loop.run()
        finally:
            try:
                self._shutdown()
            finally:
                hub.exception_stream, sys.stderr = saved_stream, saved_stderr
        log.info("UI closed with exit code %s", self.exit_code)
        return self.exit_code

    def _on_sigint(self) -> None:
        """Ctrl+C (a real SIGINT): a clean exit from any screen, in the loop greenlet."""
        log.info("interrupted")
        self.exit_code = exitcodes.INTERRUPTED
        self.event_loop.request_exit()

    def quit(self, code: int = exitcodes.OK) -> None:
        """Leave the UI (call in the loop greenlet)."""
        self.exit_code = code
        raise urwid.ExitMainLoop()

    def _shutdown(self) -> None:
        """Stop the download (no .part left), the other greenlets and the connection."""
        if self.engine_greenlet is not None and not self.engine_greenlet.dead:
            self.engine.cancel()
            self.engine_greenlet.join(timeout=SHUTDOWN_TIMEOUT_S)
        gevent.killall([g for g in self._greenlets if not g.dead], timeout=SHUTDOWN_TIMEOUT_S)
        closer = gevent.spawn(self.connection.close)
        closer.join(timeout=SHUTDOWN_TIMEOUT_S)
        self.event_loop.close()

    def _spawn(self, func: Callable[..., Any], *args: Any) -> gevent.Greenlet:
        """A worker greenlet whose unexpected errors are logged (never printed on the screen)."""

        def guarded() -> None:
            try:
                func(*args)
            except gevent.GreenletExit:
                raise
            except Exception:
                log.exception("background task %s failed", getattr(func, "__name__", func))

        greenlet = gevent.spawn(guarded)
        self._greenlets = [g for g in self._greenlets if not g.dead]
        self._greenlets.append(greenlet)
        return greenlet

    def _in_loop(self, func: Callable[..., Any], *args: Any) -> None:
        """Run ``func(*args)`` in the loop greenlet (from a worker greenlet)."""
        self.event_loop.call_soon(lambda: func(*args))

    # ---- frame --------------------------------------------------------------------------------

    def _set_header(self, title: str) -> None:
        who = self.connection.username or ""
        if self.account and who and self.account != who:
            who = f"{self.account} ({who})"
        self.header.set_text(f" een-tui · {title}" + (f" · {who}" if who else ""))

    def _show(self, widget: urwid.Widget, context: str, title: str) -> None:
        self.body.original_widget = widget
        self.context = context
        self._set_header(title)

    def _sync_footer(self) -> None:
        """Idle callback: the footer shows the hints of whatever is on screen now (a screen
        or an overlay changes its hints with its state, e.g. while filtering)."""
        shown = self.body.original_widget
        self.footer.set_hints(getattr(shown, "footer_hints", None) or QUIT_HINTS)

    def _unhandled_input(self, key: str | tuple) -> bool | None:
        if not isinstance(key, str):
            return None
        command = keymap.command_for(key, self.context)
        if command == "quit" or command == "interrupt":
            self.quit(exitcodes.INTERRUPTED if command == "interrupt" else exitcodes.OK)
        elif command == "help":
            self.show_help()
        elif self.context == keymap.DOWNLOAD:
            if command == "cancel":
                self.cancel_download()
            elif command == "back":
                self.back_to_cameras()
            elif command == "another":
                self.start_download(None)
        return True

    def show_help(self) -> None:
        """The key help above the current screen (the help itself takes every key)."""
        under = self.body.original_widget
        self.body.original_widget = HelpOverlay(under, lambda: self._restore(under))

    def show_details(self, device: Device) -> None:
        """The details of ``device`` above the camera list; Enter there downloads."""
        under = self.body.original_widget

        def closed(key: str) -> None:
            self._restore(under)
            if key == "enter":
                self.cameras.keypress(self.main_loop.screen_size or (80, 24), "enter")

        self.body.original_widget = DetailsOverlay(under, device, closed)

    def _restore(self, under: urwid.Widget) -> None:
        """Close an overlay: the screen under it again."""
        self.body.original_widget = under

    # ---- login --------------------------------------------------------------------------------

    @functools.cached_property
    def login_controller(self) -> LoginController:
        """The login (:mod:`een_tui.ui.login_controller`)."""
        return LoginController(
            self.connection,
            spawn=self._spawn,
            in_loop=self._in_loop,
            show=self._show,
            on_logged_in=self._logged_in,
            on_unusable=lambda code: setattr(self, "exit_code", code),
        )

    def _connect(self) -> None:
        self.login_controller.connect()

    def _logged_in(self, account: str) -> None:
        self.account = account
        self.login = None
        self._show(self.cameras, keymap.CAMERAS, "Cameras")
        self.cameras.say("notice", "loading the camera list…")
        self.load_cameras()

    # ---- cameras ------------------------------------------------------------------------------

    def load_cameras(self) -> None:
        """(Re)load the device list in a worker greenlet."""
        started = time.monotonic()

        def work() -> None:
            try:
                result = self.connection.client.list_devices()
            except Exception as exc:
                log.warning("device list failed: %s", exc)
                self._in_loop(self.cameras.say, "error", f"Cannot load the cameras: {exc}")
                return
            self._in_loop(self._cameras_loaded, result, time.monotonic() - started)

        self._spawn(work)

    def _cameras_loaded(self, result: Any, elapsed: float) -> None:
        self.cameras.set_devices(result.devices, result.skipped)
        if not result.skipped:
            self.cameras.say(
                "dim", f"{len(self.cameras.devices)} cameras loaded in {elapsed:.1f} s · ? for help"
            )
        log.info("device list: %d devices in %.2f s", len(result.devices), elapsed)
        if self.options.camera and not self._camera_option_used:
            self._camera_option_used = True
            self._download_named(self.options.camera)

    def _download_named(self, wanted: str) -> None:
        folded = wanted.casefold()
        for device in self.cameras.devices:
            if device.id == wanted or device.name.casefold() == folded:
                if device.usable:
                    self.start_download(device)
                else:
                    self.cameras.say(
                        "error", f"Cannot download from {device.name}: {device.unusable_reason}"
                    )
                return
        self.cameras.say("error", f"No camera named or with ESN “{wanted}”.")

    def back_to_cameras(self) -> None:
        """Esc on the download screen: the camera list again (a running download is cancelled)."""
        if self.download is not None and self.download.running and self.engine is not None:
            self.engine.cancel()
            self.cameras.say("notice", "download cancelled")
        self._show(self.cameras, keymap.CAMERAS, "Cameras")

    # ---- download -----------------------------------------------------------------------------

    def start_download(self, camera: Device | None) -> None:
        """Download previews from ``camera`` (None = a random healthy one)."""
        previous = self.engine_greenlet
        if self.engine is not None and previous is not None and not previous.dead:
            self.engine.cancel()
        opts = DownloadOptions(
            count=self.options.count, workers=self.options.workers, out_dir=self.options.out_dir
        )
        screen = DownloadScreen(
            opts.count, opts.workers, colors=self.colors, no_color=self.no_color
        )
        engine = DownloadEngine(self.connection.client, opts, on_event=None)
        engine.on_event = lambda event: self._engine_event(engine, event)
        self.engine, self.download = engine, screen
        self._pending_events.clear()
        self._show(screen, keymap.DOWNLOAD, "Download")
        candidates = list(self.cameras.devices)

        def work() -> None:
            if previous is not None:
                previous.join()  # the cancelled run removes its .part files first
            try:
                engine.run(camera=camera, candidates=candidates)
            except Exception as exc:
                log.exception("download failed")
                self._in_loop(self._download_crashed, engine, exc)

        self.engine_greenlet = self._spawn(work)
        self._schedule_tick()

    def cancel_download(self) -> None:
        """``c``: stop the running download (the saved images stay)."""
        if self.engine is not None and self.download is not None and self.download.running:
            self.engine.cancel()

    def _download_crashed(self, engine: DownloadEngine, exc: BaseException) -> None:
        if engine is self.engine and self.download is not None:
            self.download.note("error", f"download stopped: {exc}")

    def _engine_event(self, engine: DownloadEngine, event: Event) -> None:
        """Called by the engine in worker greenlets: queue, and schedule one coalesced flush."""
        self._pending_events.append((engine, event))
        if self._flush_alarm is None:
            delay = max(0.0, self._last_flush + 1.0 / MAX_FPS - time.monotonic())
            self._flush_alarm = self.event_loop.alarm(delay, self._flush_events)

    def _flush_events(self) -> None:
        """Loop greenlet: apply every queued event; urwid then redraws once."""
        self._flush_alarm = None
        self._last_flush = time.monotonic()
        events, self._pending_events = self._pending_events, []
        for engine, event in events:
            if engine is self.engine and self.download is not None:
                self.download.apply(event)
                if isinstance(event, RunFinished):
                    log.info(
                        "download finished: %s, %d/%d",
                        event.outcome.value,
                        event.saved,
                        event.requested,
                    )

    def _schedule_tick(self) -> None:
        if self._tick_alarm is not None:
            self.event_loop.remove_alarm(self._tick_alarm)

        def tick() -> None:
            self._tick_alarm = None
            if self.download is not None and self.download.running:
                self.download.tick()
                self._tick_alarm = self.event_loop.alarm(TICK_S, tick)

        self._tick_alarm = self.event_loop.alarm(TICK_S, tick)
