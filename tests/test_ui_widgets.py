"""UI widgets rendered without a terminal: camera list, cameras screen, worker rows, download
screen, thumbnail, keymap/help, details, login form."""

from __future__ import annotations

import pytest
import urwid
from PIL import Image

from een_tui.api.devices import Device
from een_tui.api.model import Camera
from een_tui.api.status import CameraStatus, decode_status
from een_tui.download.events import (
    CameraRejected,
    ImageFailed,
    ImageSaved,
    RunFinished,
    RunOutcome,
    RunPlanned,
    WorkerState,
    WorkerUpdate,
)
from een_tui.ui import glyphs, keymap
from een_tui.ui.camera_list import CameraList, CameraWalker
from een_tui.ui.camera_rows import layout_for
from een_tui.ui.cameras_screen import CameraActions, CamerasScreen
from een_tui.ui.details import DetailsOverlay
from een_tui.ui.download_screen import DownloadScreen, WorkerRow
from een_tui.ui.help import HelpOverlay
from een_tui.ui.hint_bar import HintBar
from een_tui.ui.login_screen import LoginActions, LoginScreen
from een_tui.ui.thumbnail import Thumbnail

ONLINE_BITS = 0x1E8000  # registered, recording, streaming, on (+ reserved bit 15)
OFF_BITS = 0x100000  # registered, not on
INTERNET_OFFLINE_BITS = 0x060000  # streaming + on, not registered
PASSWORD_BITS = 0x120100  # registered + on + password needed


def camera(esn: str, name: str, bits: int = ONLINE_BITS, **extra) -> Camera:
    decoded = decode_status(bits)
    return Camera.from_v1(Device(
        id=esn,
        name=name,
        type="camera",
        status=decoded.status,
        recording=decoded.recording,
        status_bits=decoded.bits,
        bridges=("1003abcd",),
        **extra,
    ))


def text_of(canvas: urwid.Canvas) -> list[str]:
    return [line.decode("utf-8") for line in canvas.text]


@pytest.fixture
def small_account() -> list[Camera]:
    return [
        camera("10001111", "Lobby"),
        camera("10002222", "Back door", OFF_BITS),
        camera("10003333", "Parking", INTERNET_OFFLINE_BITS),
        camera("10004444", "Server room", PASSWORD_BITS),
        camera("10005555", "Atrium"),
        Camera.from_v1(Device(
            id="1003abcd",
            name="Bridge 1",
            type="bridge",
            status=CameraStatus.ONLINE,
            recording=False,
            status_bits=0x120000,
        )),
    ]


def many_cameras(count: int) -> list[Camera]:
    return [camera(f"{0x20000000 + i:08x}", f"Camera {i:05d}") for i in range(count)]


# ---- camera list -----------------------------------------------------------------------------


def test_camera_list_renders_status_symbol_label_name_esn_bridge(small_account):
    lines = text_of(CameraList(small_account).render((80, 8), focus=True))
    assert "Status" in lines[0] and "Name" in lines[0] and "ESN" in lines[0]
    body = "\n".join(lines[1:])
    assert "● Online" in body and "Lobby" in body and "10001111" in body and "1003abcd" in body
    assert "○ Off" in body and "Back door" in body
    assert "⊘ Internet Offline" in body
    assert "⚿ Password Needed" in body
    assert "Bridge 1" not in body  # bridges are not cameras
    # sorted by status: online cameras first, by name
    assert lines[1].split()[2:3] == ["◉"] and "Atrium" in lines[1]
    assert "Lobby" in lines[2]


@pytest.mark.parametrize("width", [20, 30, 40, 60, 80, 120])
def test_camera_rows_never_wrap(small_account, width):
    canvas = CameraList(small_account).render((width, 7), focus=True)
    lines = text_of(canvas)
    assert len(lines) == 7
    for line in lines:
        assert urwid.calc_width(line, 0, len(line)) == width
    if width < 36:
        assert "10001111" not in "".join(lines)  # the ESN column dropped
    if width < 66:
        assert "1003abcd" not in "".join(lines)  # the bridge column dropped first


def test_layout_drops_columns_in_order():
    wide, mid, narrow = layout_for(100), layout_for(60), layout_for(40)
    assert wide.bridge and wide.label and wide.esn
    assert not mid.bridge and mid.label and mid.esn
    assert not narrow.bridge and not narrow.label and narrow.esn


