"""Camera loading: the device list fetched in a worker greenlet, shown on the cameras screen,
and the ``--camera`` option (download from a named camera as soon as the list is in)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gevent
import urwid

from een_tui.api.model import Camera
from een_tui.download.on_disk import cameras_with_images
from een_tui.ui import glyphs, keymap
from een_tui.ui.cameras_screen import CameraActions, CamerasScreen
from een_tui.ui.heap import freeze_startup_objects
from een_tui.ui.viewer_controller import ViewerController

log = logging.getLogger(__name__)

Spawn = Callable[..., gevent.Greenlet]
InLoop = Callable[..., None]
Show = Callable[[urwid.Widget, str, str], None]


class CamerasController:
    """Owns the cameras screen; the network work runs in greenlets from ``spawn``, the results
    reach the screen through ``in_loop`` (the loop greenlet)."""

    def __init__(
        self,
        connection: Any,
        *,
        spawn: Spawn,
        in_loop: InLoop,
        show: Show,
        start_download: Callable[[Camera | None], None],
        show_details: Callable[[Camera], None],
        camera: str | None = None,
        out_dir: Path | None = None,
        viewer: ViewerController | None = None,
        start_many: Callable[[list[Camera]], None] | None = None,
        ask_range: Callable[[list[Camera]], None] | None = None,
    ) -> None:
        self.connection = connection
        self._spawn = spawn
        self._in_loop = in_loop
        self._show = show
        self._start_download = start_download
        self._wanted_camera = camera
        self.out_dir = out_dir
        self.viewer = viewer
        self.screen = CamerasScreen(
            CameraActions(
                download=start_download,
                random=lambda: start_download(None),
                refresh=self.load,
                details=show_details,
                view=self.view_saved,
                download_many=start_many,
                time_range=ask_range,
            )
        )

    def show(self) -> None:
        """The camera list on screen."""
        self._show(self.screen, keymap.CAMERAS, "Cameras")

    def load(self) -> None:
        """(Re)load the device list in a worker greenlet."""
        started = time.monotonic()

        def work() -> None:
            try:
                assert self.connection.backend is not None
                result = self.connection.backend.list_cameras()
            except Exception as exc:
                log.warning("device list failed: %s", exc)
                self._in_loop(self.screen.say, "error", f"Cannot load the cameras: {exc}")
                return
            self._in_loop(self._loaded, result, time.monotonic() - started)

        self._spawn(work)

    def _loaded(self, result: Any, elapsed: float) -> None:
        self.screen.set_devices(result.cameras, result.skipped)
        if not result.skipped:
            dot = glyphs.current().separator
            self.screen.say(
                "dim",
                f"{len(self.screen.devices)} cameras loaded in {elapsed:.1f} s {dot} ? for help",
            )
        log.info("camera list: %d cameras in %.2f s", len(result.cameras), elapsed)
        freeze_startup_objects()
        self.mark_on_disk()
        wanted, self._wanted_camera = self._wanted_camera, None  # only the first list
        if wanted:
            self.download_named(wanted)

    def view_saved(self, device: Camera) -> None:
        """``v``: the camera's images on disk in the viewer, or why there are none."""
        problem = self.viewer.open_camera(device, self.show) if self.viewer else "no viewer"
        if problem:
            self.screen.say("notice", problem)

    def mark_on_disk(self) -> None:
        """Mark the cameras with images in the output folder (listed in a worker greenlet)."""
        out_dir = self.out_dir
        if out_dir is None:
            return
        esns = [device.id for device in self.screen.devices]

        def work() -> None:
            found = cameras_with_images(out_dir, esns)
            self._in_loop(self.screen.camera_list.walker.set_on_disk, found)

        self._spawn(work)

    def add_on_disk(self, esn: str | None) -> None:
        """One more camera has images on disk (after a download)."""
        if esn:
            walker = self.screen.camera_list.walker
            walker.set_on_disk(walker.on_disk | {esn.lower()})

    def download_named(self, wanted: str) -> None:
        """Download from the camera whose ESN or name (any case) is ``wanted``, or say why not."""
        folded = wanted.casefold()
        for device in self.screen.devices:
            if device.id == wanted or device.name.casefold() == folded:
                if device.usable:
                    self._start_download(device)
                else:
                    self.screen.say(
                        "error", f"Cannot download from {device.name}: {device.unusable_reason}"
                    )
                return
        marks = glyphs.current()
        self.screen.say(
            "error", f"No camera named or with ESN {marks.left_quote}{wanted}{marks.right_quote}."
        )
