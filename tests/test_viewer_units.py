"""The viewer's parts without a terminal program: the image box's place in the canvas, the pixel
painter on a real urwid screen over a pty (what it writes, and when), the viewer's order,
camera.json, the on-disk marks, and the graphics setting."""

from __future__ import annotations

import json
import os
import re
import select
from datetime import datetime, timezone
from pathlib import Path

import pytest
import urwid
from PIL import Image
from test_ui_widgets import camera

from een_tui import config
from een_tui.api.errors import ConfigurationError
from een_tui.download.camera_file import recording_camera_file, write_camera_file
from een_tui.download.events import RunPlanned
from een_tui.download.on_disk import cameras_with_images
from een_tui.media.camera import read_camera_info
from een_tui.media.frames import Frame
from een_tui.ui.graphics import CellSize, Graphics, ImagePlacer
from een_tui.ui.image_box import IMAGE_COORD, ImageBox, draw_mode
from een_tui.ui.pixel_painter import PixelPainter, placement_in
from een_tui.ui.viewer import ViewerScreen, time_label


def jpeg(path: Path, colour=(200, 40, 40), size=(80, 60)) -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


def layout(box: ImageBox) -> urwid.Widget:
    """A header row, then a 10-column left margin beside the box, then a footer row."""
    body = urwid.Columns([(10, urwid.SolidFill("x")), box])
    return urwid.Frame(body, header=urwid.Text("head"), footer=urwid.Text("foot"))


# ---- the image box ---------------------------------------------------------------------------


def test_the_box_says_where_it_is_in_the_top_canvas(tmp_path):
    box = ImageBox("pixels")
    box.set_image(jpeg(tmp_path / "a.jpg"))
    canvas = layout(box).render((50, 12), focus=True)
    assert canvas.coords[IMAGE_COORD] == (10, 1, (str(tmp_path / "a.jpg"), 40, 10))
    assert placement_in(canvas, (50, 12)) == (str(tmp_path / "a.jpg"), (10, 1, 40, 10))
    assert all(line.strip() in (b"", b"x" * 10) for line in canvas.text[1:11])  # blank cells
    box.set_image(None)
    assert placement_in(layout(box).render((50, 12), focus=True), (50, 12)) is None


def test_draw_modes():
    assert [draw_mode(p) for p in ("kitty", "iterm", "sixel", "blocks", "none")] == [
        "pixels", "pixels", "pixels", "blocks", "none"]
    assert IMAGE_COORD not in ImageBox("blocks").render((20, 5)).coords


# ---- the painter on a real screen ------------------------------------------------------------


@pytest.fixture
def screen():
    master, slave = os.openpty()
    os.set_blocking(master, False)
    scr = urwid.display.raw.Screen(
        input=os.fdopen(slave, "rb", buffering=0, closefd=False),
        output=os.fdopen(slave, "w", closefd=False),
    )
    scr.register_palette([])
    scr.start()

    def written() -> bytes:
        data = b""
        while select.select([master], [], [], 0.05)[0]:
            try:
                data += os.read(master, 1 << 20)
            except BlockingIOError:
                break
        return data

    scr.written = written
    yield scr
    scr.stop()
    os.close(master)
    os.close(slave)


def painted(scr, painter_visible: list[bool], tmp_path):
    box = ImageBox("pixels")
    placer = ImagePlacer(Graphics("sixel", CellSize(10, 20)))
    painter = PixelPainter(placer, lambda: painter_visible[0])
    painter.attach(scr)
    return box, painter


def draw(scr, widget, size=(50, 12)) -> bytes:
    scr.written()
    scr.draw_screen(size, widget.render(size, focus=True))
    return scr.written()


def test_the_image_goes_where_the_box_is_after_urwids_redraw(screen, tmp_path):
    visible = [True]
    box, _painter = painted(screen, visible, tmp_path)
    box.set_image(jpeg(tmp_path / "a.jpg"))
    widget = layout(box)
    out = draw(screen, widget)
    sixel = out.index(b"\x1bP")  # the image comes after the cells...
    assert out.rindex(b"foot") < sixel
    # ...in the box (row 1, column 10, 40x10 cells of 10x20 px): the 80x60 image scales to
    # 267x200 px = 27x10 cells, centred: column 10 + (40 - 27) // 2 = 16, so 1-based 2;17
    assert re.search(rb"\x1b7\x1b\[2;17H\x1b\[m\x1bP", out), out[sixel - 20 : sixel + 5]
    assert out.endswith(b"\x1b8")
    assert b"\x1bP" not in draw(screen, widget)  # nothing changed: nothing written again