def test_filter_sort_and_online_only(small_account):
    walker = CameraWalker(small_account)
    assert len(walker) == 5
    walker.set_filter("door")
    assert [walker[i].device.name for i in range(len(walker))] == ["Back door"]
    walker.set_filter("1000")  # ESN prefix: all cameras
    assert len(walker) == 5
    walker.set_filter("")
    walker.toggle_online_only()
    assert {walker[i].device.name for i in range(len(walker))} == {"Lobby", "Atrium"}
    walker.toggle_online_only()
    assert walker.cycle_sort() == "name"
    assert [walker[i].device.name for i in range(len(walker))][:2] == ["Atrium", "Back door"]
    assert walker.cycle_sort() == "esn"
    assert walker[0].device.id == "10001111"
    assert walker.cycle_sort() == "status"


def test_filter_keeps_the_selected_camera_when_it_still_matches(small_account):
    walker = CameraWalker(small_account)
    walker.set_focus(1)
    selected = walker.focused_device
    walker.set_filter(selected.name[:3])
    assert walker.focused_device is selected


def test_ten_thousand_cameras_are_built_lazily():
    cameras = many_cameras(10_000)
    cl = CameraList(cameras)
    cl.render((80, 24), focus=True)
    assert len(cl.walker._rows) <= 30  # only what is on screen, not 10,000 widgets
    for text in ("c", "camera", "camera 0", "camera 012", "camera 0123"):
        cl.walker.set_filter(text)
        cl.render((80, 24), focus=True)
    assert len(cl.walker) == 10  # "Camera 0123x"
    assert len(cl.walker._rows) <= 60
    cl.move((80, 23), "bottom")
    assert cl.selected.name == "Camera 01239"


def test_move_commands(small_account):
    cl = CameraList(small_account)
    cl.render((80, 6), focus=True)
    cl.move((80, 5), "cursor_down")
    assert cl.selected.name == "Lobby"
    cl.move((80, 5), "bottom")
    assert cl.selected.name == "Server room"  # status order: online, off, ..., password
    cl.move((80, 5), "top")
    assert cl.selected.name == "Atrium"


def test_empty_list_says_why(small_account):
    cl = CameraList(small_account)
    cl.walker.set_filter("no such camera")
    assert "no camera matches" in "".join(text_of(cl.render((80, 5), focus=True)))
    assert "no cameras in this account" in "".join(
        text_of(CameraList([]).render((80, 5), focus=True))
    )


# ---- cameras screen --------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.calls = []

    def actions(self) -> CameraActions:
        return CameraActions(
            download=lambda d: self.calls.append(("download", d.name)),
            random=lambda: self.calls.append(("random",)),
            refresh=lambda: self.calls.append(("refresh",)),
            details=lambda d: self.calls.append(("details", d.name)),
        )


def press(widget: urwid.Widget, size: tuple[int, int], *keys: str) -> list[str | None]:
    return [widget.keypress(size, key) for key in keys]


def test_cameras_screen_keys(small_account):
    rec = Recorder()
    screen = CamerasScreen(rec.actions())
    screen.set_devices(small_account)
    size = (80, 20)
    header = text_of(screen.render(size, focus=True))[0]
    assert header.startswith("5 cameras  ● 2 ○ 1 ⊘ 1 ⚿ 1  · sort: status")
    press(screen, size, "j", "enter")
    assert rec.calls[-1] == ("download", "Lobby")
    press(screen, size, "G", "enter")  # last: the camera that needs a password
    assert rec.calls[-1] == ("download", "Lobby")  # not called again
    rendered = "\n".join(text_of(screen.render(size, focus=True)))
    assert "Cannot download from Server room: the camera is Password Needed" in rendered
    press(screen, size, "i", "r", "R")
    assert rec.calls[-3:] == [("details", "Server room"), ("random",), ("refresh",)]
    assert press(screen, size, "q", "?") == ["q", "?"]  # global keys go up to the app


