"""The app: the terminal, the frame (header, body, footer), the global keys, and the controllers
of the screens (login here, :mod:`~een_tui.ui.cameras_controller`,
:mod:`~een_tui.ui.download_controller`).

Threading model: urwid runs in the main greenlet on :class:`GeventEventLoop`. Network work
(login, device list, the engine) runs in worker greenlets, which never touch widgets: they hand
results to the loop greenlet with ``call_soon``, and engine events are queued and applied in
batches, at most :data:`MAX_FPS` times a second (one redraw per batch)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import gevent
import urwid

from een_tui import exitcodes
from een_tui.api.backend import Backend
from een_tui.api.client import EenClient
from een_tui.api.model import Camera
from een_tui.download.options import DEFAULT_COUNT, DEFAULT_OUT_DIR, DEFAULT_WORKERS
from een_tui.download.range_spec import RangeSpec
from een_tui.logsetup import setup_logging
from een_tui.signals import detach_terminal, ending_signals
from een_tui.termenv import no_color_requested
from een_tui.ui import glyphs, keymap
from een_tui.ui.cameras_controller import CamerasController
from een_tui.ui.confirm import ConfirmQuit
from een_tui.ui.details import DetailsOverlay
from een_tui.ui.download_controller import MAX_FPS, DownloadController
from een_tui.ui.download_screen import DownloadScreen
from een_tui.ui.eventloop import GeventEventLoop
from een_tui.ui.graphics import Graphics
from een_tui.ui.help import HelpOverlay
from een_tui.ui.hint_bar import HintBar
from een_tui.ui.image_box import BLOCKS, draw_mode
from een_tui.ui.log_capture import LogStream, stderr_to_log
from een_tui.ui.login_controller import LoginController, login_error_text
from een_tui.ui.login_screen import LoginScreen
from een_tui.ui.palette import palette
from een_tui.ui.pixel_painter import PixelPainter
from een_tui.ui.range_form import RangeForm
from een_tui.ui.viewer import ViewerScreen
from een_tui.ui.viewer_controller import ViewerController

__all__ = ["MAX_FPS", "App", "AppOptions", "LogStream", "login_error_text"]

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT_S = 5.0
# urwid waits this long after a lone Esc for the rest of an escape sequence (its default is
# 125 ms). A sequence arrives in one read (over SSH, in one packet): a short wait keeps arrows
# and Alt+key whole while Esc reacts at once.
ESC_WAIT_S = 0.015  # what tmux users set escape-time to (10-20 ms)
QUIT_HINTS = keymap.hint(keymap.LOGIN, ("interrupt",))


class Connection(Protocol):
    """Where the session comes from (see :mod:`een_tui.ui.connection`)."""

    client: EenClient | None
    backend: Backend | None
    username: str
    server: str

    def open(self) -> bool: ...
    def close(self) -> None: ...


@dataclass
class AppOptions:
    """What the UI downloads and where (the options shared with ``een-tui download``), and how
    it draws (``ascii``: ASCII symbols only; ``graphics``: detected before urwid starts)."""

    count: int = DEFAULT_COUNT
    workers: int = DEFAULT_WORKERS
    out_dir: Path = field(default_factory=lambda: DEFAULT_OUT_DIR)
    camera: str | None = None  # ESN or name: download from it as soon as the list is in
    ascii: bool = False
    graphics: Graphics | None = None


def _redraw() -> None:
    """An alarm's callback whose only job is the redraw after it (urwid redraws when idle)."""


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
        # the symbols urwid can encode for this terminal (a Latin-1 locale: ASCII ones)
        glyphs.select(glyphs.choose(ascii_only=options.ascii, encoding=urwid.detected_encoding))
        self.screen = screen or urwid.display.raw.Screen()
        if isinstance(self.screen, urwid.display.raw.Screen):
            self.screen.set_input_timeouts(complete_wait=ESC_WAIT_S)
        if self.no_color:
            self.screen.set_terminal_properties(colors=1)
        self.colors = getattr(self.screen, "colors", 16)
        self.header = urwid.Text("", wrap="clip")
        self.footer = HintBar()
        connecting = urwid.Text(("dim", "Connecting" + glyphs.current().ellipsis), align="center")
        self.body = urwid.WidgetPlaceholder(urwid.Filler(connecting))
        self.frame = urwid.Frame(self.body, header=urwid.AttrMap(self.header, "header"),
                                 footer=urwid.AttrMap(self.footer, "footer"))
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
        image_mode = draw_mode(options.graphics.protocol) if options.graphics else BLOCKS
        self.painter = PixelPainter.attached(options.graphics, self.screen, self._images_visible,
                                             lambda delay: self.event_loop.alarm(delay, _redraw))
        self.viewer = ViewerController(show=self._show, image_mode=image_mode, colors=self.colors,
                                       no_color=self.no_color, out_dir=options.out_dir,
                                       note=options.graphics.note if options.graphics else "",
                                       background=self._in_thread)
        self.camera_control = CamerasController(
            connection,
            spawn=self._spawn,
            in_loop=self._in_loop,
            show=self._show,
            start_download=self.start_download,
            show_details=self.show_details,
            camera=options.camera,
            out_dir=options.out_dir,
            viewer=self.viewer,
            start_many=lambda cameras: self.downloads.start_many(cameras),
            ask_range=self.show_range_form,
        )
        self.cameras = self.camera_control.screen
        self.downloads = DownloadController(
            connection,
            options,
            event_loop=self.event_loop,
            spawn=self._spawn,
            in_loop=self._in_loop,
            show=self._show,
            cameras=self.camera_control,
            colors=self.colors,
            no_color=self.no_color,
            viewer=self.viewer,
        )
        self.keys = keymap.Dispatcher(
            keymap.GLOBAL, {"quit": self.ask_quit, "help": self.show_help}
        )
        self.context_keys = {keymap.DOWNLOAD: self.downloads.keys}
        self.login: LoginScreen | None = None
        self._greenlets: list[gevent.Greenlet] = []
        self._set_header("Connecting" + glyphs.current().ellipsis)

    # ---- running ------------------------------------------------------------------------------

    def run(self) -> int:
        """Open the terminal UI until the user quits; returns the exit code."""
        setup_logging()
        with stderr_to_log():  # nothing may write over the screen
            self._spawn(self._connect)
            # Ctrl+C, SIGTERM and SIGHUP: a clean exit from any screen; during the shutdown
            # they only set the exit code (a hang-up is often seen on the input first).
            with ending_signals(self._on_signal):
                try:
                    self.main_loop.run()
                except urwid.InputClosedError:  # the terminal hung up (SIGHUP follows)
                    log.info("the terminal hung up")
                    detach_terminal()
                    self.exit_code = exitcodes.HANGUP
                finally:
                    self._shutdown()
        log.info("UI closed with exit code %s", self.exit_code)
        return self.exit_code

    def ask_quit(self) -> None:
        """``q``: quit; while a download runs, ask first (saying what is saved so far)."""
        if not self.downloads.worth_asking_before_quit:
            self.quit(exitcodes.OK)
            return
        under = self.body.original_widget
        question = self.downloads.quit_question()
        restore = lambda: self._restore(under)  # noqa: E731
        self.body.original_widget = ConfirmQuit(under, question, on_yes=self.quit, on_no=restore)

    def _images_visible(self) -> bool:
        """Whether the screen on top is one that shows an image (no overlay above it)."""
        return isinstance(self.body.original_widget, ViewerScreen | DownloadScreen)

    def _on_signal(self, signum: int) -> None:
        """Ctrl+C (a real SIGINT), SIGTERM or SIGHUP: a clean exit from any screen, in the loop
        greenlet; the exit code is 128 + the signal number."""
        log.info("ended by signal %d", signum)
        self.exit_code = exitcodes.for_signal(signum)
        self.event_loop.request_exit()

    def quit(self, code: int = exitcodes.OK) -> None:
        """Leave the UI (call in the loop greenlet)."""
        self.exit_code = code
        raise urwid.ExitMainLoop()

    def _shutdown(self) -> None:
        """Stop the timelapse and the download (no .part left), the other greenlets and the
        connection."""
        self.viewer.shutdown(SHUTDOWN_TIMEOUT_S)
        self.downloads.shutdown(SHUTDOWN_TIMEOUT_S)
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

    def _in_thread(self, work: Callable[[], Any], done: Callable[[Any], None]) -> gevent.Greenlet:
        """``work()`` in gevent's threadpool (CPU work that must not stall the screen), then
        ``done(result)`` in the loop greenlet; the greenlet returned ends when the work has."""
        return self._spawn(lambda: self._in_loop(done, gevent.get_hub().threadpool.apply(work)))

    def _in_loop(self, func: Callable[..., Any], *args: Any) -> None:
        """Run ``func(*args)`` in the loop greenlet (from a worker greenlet)."""
        self.event_loop.call_soon(lambda: func(*args))

    # ---- frame --------------------------------------------------------------------------------

    def _set_header(self, title: str) -> None:
        who = self.connection.username or ""
        if self.account and who and self.account != who:
            who = f"{self.account} ({who})"
        dot = f" {glyphs.current().separator} "
        self.header.set_text(f" een-tui{dot}{title}" + (f"{dot}{who}" if who else ""))

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
        """Keys no screen took: the current context's commands first, then the global ones."""
        if not isinstance(key, str):
            return None
        context_keys = self.context_keys.get(self.context)
        if context_keys is None or not context_keys.dispatch(key):
            self.keys.dispatch(key)
        return True

    def show_help(self) -> None:
        """The key help above the current screen (the help itself takes every key)."""
        under = self.body.original_widget
        self.body.original_widget = HelpOverlay(under, lambda: self._restore(under))

    def show_details(self, device: Camera) -> None:
        """The details of ``device`` above the camera list; Enter there downloads."""
        under = self.body.original_widget

        def closed(key: str) -> None:
            self._restore(under)
            if key == "enter":
                self.cameras.keypress(self.main_loop.screen_size or (80, 24), "enter")

        self.body.original_widget = DetailsOverlay(under, device, closed)

    def show_range_form(self, cameras: list[Camera]) -> None:
        """The time range form above the camera list; a valid range starts the download."""
        under = self.body.original_widget

        def done(spec: RangeSpec | None) -> None:
            self._restore(under)
            if spec is not None:
                self.downloads.start_many(cameras, spec)

        self.body.original_widget = RangeForm(under, cameras, done)

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

    # ---- cameras and downloads (see their controllers) -----------------------------------------

    def load_cameras(self) -> None:
        """(Re)load the device list in a worker greenlet."""
        self.camera_control.load()

    def start_download(self, camera: Camera | None) -> None:
        """Download previews from ``camera`` (None = a random healthy one)."""
        self.downloads.start(camera)
