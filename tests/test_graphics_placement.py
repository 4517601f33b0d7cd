"""ImagePlacer: cursor handling, fitting, caching, erasing; payloads decoded and compared."""

import base64
import io
import re

import pytest
from PIL import Image
from test_graphics_sixel import decode_sixel, quadrants

from een_tui.ui.graphics import CellSize, Graphics, GraphicsError, ImagePlacer, fit
from een_tui.ui.graphics import placement as placement_module

CELL = CellSize(8, 16)


def frame(data: bytes) -> tuple[int, int, bytes]:
    """(row, col) of the cursor move (1-based) and the image bytes between save and restore
    (drawn with default attributes: the cells around the image keep no urwid colour)."""
    match = re.fullmatch(rb"\x1b7\x1b\[(\d+);(\d+)H\x1b\[m(.*)\x1b8", data, re.DOTALL)
    assert match, data[:60]
    return int(match.group(1)), int(match.group(2)), match.group(3)


def test_fit_keeps_aspect_and_centres():
    # 200x100 into 10x10 cells of 8x16 px (80x160 px): 80x40 px, 10 cols x 3 rows, centred
    spot = fit((200, 100), (5, 2, 10, 10), CELL)
    assert (spot.width, spot.height, spot.cols, spot.rows) == (80, 40, 10, 3)
    assert (spot.col, spot.row) == (5, 2 + 3)


@pytest.mark.parametrize("rect", [(0, 0, 0, 4), (0, 0, 4, 0), (-1, 0, 4, 4), (0, 0, 5000, 4)])
def test_bad_rectangle_is_refused(rect):
    with pytest.raises(GraphicsError, match="rectangle"):
        fit((10, 10), rect, CELL)


def test_sixel_placement_moves_draws_and_restores(tmp_path):
    path = tmp_path / "q.png"
    quadrants(100, 50).save(path)
    placer = ImagePlacer(Graphics("sixel", CELL))
    row, col, body = frame(placer.place(path, (3, 1, 10, 4)))
    # 100x50 into 80x64 px: 80x40 px = 10 cols x 3 rows (2.5 rounded up): no room to centre
    assert (row, col) == (1 + 1, 3 + 1)
    image, _, painted = decode_sixel(body)
    assert image.size == (80, 40)
    assert len(painted) == 80 * 40
    assert image.getpixel((10, 10)) == (255, 0, 0)
    assert image.getpixel((70, 30)) == (255, 255, 0)
    assert placer.erase() == b""
    assert placer.erase_needs_redraw


def test_cache_per_file_and_size(tmp_path, monkeypatch):
    calls = []
    real = placement_module.encode_sixel
    monkeypatch.setattr(placement_module, "encode_sixel", lambda im: calls.append(im) or real(im))
    path = tmp_path / "q.png"
    quadrants(40, 40).save(path)
    placer = ImagePlacer(Graphics("sixel", CELL))
    first = placer.place(path, (0, 0, 5, 5))
    moved = placer.place(path, (2, 2, 5, 5))
    assert len(calls) == 1
    assert frame(first)[2] == frame(moved)[2]
    placer.place(path, (0, 0, 6, 6))
    assert len(calls) == 2
    Image.new("RGB", (40, 40), (0, 0, 255)).save(path)  # a new file: new size and mtime
    _, _, body = frame(placer.place(path, (0, 0, 5, 5)))
    assert len(calls) == 3
    assert decode_sixel(body)[0].getpixel((0, 0)) == (0, 0, 255)


def test_kitty_placement_pads_to_whole_cells_and_erases_by_id():
    placer = ImagePlacer(Graphics("kitty", CELL))
    _, _, body = frame(placer.place(quadrants(100, 50), (0, 0, 10, 4)))
    codes = re.findall(rb"\x1b_G[^\x1b]*\x1b\\", body)
    assert b"".join(codes) == body
    controls = [dict(p.split("=") for p in c[3:].split(b";")[0].decode().split(",")) for c in codes]
    assert controls[0]["c"] == "10" and controls[0]["r"] == "3"
    image_id = int(controls[0]["i"])
    png = base64.b64decode(b"".join(c[3:-2].split(b";", 1)[1] for c in codes if b";" in c))
    decoded = Image.open(io.BytesIO(png))
    assert decoded.size == (80, 48)  # 10x3 cells; the 80x40 image centred, 4 px margins
    assert decoded.getpixel((0, 0))[3] == 0
    assert decoded.getpixel((5, 8)) == (255, 0, 0, 255)
    assert decoded.getpixel((75, 40)) == (255, 255, 0, 255)
    assert placer.erase() == b"\x1b_Ga=d,d=I,i=%d,q=2\x1b\\" % image_id
    assert placer.erase() == b""
    assert not placer.erase_needs_redraw


def test_passthrough_wraps_the_image_not_the_cursor_moves():
    placer = ImagePlacer(Graphics("iterm", CELL, passthrough=True))
    _, _, body = frame(placer.place(quadrants(16, 16), (1, 1, 2, 1)))
    assert body.startswith(b"\x1bPtmux;\x1b\x1b]1337;File=") and body.endswith(b"\x07\x1b\\")
    kitty = ImagePlacer(Graphics("kitty", CELL, passthrough=True))
    kitty.place(quadrants(16, 16), (1, 1, 2, 1))
    assert kitty.erase().startswith(b"\x1bPtmux;\x1b\x1b_Ga=d")


@pytest.mark.parametrize("protocol", ["blocks", "none"])
def test_urwid_protocols_write_nothing(protocol, tmp_path):
    placer = ImagePlacer(Graphics(protocol))
    assert not placer.pixels
    assert placer.place(tmp_path / "missing.jpg", (0, 0, 4, 4)) == b""
    assert placer.erase() == b""


def test_unreadable_image_is_a_clear_error(tmp_path):
    placer = ImagePlacer(Graphics("sixel", CELL))
    with pytest.raises(GraphicsError, match=r"missing\.jpg"):
        placer.place(tmp_path / "missing.jpg", (0, 0, 4, 4))
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"<html>not an image</html>")
    with pytest.raises(GraphicsError, match=r"cannot read image .*bad\.jpg"):
        placer.place(bad, (0, 0, 4, 4))


def test_bad_rectangle_is_refused_for_a_cached_image_too(tmp_path):
    path = tmp_path / "q.png"
    quadrants(10, 10).save(path)
    placer = ImagePlacer(Graphics("sixel", CELL))
    placer.place(path, (0, 0, 4, 4))
    with pytest.raises(GraphicsError, match="rectangle"):
        placer.place(path, (-3, 0, 4, 4))
