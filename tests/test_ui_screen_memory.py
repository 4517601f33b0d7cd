"""A download screen that is left is freed (issue 12: UI memory over many download cycles).

urwid's canvas cache keeps a widget alive while one of its canvases lives; a widget that holds
its own canvas (the thumbnail did) is then never freed, with its decoded image. Screens are
drawn here the way urwid's main loop draws them, then dropped."""

from __future__ import annotations

import gc
import io
import weakref
from pathlib import Path

from PIL import Image

from een_tui.download.events import ImageSaved
from een_tui.ui.download_screen import DownloadScreen

SIZE = (120, 38)


def jpeg(tmp_path: Path, n: int) -> Path:
    path = tmp_path / f"{n}.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (n * 40 % 256, 90, 160)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def drawn_screen(tmp_path: Path, n: int) -> weakref.ref:
    """A screen with a thumbnail, drawn twice (the second from the caches), then dropped."""
    screen = DownloadScreen(20, 5, colors=256, no_color=False)
    path = jpeg(tmp_path, n)
    screen.apply(ImageSaved(worker=1, timestamp=f"2026120200000{n}.000", path=str(path),
                            size=path.stat().st_size, saved=1, requested=20))
    for _ in range(2):
        canvas = screen.render(SIZE, focus=True)
        assert any("▀".encode() in row for row in canvas.text)  # the picture is drawn
        del canvas
    thumbnail = screen.thumbnail.thumbnail  # the half-block drawer inside the image box
    assert thumbnail._image is not None
    return weakref.ref(thumbnail)


def test_a_left_download_screen_and_its_thumbnail_are_freed(tmp_path):
    thumbnails = [drawn_screen(tmp_path, n) for n in range(5)]
    gc.collect()
    alive = [ref for ref in thumbnails if ref() is not None]
    assert alive == []