def test_a_repaint_over_the_image_puts_it_back_and_an_overlay_takes_it_away(screen, tmp_path):
    visible = [True]
    box, painter = painted(screen, visible, tmp_path)
    box.set_image(jpeg(tmp_path / "a.jpg"))
    draw(screen, layout(box))
    # a row under the image changes (the margin): urwid repaints it, so the image is placed again
    changed = urwid.Frame(urwid.Columns([(10, urwid.SolidFill("y")), box]),
                          header=urwid.Text("head"), footer=urwid.Text("foot"))
    assert b"\x1bP" in draw(screen, changed)
    visible[0] = False  # an overlay: no image, and urwid repaints the image's rows
    out = draw(screen, changed)
    assert b"\x1bP" not in out and painter.shown is None
    for row in range(2, 12):
        assert f"\x1b[{row};1H".encode() in out, row


def test_another_image_erases_the_first_one(screen, tmp_path):
    visible = [True]
    box, painter = painted(screen, visible, tmp_path)
    box.set_image(jpeg(tmp_path / "a.jpg"))
    widget = layout(box)
    draw(screen, widget)
    box.set_image(jpeg(tmp_path / "b.jpg", colour=(0, 0, 255), size=(60, 80)))
    out = draw(screen, widget)
    assert out.count(b"\x1bP") == 1
    assert out.index(b"\x1b[11;1H") < out.index(b"\x1bP")  # the old rows first, then the image
    assert painter.shown == (str(tmp_path / "b.jpg"), (10, 1, 40, 10))


def test_an_unreadable_image_is_logged_not_raised(screen, tmp_path):
    box, painter = painted(screen, [True], tmp_path)
    (tmp_path / "bad.jpg").write_bytes(b"not a jpeg")
    box.set_image(tmp_path / "bad.jpg")
    assert b"\x1bP" not in draw(screen, layout(box))
    assert painter.shown is None


def test_kitty_deletes_its_image_when_the_box_leaves(screen, tmp_path):
    visible = [True]
    box = ImageBox("pixels")
    painter = PixelPainter(ImagePlacer(Graphics("kitty", CellSize(10, 20))), lambda: visible[0])
    painter.attach(screen)
    box.set_image(jpeg(tmp_path / "a.jpg"))
    out = draw(screen, layout(box))
    image_id = re.search(rb"\x1b_G[^;]*i=(\d+)", out).group(1)
    visible[0] = False
    out = draw(screen, layout(box))
    assert re.search(rb"\x1b_Ga=d,d=I,i=" + image_id, out), out


# ---- the viewer --------------------------------------------------------------------------------


def frame(stamp: str, folder: Path) -> Frame:
    moment = datetime.strptime(stamp, "%Y%m%d%H%M%S.%f").replace(tzinfo=timezone.utc)
    return Frame(moment, jpeg(folder / f"{stamp}.jpg"))


def test_viewer_orders_by_time_and_keeps_its_image_when_one_arrives(tmp_path):
    frames = [frame(s, tmp_path) for s in ("20261201100000.000", "20261201080000.000")]
    viewer = ViewerScreen(frames, title="Gate", image=ImageBox("none"), on_close=lambda: None)
    assert viewer.current.path.name == "20261201100000.000.jpg"  # the newest first
    viewer.keypress((80, 20), "left")
    assert viewer.current.path.name == "20261201080000.000.jpg"
    viewer.add(jpeg(tmp_path / "20261201090000.000.jpg"))
    assert viewer.current.path.name == "20261201080000.000.jpg"  # stays on its image
    assert [f.path.name[:10] for f in viewer.frames] == ["2026120108", "2026120109", "2026120110"]
    viewer.keypress((80, 20), "l")
    assert viewer.current.path.name == "20261201090000.000.jpg"
    viewer.add(tmp_path / "notes.txt")  # not an image: ignored
    assert len(viewer.frames) == 3
    assert viewer.keypress((80, 20), "q") == "q"  # not the viewer's: up to the app


def test_time_label_in_the_camera_zone(tmp_path):
    from zoneinfo import ZoneInfo

    item = frame("20261201120000.250", tmp_path)
    assert time_label(item, ZoneInfo("Asia/Tokyo")) == "2026-12-01 21:00:00.250 JST"
    assert time_label(item, timezone.utc) == "2026-12-01 12:00:00.250 UTC"


