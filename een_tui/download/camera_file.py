"""``camera.json`` beside a camera's images: which camera they came from, its status and time
zone when the run started, when, and over which API. Written atomically (a temporary file in the
same folder, then ``os.replace``), so a reader never sees half a file.

Read back (as untrusted) by :func:`een_tui.media.camera.read_camera_info`."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from een_tui.api.model import Camera
from een_tui.download.events import Event, ImageSaved, RunPlanned

CAMERA_FILE = "camera.json"


def camera_record(camera: Camera, *, api: str = "v1", when: datetime | None = None) -> dict:
    """The fields written for ``camera``: name, ESN, status, recording, time zone, when, api."""
    moment = (when or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return {
        "name": camera.name,
        "esn": camera.id,
        "status": camera.status.value,
        "recording": camera.recording,
        "time_zone": camera.timezone,
        "downloaded_at": moment.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "api": api,
    }


def write_camera_file(folder: Path, camera: Camera, *, api: str = "v1",
                      when: datetime | None = None) -> Path:
    """Write ``folder/camera.json`` atomically; returns its path. OSError when it cannot."""
    target = Path(folder) / CAMERA_FILE
    data = json.dumps(camera_record(camera, api=api, when=when), indent=2) + "\n"
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{CAMERA_FILE}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
        os.chmod(name, 0o644)
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return target


def recording_camera_file(on_event: Callable[[Any], None] | None, *, api: str = "v1",
                          on_error: Callable[[OSError], None] | None = None,
                          cameras: Iterable[Camera] = ()) -> Callable[[Any], None]:
    """An event handler that writes ``camera.json`` into a camera's folder once it holds an
    image (the first :class:`ImageSaved` there, or at once when the plan found images on
    disk), then passes every event on to ``on_event``. The camera comes from a single run's
    :class:`RunPlanned` or a many-camera run's ``CameraOpened`` (one of ``cameras``); a camera
    skipped before any image leaves no folder behind. A failure to write is reported to
    ``on_error`` and never stops the run: the images matter more than their label."""
    by_id = {camera.id.lower(): camera for camera in cameras if camera.id}
    waiting: dict[str, Camera] = {}  # folder -> its camera, until its first image
    opened: type | None = None  # a single-camera run never imports the many-camera module
    if by_id:
        from een_tui.download.fleet import CameraOpened as opened

    def write(folder: str, camera: Camera) -> None:
        try:
            write_camera_file(Path(folder), camera, api=api)
        except OSError as error:
            if on_error is not None:
                on_error(error)

    def handle(event: Event) -> None:
        if isinstance(event, RunPlanned):
            if event.already_saved:
                write(event.out_dir, event.camera)
            else:
                waiting[os.path.normpath(event.out_dir)] = event.camera
        elif opened is not None and isinstance(event, opened) and event.id.lower() in by_id:
            waiting[os.path.normpath(event.out_dir)] = by_id[event.id.lower()]
        elif isinstance(event, ImageSaved):
            folder = os.path.normpath(os.path.dirname(event.path))
            camera = waiting.pop(folder, None)
            if camera is not None:
                write(folder, camera)
        if on_event is not None:
            on_event(event)

    return handle