def test_cameras_screen_filter_is_modal_and_esc_clears(small_account):
    screen = CamerasScreen(Recorder().actions())
    screen.set_devices(small_account)
    size = (80, 20)
    press(screen, size, "/", "p", "a", "r", "q")  # 'q' is typed, not quit
    assert screen.camera_list.walker.filter_text == "parq"
    press(screen, size, "backspace", "k")
    assert screen.camera_list.walker.filter_text == "park"
    assert len(screen.camera_list.walker) == 1
    rendered = "\n".join(text_of(screen.render(size, focus=True)))
    assert "Parking" in rendered and "Lobby" not in rendered and "/park" in rendered
    press(screen, size, "enter")  # keep the filter, back to the list
    assert not screen.filtering and screen.camera_list.walker.filter_text == "park"
    press(screen, size, "esc")  # clears
    assert screen.camera_list.walker.filter_text == ""
    assert len(screen.camera_list.walker) == 5
    press(screen, size, "/", "x", "esc")
    assert screen.camera_list.walker.filter_text == "" and not screen.filtering


def test_cameras_screen_online_only_and_sort_messages(small_account):
    screen = CamerasScreen(Recorder().actions())
    screen.set_devices(small_account)
    size = (80, 20)
    press(screen, size, "o")
    rendered = "\n".join(text_of(screen.render(size, focus=True)))
    assert "online cameras only" in rendered and "showing 2" in rendered
    press(screen, size, "s")
    assert "sorted by name" in "\n".join(text_of(screen.render(size, focus=True)))


# ---- worker rows and the download screen ------------------------------------------------------


def test_worker_row_shows_state_timestamp_bytes_speed_attempt():
    row = WorkerRow(3)
    row.set_update(
        WorkerUpdate(
            worker=3,
            state=WorkerState.FETCHING,
            timestamp="20190409024212.149",
            bytes_received=2048,
            bytes_total=8192,
            speed_bps=40960,
            attempt=2,
        )
    )
    (line,) = text_of(row.render((80,)))
    assert line.startswith("#3 ")
    for part in ("fetching", "20190409024212.149", "2.0 KB/8.0 KB", "40.0 KB/s", "try 2"):
        assert part in line
    row.set_update(
        WorkerUpdate(worker=3, state=WorkerState.RETRYING, retry_in_s=3, attempt=1, error="503")
    )
    (line,) = text_of(row.render((80,)))
    assert "retrying in 3s" in line and "503" in line and "try 1" in line
    (narrow,) = text_of(row.render((30,)))
    assert len(narrow) == 30 and "retrying" in narrow
    row.set_update(
        WorkerUpdate(
            worker=3,
            state=WorkerState.RETRYING,
            retry_in_s=0.2,
            attempt=2,
            error="EEN server error 503: Service Unavailable, try again later",
        )
    )
    (line,) = text_of(row.render((80,)))
    assert "retrying in <1s" in line and "EEN server error 503" in line and "…" in line
    assert line.rstrip().endswith("try 2")  # a long error is cut, the attempt stays


def _saved_jpeg(tmp_path, n: int) -> str:
    path = tmp_path / f"2019040902421{n % 10}.000.jpg"
    Image.new("RGB", (64, 48), (40 * n % 255, 90, 160)).save(path, "JPEG")
    return str(path)


def test_download_screen_progress_five_workers_log_and_summary(tmp_path):
    cam = camera("10001111", "Lobby")
    screen = DownloadScreen(20, 5, colors=256, no_color=False)
    screen.apply(CameraRejected(camera=camera("10009999", "Broken"), reason="no previews"))
    screen.apply(
        RunPlanned(
            camera=cam, requested=20, workers=5, timestamps=("a",) * 25, out_dir=str(tmp_path)
        )
    )
    for n in range(1, 6):
        screen.apply(
            WorkerUpdate(worker=n, state=WorkerState.FETCHING, timestamp=f"2019040902421{n}.000")
        )
    screen.apply(ImageFailed(worker=2, timestamp="20190409024212.000", reason="503", final=False))
    lines = text_of(screen.render((80, 22), focus=False))
    text = "\n".join(lines)
    assert "Lobby" in text and "● Online" in text
    assert sum(1 for line in lines if line.startswith("#") and "fetching" in line) == 5
    assert "skipped Broken: no previews" in text and "retry 20190409024212.000: 503" in text
    for n in range(1, 21):
        screen.apply(
            ImageSaved(
                worker=n % 5 + 1,
                timestamp=f"20190409024{n:03d}.000",
                path=_saved_jpeg(tmp_path, n),
                size=1000,
                saved=n,
                requested=20,
            )
        )
    screen.apply(
        ImageSaved(
            worker=0,
            timestamp="20190409025959.000",
            path=_saved_jpeg(tmp_path, 0),
            size=2048,
            saved=20,
            requested=20,
        )
    )
    lines = text_of(screen.render((80, 22)))
    assert "saved 20190409025959.000 (2.0 KB) by health check" in "\n".join(lines)
    assert any("20/20" in line for line in lines)
    assert any("▀" in line for line in lines)  # the thumbnail
    screen.apply(
        RunFinished(
            outcome=RunOutcome.DONE,
            camera=cam,
            requested=20,
            files=tuple(f"f{n}" for n in range(20)),
            failures={"503": 1},
            elapsed_s=4.0,
            out_dir=str(tmp_path),
        )
    )
    text = "\n".join(text_of(screen.render((80, 22))))
    assert "Done: 20/20 saved in 4.0 s" in text and "5.0 images/s" in text
    assert "failed attempts: 503 ×1" in text and "folder:" in text
    assert not screen.running