# ---- camera.json, marks, the setting ---------------------------------------------------------


def test_camera_json_is_written_whole_and_read_back(tmp_path):
    device = camera("100abcde", "Front gate", timezone="Europe/Paris")
    when = datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc)
    write_camera_file(tmp_path, device, when=when)
    data = json.loads((tmp_path / "camera.json").read_text())
    assert data == {"name": "Front gate", "esn": "100abcde", "status": "online",
                    "recording": device.recording, "time_zone": "Europe/Paris",
                    "downloaded_at": "2026-12-01T08:30:00Z", "api": "v1"}
    assert [p.name for p in tmp_path.iterdir()] == ["camera.json"]  # no temporary file left
    info = read_camera_info(tmp_path)
    assert info.name == "Front gate" and str(info.zone) == "Europe/Paris"


def test_camera_json_is_written_with_the_first_image_and_failure_does_not_stop_it(tmp_path):
    from een_tui.download.events import ImageSaved

    device = camera("100abcde", "Lobby")
    seen, problems = [], []
    handle = recording_camera_file(seen.append, on_error=problems.append)
    planned = RunPlanned(camera=device, requested=1, workers=1, timestamps=(),
                         out_dir=str(tmp_path))
    handle(planned)
    assert seen == [planned] and not (tmp_path / "camera.json").exists()  # no image yet
    saved = ImageSaved(worker=1, timestamp="20261201120000.000", path=str(
        jpeg(tmp_path / "20261201120000.000.jpg")), size=100, saved=1, requested=1)
    handle(saved)
    assert seen == [planned, saved] and (tmp_path / "camera.json").exists()
    gone = RunPlanned(camera=device, requested=1, workers=1, timestamps=(),
                      out_dir=str(tmp_path / "missing"), already_saved=("x.jpg",))
    handle(gone)  # the folder cannot be written: said, and the run goes on
    assert seen[-1] is gone and len(problems) == 1


def test_camera_json_of_a_many_camera_run_only_where_images_are(tmp_path):
    from een_tui.download.events import ImageSaved
    from een_tui.download.fleet import CameraOpened

    good, skipped = camera("100aaaaa", "Gate"), camera("100bbbbb", "Yard")
    handle = recording_camera_file(None, cameras=[good, skipped], api="v3")
    for device in (good, skipped):
        (tmp_path / device.id).mkdir()
        handle(CameraOpened(id=device.id, name=device.name, wanted=2,
                            out_dir=str(tmp_path / device.id)))
    path = jpeg(tmp_path / good.id / "20261201120000.000.jpg")
    handle(ImageSaved(worker=2, timestamp="20261201120000.000", path=str(path), size=1,
                      saved=1, requested=2))
    assert json.loads((tmp_path / good.id / "camera.json").read_text())["api"] == "v3"
    assert not list((tmp_path / skipped.id).iterdir())  # skipped: its folder stays empty


def test_cameras_with_images_on_disk(tmp_path):
    (tmp_path / "100aaaaa").mkdir()
    jpeg(tmp_path / "100aaaaa" / "20261201100000.000.jpg")
    (tmp_path / "100bbbbb").mkdir()
    (tmp_path / "100bbbbb" / "20261201100000.000.jpg.part").write_bytes(b"x")
    (tmp_path / "100ccccc").mkdir()
    jpeg(tmp_path / "100ccccc" / "20261201100000.000.jpg")
    (tmp_path / "100ddddd").write_text("a file, not a folder")
    esns = ["100AAAAA", "100bbbbb", "100ddddd", None, "../etc"]
    assert cameras_with_images(tmp_path, esns) == {"100aaaaa"}  # 100ccccc: not in the account
    assert cameras_with_images(tmp_path / "nowhere", esns) == set()
    assert cameras_with_images(tmp_path, ["100aaaaa", "100ccccc"], limit=1) == {"100aaaaa"}


def test_graphics_setting_flag_environment_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config.graphics_setting(None, environ={}) == "auto"
    (tmp_path / "een-tui").mkdir()
    (tmp_path / "een-tui" / "config.toml").write_text('graphics = "sixel"\n')
    assert config.graphics_setting(None, environ={}) == "sixel"
    assert config.graphics_setting(None, environ={"EEN_GRAPHICS": "kitty"}) == "kitty"
    assert config.graphics_setting("none", environ={"EEN_GRAPHICS": "kitty"}) == "none"
    (tmp_path / "een-tui" / "config.toml").write_text("graphics = 3\n")
    with pytest.raises(ConfigurationError, match="graphics"):
        config.graphics_setting(None, environ={})


