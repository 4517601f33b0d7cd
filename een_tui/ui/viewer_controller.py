"""Opens the image viewer: a run's images (from the download screen) or a camera's images
already on disk (from the camera list), and closes it back to where it came from; writes the
viewer's timelapse (``T``) in the background, and stops it when the app ends."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

import urwid

from een_tui.api.model import Camera
from een_tui.download.storage import UnsafeName, camera_dir
from een_tui.media.camera import read_camera_info, zone_named
from een_tui.ui import glyphs, keymap
from een_tui.ui.image_box import PIXELS, ImageBox
from een_tui.ui.viewer import ViewerScreen, folder_frames, frames_of

Show = Callable[[urwid.Widget, str, str], None]
TIMELAPSE_FPS = 10.0
log = logging.getLogger(__name__)


class Task(Protocol):
    """Background work that can be waited for (a greenlet waiting for a thread)."""

    dead: bool

    def join(self, timeout: float | None = None) -> object: ...


Background = Callable[[Callable[[], object], Callable[[object], None]], Task | None]


class Cancelled(Exception):
    """The timelapse was stopped because the app is ending."""


class ViewerController:
    """At most one viewer at a time; ``screen`` is it (None when closed)."""

    def __init__(self, *, show: Show, image_mode: str, colors: int, no_color: bool,
                 out_dir: Path, note: str = "",
                 background: Background | None = None) -> None:
        self._show = show
        self._background = background  # (work in a thread, then its result in the loop)
        self.image_mode = image_mode
        self.colors = colors
        self.no_color = no_color
        self.out_dir = Path(out_dir)
        if note:
            log.info("graphics: %s (%s)", image_mode, note)
        # what the graphics detection has to say to the user: tmux's passthrough, or a guessed
        # cell size when pixels are drawn (half blocks do not need one)
        self.note = note if image_mode == PIXELS or "tmux" in note else ""
        self.screen: ViewerScreen | None = None
        self.source: object = None  # what the viewer shows: a run (its engine) or a folder
        self.writing: Path | None = None  # the timelapse being written now (one at a time)
        self._writer: Task | None = None
        self._ending = False  # the app is ending: the timelapse stops at its next frame

    def _open(self, frames: list, *, title: str, zone_name: str | None, folder: Path | None,
              back: Callable[[], None], source: object, empty_note: str) -> ViewerScreen:
        zone = zone_named(zone_name)
        if zone_name is None and folder is not None:
            zone = read_camera_info(folder).zone
        image = ImageBox(self.image_mode, colors=self.colors, no_color=self.no_color)

        def close() -> None:
            self.screen, self.source = None, None
            back()

        self.screen = ViewerScreen(frames, title=title, image=image, on_close=close, zone=zone,
                                   empty_note=empty_note, note=self.note,
                                   on_timelapse=self._timelapse if self._background else None)
        self.source = source
        self._show(self.screen, keymap.VIEWER, "Viewer")
        return self.screen

    def open_run(self, paths: Iterable[str], camera: Camera | None, *, folder: str | None,
                 back: Callable[[], None], source: object) -> ViewerScreen:
        """The images of a run (saved so far; more join while it runs)."""
        name = camera.name if camera is not None else "this run"
        return self._open(frames_of(paths), title=name,
                          zone_name=camera.timezone if camera is not None else None,
                          folder=Path(folder) if folder else None, back=back, source=source,
                          empty_note="no image saved yet: they appear here as they arrive")

    def open_camera(self, device: Camera, back: Callable[[], None]) -> str | None:
        """The images of ``device`` already on disk; the reason in words when there are none."""
        try:
            folder = camera_dir(self.out_dir, device.id or "")
        except UnsafeName:
            return f"{device.name} has no ESN to look for images by"
        frames = folder_frames(folder)
        if not frames:
            return f"no images of {device.name} in {os.path.abspath(folder)}"
        self._open(frames, title=device.name, zone_name=device.timezone, folder=folder,
                   back=back, source=folder, empty_note="")
        return None

    def _timelapse(self, frames: list) -> None:
        """``T``: a looping GIF of ``frames`` beside them (``timelapse-<first>-<last>.gif``),
        written in a thread (encoding is CPU work), then the result said in the viewer."""
        from een_tui.media.errors import MediaError
        from een_tui.media.timelapse import make_timelapse

        screen = self.screen
        first, last = frames[0], frames[-1]
        output = first.path.parent / (
            f"timelapse-{first.path.stem}-{last.path.stem}.gif" if len(frames) > 1
            else f"timelapse-{first.path.stem}.gif")

        if self.writing is not None:
            if screen is not None:
                screen.say(f"a timelapse is being written already: {self.writing.name}")
            return

        def stop_if_ending(done: int, total: int) -> None:
            if self._ending:
                raise Cancelled(f"the app ended after {done} of {total} frames")

        def work() -> object:
            try:
                return make_timelapse([f.path for f in frames], output, fps=TIMELAPSE_FPS,
                                      progress=stop_if_ending)
            except (MediaError, OSError, Cancelled) as exc:
                return exc
            except Exception as exc:  # a bug: said in words, never a silent "writing..."
                log.exception("timelapse %s failed", output)
                return RuntimeError(f"unexpected error ({exc.__class__.__name__}); details "
                                    "are in the log file")

        def done(result: object) -> None:
            self.writing = None
            if screen is not None and self.screen is screen:
                screen.say(f"timelapse not written: {result}" if isinstance(result, Exception)
                           else f"timelapse: {os.path.abspath(output)}")

        self.writing = output
        if screen is not None:
            screen.say(f"writing a timelapse of {len(frames)} images{glyphs.current().ellipsis}")
        assert self._background is not None
        self._writer = self._background(work, done)

    def shutdown(self, timeout: float) -> None:
        """The app ends: stop the timelapse being written at its next frame and wait for it
        (at most ``timeout`` seconds), so no partial file stays; if it does not stop in time,
        remove its temporary file. A timelapse already written stays."""
        from een_tui.media.atomic import remove_temporary

        if self.writing is None:
            return
        self._ending = True
        if self._writer is not None:
            self._writer.join(timeout)
        if self._writer is None or not self._writer.dead:
            log.warning("timelapse %s did not stop in time: its temporary file removed",
                        self.writing)
            remove_temporary(self.writing)
        else:
            log.info("timelapse %s: its writer ended before the app", self.writing)

    def add(self, source: object, path: str) -> None:
        """A new image of ``source`` (a run): shown in the viewer if it shows that run."""
        if self.screen is not None and self.source is source:
            self.screen.add(path)