def test_workers_keep_their_last_save_when_they_stop():
    screen = DownloadScreen(20, 2, colors=256, no_color=False)
    saved = WorkerUpdate(
        worker=1, state=WorkerState.SAVED, timestamp="20190409024212.149",
        bytes_received=8192, bytes_total=8192, speed_bps=65536.0, attempt=2,
    )
    screen.apply(saved)
    screen.apply(WorkerUpdate(worker=1, state=WorkerState.STOPPED))
    screen.apply(WorkerUpdate(worker=2, state=WorkerState.FETCHING, timestamp="20190409024211.148"))
    screen.apply(WorkerUpdate(worker=2, state=WorkerState.STOPPED))
    text = "\n".join(text_of(screen.render((80, 22))))
    assert "#1 saved" in text and "20190409024212.149" in text and "8.0 KB" in text
    assert "try 2" in text
    assert "#2 stopped" in text and "20190409024211.148" not in text


def test_cancelled_run_summary_says_it_once():
    # The folder is only shown (never touched), and is chosen here: pytest's tmp_path holds the
    # test's name, "cancelled" included, and would be counted when it fits on the screen.
    folder = "/srv/een-tui/out/10001111"
    screen = DownloadScreen(20, 5, colors=256, no_color=False)
    screen.apply(WorkerUpdate(worker=2, state=WorkerState.FETCHING, timestamp="20190409024212.000"))
    screen.apply(
        RunFinished(
            outcome=RunOutcome.CANCELLED,
            camera=camera("10001111", "Lobby"),
            requested=20,
            files=("a", "b"),
            elapsed_s=1.0,
            error="cancelled",
            out_dir=folder,
        )
    )
    lines = text_of(screen.render((80, 22)))
    text = "\n".join(lines)
    assert f"folder: {folder}" in text
    assert "Cancelled: 2/20 saved in 1.0 s" in text
    assert text.lower().count("cancelled") == 2  # the state on the stats line, the headline
    assert lines[2].startswith("cancelled  2/20 images")
    assert "#2 stopped" in text  # no worker left "fetching"
    assert "no failed attempts" in text


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_download_screen_fits_narrow_terminals(width):
    screen = DownloadScreen(20, 5, colors=256, no_color=False)
    lines = text_of(screen.render((width, 20)))
    assert len(lines) == 20
    assert all(urwid.calc_width(line, 0, len(line)) == width for line in lines)


# ---- thumbnail -------------------------------------------------------------------------------


def _picture(tmp_path) -> str:
    im = Image.new("RGB", (160, 120), (255, 0, 0))
    for x in range(80):
        for y in range(120):
            im.putpixel((x, y), (0, 0, 255))
    path = tmp_path / "pic.jpg"
    im.save(path, "JPEG", quality=95)
    return str(path)


def test_thumbnail_256_colours_half_blocks(tmp_path):
    thumb = Thumbnail(256)
    thumb.set_image(_picture(tmp_path))
    canvas = thumb.render((20, 8))
    lines = text_of(canvas)
    assert len(lines) == 8 and all(len(line) == 20 for line in lines)
    assert "▀" * 10 in lines[4]
    specs = {a for row in canvas.content() for a, _, _ in row if isinstance(a, urwid.AttrSpec)}
    assert any(s.foreground.startswith("#00") for s in specs)  # blue on the left
    assert any(s.foreground.startswith("#f") for s in specs)  # red on the right
    assert all(len(s.foreground) == 4 for s in specs)  # #rgb: the 256-colour cube
    assert thumb.render((20, 8)) is canvas  # cached