# ---- a worker row's state and its timestamp ----------------------------------------------------


@pytest.mark.parametrize(("delay", "said"), [(0.2, "retrying in <1s"), (12, "retrying in 12s"),
                                             (600, "retrying in 10m")])
def test_a_worker_state_never_runs_into_the_timestamp(delay, said):
    from een_tui.download.events import WorkerState, WorkerUpdate
    from een_tui.ui.download_screen import WorkerRow

    row = WorkerRow(2)
    row.set_update(WorkerUpdate(worker=2, state=WorkerState.RETRYING, retry_in_s=delay,
                                timestamp="20261201120000.000", attempt=3, error="timeout"))
    (line,) = [bytes(t).decode() for t in row.render((80,)).text]
    assert f"{said} " in line and " 20261201120000.000 " in line
    assert line.index(said) + len(said) < line.index("20261201120000.000")


def test_a_new_image_too_soon_after_the_last_waits_for_a_later_redraw(screen, tmp_path):
    asked: list[float] = []
    box = ImageBox("pixels")
    placer = ImagePlacer(Graphics("sixel", CellSize(10, 20)))
    painter = PixelPainter(placer, lambda: True, asked.append)
    painter.attach(screen)
    widget = layout(box)
    box.set_image(jpeg(tmp_path / "a.jpg"))
    assert b"\x1bP" in draw(screen, widget)
    for name in ("b.jpg", "c.jpg"):  # a burst of saved images
        box.set_image(jpeg(tmp_path / name, colour=(0, 0, 200)))
        assert b"\x1bP" not in draw(screen, widget)
    assert len(asked) == 1 and 0 < asked[0] <= 0.3  # one redraw asked for, in time
    assert painter.shown[0] == str(tmp_path / "a.jpg")
    painter._placed_at -= 1.0  # the redraw it asked for, a moment later
    out = draw(screen, widget)
    assert out.count(b"\x1bP") == 1 and painter.shown[0] == str(tmp_path / "c.jpg")


def test_a_resize_repaints_everything_and_places_the_image_anew(screen, tmp_path):
    box, painter = painted(screen, [True], tmp_path)
    box.set_image(jpeg(tmp_path / "a.jpg"))
    widget = layout(box)
    draw(screen, widget, (50, 12))
    out = draw(screen, widget, (70, 16))
    for row in range(1, 17):  # every row drawn again (the terminal may have reflowed)
        assert f"\x1b[{row};1H".encode() in out or row == 1, row
    assert out.count(b"\x1bP") == 1
    assert painter.shown == (str(tmp_path / "a.jpg"), (10, 1, 60, 14))


def test_viewer_header_shows_the_graphics_note_as_words(tmp_path):
    frames = [frame("20261201100000.000", tmp_path)]
    viewer = ViewerScreen(frames, title="Gate", image=ImageBox("none"), on_close=lambda: None,
                          note="tmux passes no images")
    header = viewer.render((100, 20)).text[0].decode()
    assert "1/1" in header and "tmux passes no images" in header
    assert "widget" not in header and "<" not in header  # never a widget's repr


def test_timelapse_key_one_at_a_time_and_a_bug_said_in_words(tmp_path, monkeypatch):
    from een_tui.media import timelapse
    from een_tui.ui.viewer_controller import ViewerController

    queued: list = []
    viewer = ViewerController(show=lambda *a: None, image_mode="none", colors=1, no_color=True,
                              out_dir=tmp_path, background=lambda w, d: queued.append((w, d)))
    frames = [frame(s, tmp_path) for s in ("20261201100000.000", "20261201100001.000")]
    viewer.open_run([str(f.path) for f in frames], None, folder=str(tmp_path),
                    back=lambda: None, source="run")
    screen = viewer.screen

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(timelapse, "make_timelapse", broken)
    screen.keypress((80, 20), "T")
    screen.keypress((80, 20), "T")  # while the first is written: not a second encoder
    assert len(queued) == 1
    assert "being written already" in screen.message
    work, done = queued.pop()
    done(work())
    assert screen.message.startswith("timelapse not written: unexpected error (ValueError)")
    screen.keypress((80, 20), "T")  # the first one ended: T works again
    assert len(queued) == 1
