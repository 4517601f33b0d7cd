"""The download screen's controller: starts a run of the engine for a camera, hands its events
to the screen in coalesced batches (at most :data:`MAX_FPS` redraws a second), refreshes the
elapsed time, and carries out the download screen's keys (cancel, back, another)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import gevent
import urwid

from een_tui.api.model import Camera
from een_tui.download.camera_file import recording_camera_file
from een_tui.download.engine import DownloadEngine
from een_tui.download.events import Event, ImageSaved, RunFinished, RunPlanned
from een_tui.download.fleet import FleetFinished, FleetRun
from een_tui.download.options import DownloadOptions
from een_tui.download.range_spec import RangeSpec
from een_tui.ui import keymap
from een_tui.ui.cameras_controller import CamerasController
from een_tui.ui.download_screen import DownloadScreen
from een_tui.ui.eventloop import GeventEventLoop
from een_tui.ui.fleet_screen import FleetScreen
from een_tui.ui.heap import release_free_heap
from een_tui.ui.image_box import BLOCKS
from een_tui.ui.viewer_controller import ViewerController

log = logging.getLogger(__name__)

MAX_FPS = 20
TICK_S = 1.0  # elapsed-time refresh while a download runs


class DownloadController:
    """One download run at a time (a new one cancels the previous and waits for it to clean up).

    ``engine`` and ``screen`` are the current run's; events of a replaced engine are dropped."""

    def __init__(
        self,
        connection: Any,
        options: Any,
        *,
        event_loop: GeventEventLoop,
        spawn: Callable[..., gevent.Greenlet],
        in_loop: Callable[..., None],
        show: Callable[[urwid.Widget, str, str], None],
        cameras: CamerasController,
        colors: int,
        no_color: bool,
        viewer: ViewerController | None = None,
    ) -> None:
        self.connection = connection
        self.options = options
        self.event_loop = event_loop
        self._spawn = spawn
        self._in_loop = in_loop
        self._show = show
        self.cameras = cameras
        self.colors = colors
        self.no_color = no_color
        self.viewer = viewer or ViewerController(
            show=show, image_mode=BLOCKS, colors=colors, no_color=no_color,
            out_dir=options.out_dir,
        )
        self.engine: DownloadEngine | FleetRun | None = None
        self.screen: DownloadScreen | FleetScreen | None = None
        self.greenlet: gevent.Greenlet | None = None
        self._draining: list[tuple[DownloadEngine | FleetRun, gevent.Greenlet]] = []  # cancelled
        self.cancel_asked = False  # the current run was asked to stop (c, Esc, n)
        self._pending_events: list[tuple[object, Event]] = []
        self._flush_alarm: Any = None
        self._last_flush = 0.0
        self._tick_alarm: Any = None
        self.keys = keymap.Dispatcher(
            keymap.DOWNLOAD,
            {
                "cancel": self.cancel,
                "back": self.back,
                "another": lambda: self.start(None),
                "view": self.view,
                "retry": self.retry,
            },
        )

    # ---- commands -----------------------------------------------------------------------------

    def start(self, camera: Camera | None) -> None:
        """Download previews from ``camera`` (None = a random healthy one)."""
        previous = self._drain_current()
        opts = DownloadOptions(
            count=self.options.count, workers=self.options.workers, out_dir=self.options.out_dir
        )
        screen = DownloadScreen(
            opts.count, opts.workers, colors=self.colors, no_color=self.no_color,
            image_mode=self.viewer.image_mode,
        )
        assert self.connection.backend is not None
        engine = DownloadEngine(self.connection.backend, opts, on_event=None)
        engine.on_event = recording_camera_file(
            lambda event: self._engine_event(engine, event),
            api=getattr(self.connection.backend, "api_version", "v1"),
            on_error=lambda error: log.warning("cannot write camera.json: %s", error),
        )
        self.engine, self.screen = engine, screen
        self.cancel_asked = False
        self._pending_events.clear()
        self._show(screen, keymap.DOWNLOAD, "Download")
        candidates = list(self.cameras.screen.devices)

        def work() -> None:
            if previous is not None:
                previous.join()  # the cancelled run removes its .part files first
            try:
                engine.run(camera=camera, candidates=candidates)
            except Exception as exc:
                log.exception("download failed")
                self._in_loop(self._crashed, engine, exc)
            finally:
                release_free_heap()  # a run's freed buffers back to the system

        self.greenlet = self._spawn(work)
        self._schedule_tick()

    def start_many(self, cameras: list[Camera], spec: RangeSpec | None = None) -> None:
        """Download from several ``cameras`` with one pool of workers (``--count`` images each,
        or every frame of ``spec``'s range); one row per camera on the screen."""
        previous = self._drain_current()
        count = None if spec is not None else self.options.count
        opts = DownloadOptions(count=self.options.count, workers=self.options.workers,
                               out_dir=self.options.out_dir)
        what = "every frame of the range" if spec is not None else f"{count} images each"
        many = f"{len(cameras)} camera{'s' if len(cameras) != 1 else ''}"
        screen = FleetScreen(cameras, count, opts.workers, colors=self.colors,
                             no_color=self.no_color,
                             title=f"{many}, {what}, {opts.workers} workers")
        assert self.connection.backend is not None
        run = FleetRun(self.connection.backend, opts, count=count, spec=spec)
        run.on_event = recording_camera_file(  # type: ignore[assignment]
            lambda event: self._engine_event(run, event),
            api=getattr(self.connection.backend, "api_version", "v1"), cameras=cameras,
            on_error=lambda error: log.warning("cannot write camera.json: %s", error),
        )
        self.engine, self.screen = run, screen
        self.cancel_asked = False
        self._pending_events.clear()
        self._show(screen, keymap.DOWNLOAD, "Download")

        def work() -> None:
            if previous is not None:
                previous.join()  # the cancelled run removes its .part files first
            try:
                run.run(cameras)
            except Exception as exc:
                log.exception("download failed")
                self._in_loop(self._crashed, run, exc)
            finally:
                release_free_heap()

        self.greenlet = self._spawn(work)
        self._schedule_tick()

    def _drain_current(self) -> gevent.Greenlet | None:
        """Cancel the current run (if any) so that its requests on the wire finish: the next
        run waits for its greenlet, and so never has more than W requests in flight with it."""
        previous = self.greenlet
        if self.engine is not None and previous is not None and not previous.dead:
            self.engine.cancel(drain=True)
            self.cancel_asked = True
            self._draining.append((self.engine, previous))
        self._draining = [(e, g) for e, g in self._draining if not g.dead]
        return previous

    def cancel(self) -> None:
        """``c``: stop the running download (the saved images stay)."""
        if self.engine is not None and self.screen is not None and self.screen.running:
            self.engine.cancel(drain=True)
            self.cancel_asked = True

    @property
    def running(self) -> bool:
        """Whether a download runs now."""
        return self.screen is not None and self.screen.running and self.engine is not None

    @property
    def worth_asking_before_quit(self) -> bool:
        """Whether ``q`` should ask first: a run is going and nobody asked it to stop (a
        cancelled run that is still draining its last requests is not worth a question)."""
        return self.running and not self.cancel_asked

    def quit_question(self) -> str:
        """What ``q`` asks while a download runs: what is saved so far, and where."""
        screen = self.screen
        saved, requested = (screen.progress.saved, screen.progress.requested) if screen else (0, 0)
        folder = getattr(screen, "folder", None) or "the output folder"
        if isinstance(screen, FleetScreen):
            return ("A download from several cameras is running.\n"
                    "Quit now? The saved images stay; the rest is cancelled.")
        return (
            f"A download is running: {saved} of {requested} images saved in {folder}.\n"
            "Quit now? The saved images stay; the rest is cancelled."
        )

    def view(self) -> None:
        """``v``: this run's images in the viewer (more join while the run goes on)."""
        screen = self.screen
        if isinstance(screen, FleetScreen):
            if screen.viewable:  # one camera's time range: its folder (several: from the list)
                problem = self.viewer.open_camera(
                    screen.cameras[0], back=lambda: self._show(screen, keymap.DOWNLOAD,
                                                               "Download"))
                if problem:
                    screen.note("notice", problem)
            return
        if not isinstance(screen, DownloadScreen):
            return
        self.viewer.open_run(
            list(screen.progress.saved_paths), screen.progress.camera, folder=screen.folder,
            back=lambda: self._show(screen, keymap.DOWNLOAD, "Download"), source=self.engine,
        )

    def retry(self) -> None:
        """``r`` after an incomplete run: the same camera again (the saved images are kept and
        not fetched again, so only the missing ones are)."""
        screen = self.screen
        finished = screen.progress.finished if isinstance(screen, DownloadScreen) else None
        if finished is None or finished.camera is None or finished.saved >= finished.requested:
            return
        self.start(finished.camera)

    def back(self) -> None:
        """Esc: the camera list again (a running download is cancelled)."""
        if self.screen is not None and self.screen.running and self.engine is not None:
            self.engine.cancel(drain=True)
            self.cancel_asked = True
            self.cameras.screen.say("notice", "download cancelled")
        self.cameras.show()

    def shutdown(self, timeout: float) -> None:
        """Cancel a running download and wait (up to ``timeout``) for its clean-up."""
        for engine, _ in self._draining:  # quitting: requests still draining are cut
            engine.cancel()
        if self.greenlet is not None and not self.greenlet.dead and self.engine is not None:
            self.engine.cancel()
            self.greenlet.join(timeout=timeout)

    # ---- events -------------------------------------------------------------------------------

    def _crashed(self, engine: object, exc: BaseException) -> None:
        if engine is self.engine and self.screen is not None:
            self.screen.note("error", f"download stopped: {exc}")

    def _engine_event(self, engine: object, event: Event) -> None:
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
            if engine is self.engine and self.screen is not None:
                self.screen.apply(event)  # type: ignore[arg-type]
                if isinstance(event, RunPlanned):
                    for path in event.already_saved:
                        self.viewer.add(engine, path)
                elif isinstance(event, ImageSaved):
                    self.viewer.add(engine, event.path)
                if isinstance(event, FleetFinished):
                    for result in event.cameras:
                        if result.saved:
                            self.cameras.add_on_disk(result.id)
                if isinstance(event, RunFinished):
                    if event.files and event.camera is not None:
                        self.cameras.add_on_disk(event.camera.id)
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
            if self.screen is not None and self.screen.running:
                self.screen.tick()
                self._tick_alarm = self.event_loop.alarm(TICK_S, tick)

        self._tick_alarm = self.event_loop.alarm(TICK_S, tick)