def test_thumbnail_truecolor(tmp_path):
    thumb = Thumbnail(2**24)
    thumb.set_image(_picture(tmp_path))
    canvas = thumb.render((20, 8))
    specs = {a for row in canvas.content() for a, _, _ in row if isinstance(a, urwid.AttrSpec)}
    assert specs and all(len(s.foreground) == 7 for s in specs)  # #rrggbb


@pytest.mark.parametrize(
    ("colors", "no_color", "note"),
    [(16, False, "16 colours"), (256, True, "NO_COLOR"), (1, False, "1 colours")],
)
def test_thumbnail_not_drawn_below_256_colours_or_with_no_color(tmp_path, colors, no_color, note):
    thumb = Thumbnail(colors, no_color=no_color)
    thumb.set_image(_picture(tmp_path))
    text = " ".join(text_of(thumb.render((30, 6))))
    assert "▀" not in text
    assert "no thumbnail" in text and note.split()[0] in text


def test_thumbnail_of_a_broken_file_says_so(tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a jpeg")
    thumb = Thumbnail(256)
    thumb.set_image(str(bad))
    assert "cannot read the image" in " ".join(text_of(thumb.render((30, 4))))


# ---- palette ---------------------------------------------------------------------------------


def test_palette_entries_are_valid_in_16_256_and_monochrome():
    from een_tui.ui.palette import palette, status_attr, worker_attr

    entries = palette()
    names = {entry[0] for entry in entries}
    for status in CameraStatus:
        assert status_attr(status) in names
    for state in WorkerState:
        assert worker_attr(state) in names
    for _name, fg16, bg16, mono, fg256, bg256 in entries:
        urwid.AttrSpec(fg16, bg16, 16)
        urwid.AttrSpec(fg256, bg256, 256)
        urwid.AttrSpec(mono or "default", "default", 1)
    screen = urwid.display.raw.Screen()
    screen.register_palette(entries)


# ---- keymap, help, details -------------------------------------------------------------------


def test_keymap_has_one_command_per_key_and_context():
    seen = {}
    for binding in keymap.KEY_BINDINGS:
        for key in binding.keys:
            assert (binding.context, key) not in seen, (binding.context, key)
            seen[(binding.context, key)] = binding.command
    assert keymap.command_for("j", keymap.CAMERAS) == "cursor_down"
    assert keymap.command_for("q", keymap.CAMERAS) == "quit"  # global
    assert keymap.command_for("q", keymap.FILTER, include_global=False) is None
    assert keymap.command_for("esc", keymap.DOWNLOAD) == "back"
    assert keymap.keys_for("bottom") == ("G", "end")


def test_help_is_generated_from_the_key_table_and_scrolls():
    closed = []
    overlay = HelpOverlay(urwid.SolidFill("x"), lambda: closed.append(True))
    text = "\n".join(text_of(overlay.render((100, 80))))
    for binding in keymap.KEY_BINDINGS:
        assert binding.help in text
    assert "PgUp" in text and "Ctrl+C" in text and "Esc" in text
    for status in CameraStatus:  # the legend of the status symbols
        assert f"{glyphs.UNICODE.status(status)}{' ' * 14}{status.label}" in text
    first = text_of(overlay.render((80, 20)))[2]
    press(overlay, (80, 20), "page down")
    assert text_of(overlay.render((80, 20)))[2] != first and not closed
    press(overlay, (80, 20), "x")
    assert closed == [True]


def test_an_open_help_box_is_drawn_once_while_the_screen_under_it_changes():
    under = urwid.Text("a" * 100)
    overlay = HelpOverlay(urwid.Filler(under, valign="top"), lambda: None)
    box_draws = []
    real_render = overlay.listbox.render
    overlay.listbox.render = lambda size, focus=False: box_draws.append(size) or real_render(
        size, focus)
    first = text_of(overlay.render((80, 20)))
    under.set_text("b" * 100)  # a worker row changed underneath
    second = text_of(overlay.render((80, 20)))
    assert first[0][0] == "a" and second[0][0] == "b"  # the screen under it is redrawn
    box = slice(1, 19)  # 90 % of 20 rows, in the middle
    assert [row[4:76] for row in second[box]] == [row[4:76] for row in first[box]]  # unchanged
    assert len(box_draws) == 1  # and was not drawn again
    press(overlay, (80, 20), "page down")  # scrolling draws it anew
    assert text_of(overlay.render((80, 20)))[2] != first[2] and len(box_draws) == 2


def test_details_show_decoded_status_bits_and_scroll():
    device = camera("10001111", "Lobby", PASSWORD_BITS, tags=("austin",), timezone="US/Central")
    keys = []
    overlay = DetailsOverlay(urwid.SolidFill("x"), device, keys.append)
    text = " ".join(text_of(overlay.render((100, 40))))
    assert "0x120100" in text
    assert "registered" in text and "on" in text and "password_needed" in text
    assert "not possible: the camera is Password Needed" in text
    assert "US/Central" in text and "austin" in text and "1003abcd" in text
    small = (40, 12)  # a short terminal: the arrows scroll, other keys close
    first = text_of(overlay.render(small))
    press(overlay, small, "j")
    assert text_of(overlay.render(small)) != first and keys == []
    press(overlay, small, "enter")
    assert keys == ["enter"]


# ---- login form ------------------------------------------------------------------------------


def test_login_form_masks_the_password_and_submits():
    calls = []
    screen = LoginScreen(
        LoginActions(
            submit_credentials=lambda u, p: calls.append(("credentials", u, p)),
            send_code=lambda m: calls.append(("send", m)),
            submit_code=lambda c: calls.append(("code", c)),
        )
    )
    size = (80, 20)
    press(screen, size, "enter", "enter")  # Enter moves on to the password, then submits
    assert "Enter your user name." in "\n".join(text_of(screen.render(size, focus=True)))
    press(screen, size, "shift tab", *"demo", "tab", *"s3cret", "enter")
    assert calls == [("credentials", "demo", "s3cret")]
    rendered = "\n".join(text_of(screen.render(size, focus=True)))
    assert "s3cret" not in rendered and "••••••" in rendered and "Logging in" in rendered
    screen.show_error("Wrong user name or password.")
    assert "Wrong user name or password." in "\n".join(text_of(screen.render(size, focus=True)))
    screen.show_methods({"sms": "*** *** 779", "email": "***@example.com"})
    press(screen, size, "down", "enter")  # the method under the cursor: email
    assert calls[-1] == ("send", "email")
    screen.show_methods({"sms": "*** *** 779", "email": "***@example.com"})
    press(screen, size, "enter")
    assert calls[-1] == ("send", "sms")
    screen.show_code_entry("email", "***@example.com")
    rendered = "\n".join(text_of(screen.render(size, focus=True)))
    assert "by email to ***@example.com" in rendered
    assert screen.footer_hints[0] == ("Enter", "log in")
    press(screen, size, *"1234", "enter")
    assert calls[-1] == ("code", "1234")


def test_login_esc_goes_back_from_the_two_factor_steps():
    screen = LoginScreen(LoginActions(lambda u, p: None, lambda m: None, lambda c: None))
    size = (80, 20)
    press(screen, size, *"demo", "tab", *"s3cret")
    press(screen, size, "esc")  # the first step: nothing to go back to, nothing lost
    assert screen.step == "credentials" and screen.password.edit_text == "s3cret"
    screen.show_methods({"sms": "*** *** 779"})
    assert ("Esc", "back") in screen.footer_hints
    press(screen, size, "esc")
    assert screen.step == "credentials" and screen.password.edit_text == ""
    assert screen.username.edit_text == "demo"
    rendered = "\n".join(text_of(screen.render(size, focus=True)))
    assert "Log in to your EEN account." in rendered and "sends the code" not in rendered
    assert screen._pile.focus is screen._fields[screen.password]  # ready for the password
    assert screen.footer_hints[0] == ("Enter", "log in")


# ---- focus and footer ------------------------------------------------------------------------


def test_the_selected_camera_row_is_drawn_in_focus_colours(small_account):
    cl = CameraList(small_account)
    cl.move((80, 7), "cursor_down")
    rows = list(cl.render((80, 8), focus=True).content())
    selected, other = rows[2], rows[1]  # row 0 holds the column titles
    assert {attr for attr, _, _ in selected} == {"focus"}  # the whole row, every column
    assert "focus" not in {attr for attr, _, _ in other}


def test_hint_bar_drops_whole_hints_when_narrow():
    bar = HintBar()
    bar.set_hints([("Enter", "download"), ("r", "random"), ("?", "help"), ("q", "quit")])
    (wide,) = text_of(bar.render((80,)))
    assert wide.rstrip() == "Enter download  r random  ? help  q quit"
    (narrow,) = text_of(bar.render((30,)))  # help and quit stay longest
    assert narrow.rstrip() == "Enter download  ? help  q quit" and len(narrow) == 30
    (narrower,) = text_of(bar.render((16,)))
    assert narrower.rstrip() == "? help  q quit"


def test_cameras_footer_hints_follow_the_filter_mode(small_account):
    screen = CamerasScreen(Recorder().actions())
    screen.set_devices(small_account)
    assert ("Enter", "download") in screen.footer_hints
    press(screen, (80, 20), "/")
    assert screen.footer_hints[:2] == [("Enter", "done"), ("Esc", "clear")]
    press(screen, (80, 20), "esc")
    assert ("Enter", "download") in screen.footer_hints


# ---- sizing contracts (urwid.testing): degenerate sizes never crash or mis-size ---------------

URWID5 = "urwid.testing needs urwid 5, which needs Python 3.11 (Python 3.10 gets urwid 4.2)"


def test_flow_widgets_render_the_rows_they_report(small_account, tmp_path):
    check_flow_sizing = pytest.importorskip("urwid.testing", reason=URWID5).check_flow_sizing

    row = WorkerRow(1)
    row.set_update(WorkerUpdate(worker=1, state=WorkerState.RETRYING, retry_in_s=2, error="x"))
    bar = HintBar()
    bar.set_hints([("Enter", "download"), ("q", "quit")])
    for widget in (row, bar, CameraWalker(small_account)[0]):
        check_flow_sizing(widget)


def test_box_widgets_render_the_size_they_are_given(small_account, tmp_path):
    check_box_sizing = pytest.importorskip("urwid.testing", reason=URWID5).check_box_sizing

    thumb = Thumbnail(256)
    thumb.set_image(_picture(tmp_path))
    screen = CamerasScreen(Recorder().actions())
    screen.set_devices(small_account)
    for widget in (
        thumb,
        CameraList(small_account),
        screen,
        DownloadScreen(20, 5, colors=256, no_color=False),
    ):
        check_box_sizing(widget)


def test_a_camera_whose_api_does_not_say_it_records_shows_a_dash_in_the_list():
    from dataclasses import replace

    unknown = replace(camera("10001111", "Lobby"), recording=None, raw_status="online")
    lines = text_of(CameraList([unknown]).render((80, 3), focus=True))
    assert lines[1].split()[2:4] == ["–", "Lobby"]


@pytest.mark.parametrize("colors", [256, 2**24])
def test_thumbnail_cell_colours_are_the_pixels_own(colors):
    """Each half-block cell: foreground the upper pixel, background the lower one, rounded to
    the 256-colour cube's 16 levels (#rgb) or kept (#rrggbb) in true colour."""
    im = Image.new("RGB", (20, 16))
    for x in range(20):
        for y in range(16):
            im.putpixel((x, y), (x * 13, y * 17, (x * y * 7) % 256))
    thumb = Thumbnail(colors)
    thumb.set_image(im)  # the terminal's size exactly: not resampled
    canvas = thumb.render((20, 8))

    def hex_of(pixel):
        if colors == 256:
            return "#" + "".join(f"{(v * 15 + 127) // 255:x}" for v in pixel)
        return "#" + "".join(f"{v:02x}" for v in pixel)

    for row, runs in enumerate(canvas.content()):
        cells = [a for a, _, data in runs for _ in range(len(data.decode()))]
        assert len(cells) == 20
        for x, spec in enumerate(cells):
            upper, lower = im.getpixel((x, 2 * row)), im.getpixel((x, 2 * row + 1))
            assert spec == urwid.AttrSpec(hex_of(upper), hex_of(lower), colors)


def test_thumbnail_of_a_jpeg_claiming_a_giant_picture_is_a_note_not_a_crash(tmp_path):
    path = tmp_path / "20261201120000.000.jpg"
    Image.new("RGB", (32, 24), (200, 40, 40)).save(path, "JPEG")
    data = bytearray(path.read_bytes())
    sof = data.index(b"\xff\xc0")  # baseline frame header: length(2) precision(1) height width
    data[sof + 5:sof + 9] = (30000).to_bytes(2, "big") * 2  # 30000 x 30000: a decompression bomb
    path.write_bytes(bytes(data))
    thumb = Thumbnail(256)
    thumb.set_image(path)
    text = "\n".join(text_of(thumb.render((30, 8))))
    assert "cannot read the image" in text
