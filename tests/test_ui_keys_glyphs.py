"""Keys as named commands (the table, the dispatchers, the handlers of every screen) and the
glyph sets (Unicode, ASCII, the automatic choice), without a terminal."""

from __future__ import annotations

import os

import pytest
import urwid
from PIL import Image
from test_ui_app import NoConnection
from test_ui_widgets import camera, text_of

from een_tui import exitcodes
from een_tui.api.status import CameraStatus
from een_tui.termenv import can_encode, dumb_terminal, no_color_requested
from een_tui.ui import glyphs, keymap
from een_tui.ui.app import App, AppOptions
from een_tui.ui.camera_list import CameraList, fit_cell
from een_tui.ui.confirm import ConfirmQuit
from een_tui.ui.help import HelpOverlay
from een_tui.ui.image_box import ImageBox
from een_tui.ui.login_screen import LoginActions, LoginScreen
from een_tui.ui.thumbnail import Thumbnail
from een_tui.ui.viewer import ViewerScreen


@pytest.fixture
def app():
    master, slave = os.openpty()
    screen = urwid.display.raw.Screen(
        input=os.fdopen(slave, "rb", buffering=0, closefd=False),
        output=os.fdopen(slave, "w", closefd=False),
    )
    app = App(NoConnection(), AppOptions(), screen=screen)
    yield app
    app.event_loop.close()
    os.close(master)
    os.close(slave)


@pytest.fixture
def ascii_glyphs():
    previous = glyphs.select(glyphs.ASCII)
    yield glyphs.ASCII
    glyphs.select(previous)


# ---- the key table and its dispatchers --------------------------------------------------------


def test_an_unknown_command_name_is_an_error_at_start_up():
    with pytest.raises(ValueError, match="reload_everything"):
        keymap.Dispatcher(
            keymap.DOWNLOAD,
            {"cancel": print, "back": print, "another": print, "reload_everything": print},
        )
    with pytest.raises(ValueError, match="quit"):  # a global command is not a download one
        keymap.Dispatcher(
            keymap.DOWNLOAD, {"cancel": print, "back": print, "another": print, "quit": print}
        )
    with pytest.raises(ValueError, match="unknown key context"):
        keymap.Dispatcher("viewer", {})


def test_a_binding_without_a_handler_is_an_error_at_start_up():
    with pytest.raises(ValueError, match="another"):
        keymap.Dispatcher(keymap.DOWNLOAD, {"cancel": print, "back": print})


def test_dispatch_runs_the_handler_of_the_key_command():
    calls: list[str] = []
    keys = keymap.Dispatcher(
        keymap.DOWNLOAD,
        {
            "cancel": lambda: calls.append("cancel"),
            "back": lambda: calls.append("back"),
            "another": lambda: calls.append("another"),
            "view": lambda: calls.append("view"),
            "retry": lambda: calls.append("retry"),
        },
    )
    assert keys.dispatch("c") and keys.dispatch("esc") and keys.dispatch("n")
    assert calls == ["cancel", "back", "another"]
    assert not keys.dispatch("q")  # global: not this dispatcher's
    assert not keys.dispatch("x")
    assert calls == ["cancel", "back", "another"]


def test_terminal_rows_are_documented_but_never_dispatched():
    terminal = {b.command: b.keys for b in keymap.KEY_BINDINGS if b.terminal}
    assert terminal == {"interrupt": ("ctrl c",), "suspend": ("ctrl z",)}
    assert keymap.command_for("ctrl c", keymap.CAMERAS) is None
    assert keymap.command_for("ctrl z", keymap.DOWNLOAD) is None
    assert "interrupt" not in keymap.dispatched_commands(keymap.GLOBAL)
    helped = [keys for _title, keys, _text in keymap.help_rows()]
    assert "Ctrl+C" in helped and "Ctrl+Z" in helped
    assert keymap.hint(keymap.LOGIN, ("interrupt",)) == [("Ctrl+C", "quit")]


def test_every_binding_has_a_handler(app):
    """The app, the cameras screen (list and filter line) and the download controller register
    a handler for every dispatched command of their context."""
    registered = {
        keymap.GLOBAL: app.keys.handlers,
        keymap.CAMERAS: app.cameras.keys.handlers,
        keymap.FILTER: app.cameras.filter_keys.handlers,
        keymap.DOWNLOAD: app.downloads.keys.handlers,
        keymap.VIEWER: ViewerScreen([], title="t", image=ImageBox(), on_close=print).keys.handlers,
        keymap.CONFIRM: ConfirmQuit(urwid.SolidFill(), "?", on_yes=print, on_no=print)
        .keys.handlers,
    }
    for binding in keymap.KEY_BINDINGS:
        if binding.terminal or binding.context == keymap.LOGIN:
            continue
        assert binding.command in registered[binding.context], binding
        assert callable(registered[binding.context][binding.command])


def test_every_login_binding_is_taken_by_the_login_form():
    """The login form (rewritten elsewhere) still takes each key of its table rows."""
    form = LoginScreen(LoginActions(print, print, print), username="demo")
    form.show_methods({"sms": "***-1234", "email": "d***@example.com"})
    for binding in keymap.KEY_BINDINGS:
        if binding.context == keymap.LOGIN:
            for key in binding.keys:
                if binding.command == "submit":
                    form.busy = True  # Enter while busy: taken, nothing sent
                assert form.keypress((60, 20), key) is None, (binding.command, key)
                form.busy = False


def test_app_keys_go_through_the_table(app):
    app._unhandled_input("?")
    assert isinstance(app.body.original_widget, HelpOverlay)
    app.body.original_widget.keypress((80, 24), "x")  # any key closes the help
    assert not isinstance(app.body.original_widget, HelpOverlay)
    app.context = keymap.DOWNLOAD
    app._unhandled_input("esc")  # download context: back to the camera list
    assert app.context == keymap.CAMERAS and app.body.original_widget is app.cameras
    app._unhandled_input("esc")  # not a global key: nothing happens
    assert app.context == keymap.CAMERAS
    with pytest.raises(urwid.ExitMainLoop):
        app._unhandled_input("q")
    assert app.exit_code == exitcodes.OK


def test_the_app_waits_less_than_urwids_default_for_a_lone_esc(app):
    assert app.screen.complete_wait < 0.125  # urwid's default
    assert app.screen.complete_wait >= 0.01  # a sequence split by the kernel still decodes


# ---- glyphs -----------------------------------------------------------------------------------


def test_the_glyph_set_follows_the_terminal_encoding():
    assert glyphs.choose(encoding="UTF-8") is glyphs.UNICODE
    assert glyphs.choose(encoding="ISO-8859-1") is glyphs.ASCII  # Latin-1 has no ● or ▀
    assert glyphs.choose(encoding="ANSI_X3.4-1968") is glyphs.ASCII
    assert glyphs.choose(encoding="no-such-encoding") is glyphs.ASCII
    assert glyphs.choose(ascii_only=True, encoding="UTF-8") is glyphs.ASCII


def test_the_ascii_set_is_ascii_and_tells_the_statuses_apart():
    assert glyphs.ASCII.drawn().isascii()
    assert can_encode(glyphs.ASCII.drawn(), "iso-8859-1")
    assert not can_encode(glyphs.UNICODE.drawn(), "iso-8859-1")
    for marks in (glyphs.UNICODE, glyphs.ASCII):
        symbols = {marks.status(s) for s in CameraStatus}
        assert len(symbols) == len(CameraStatus)
    assert [glyphs.ASCII.status(s) for s in CameraStatus] == ["*", "o", "/", "x", "!", "?"]
    assert [glyphs.UNICODE.status(s) for s in CameraStatus] == ["●", "○", "⊘", "✕", "⚿", "?"]


def test_camera_list_and_help_draw_ascii_only(ascii_glyphs):
    devices = [camera("10001111", "Lobby"), camera("10002222", "Zoo, a long camera name" * 3)]
    lines = text_of(CameraList(devices).render((60, 6), focus=True))
    assert lines[1].startswith("* Online           R Lobby")  # status mark, recording mark
    assert lines[2].rstrip().endswith("~ 10002222")  # the cut name ends in "~"
    assert all(line.isascii() for line in lines)
    assert fit_cell("abcdef", 4) == "abc~"
    help_text = text_of(HelpOverlay(urwid.SolidFill(" "), lambda: None).render((100, 80)))
    # the frame's lines are urwid's: it draws them with the terminal's line graphics (DEC)
    inside = [line.strip(" ┌─┐│└┘") for line in help_text]
    assert all(line.isascii() for line in inside), [x for x in inside if not x.isascii()]
    assert any("Up Down PgUp PgDn scroll" in line for line in help_text)
    assert keymap.key_label("up") == "Up"


def test_ascii_thumbnail_is_spaces_on_the_pixel_colours(ascii_glyphs, tmp_path):
    im = Image.new("RGB", (160, 120), (255, 0, 0))
    im.paste((0, 0, 255), (0, 0, 80, 120))  # blue left half, red right half
    path = tmp_path / "pic.jpg"
    im.save(path, "JPEG", quality=95)
    thumb = Thumbnail(256)
    thumb.set_image(str(path))
    canvas = thumb.render((20, 8))
    lines = [line.decode("ascii") for line in canvas.text]
    assert len(lines) == 8 and all(line == " " * 20 for line in lines)
    specs = {a for row in canvas.content() for a, _, _ in row if isinstance(a, urwid.AttrSpec)}
    assert any(s.background.startswith("#00") for s in specs)  # blue on the left
    assert any(s.background.startswith("#f") for s in specs)  # red on the right


# ---- the terminal's environment ---------------------------------------------------------------


def test_dumb_or_missing_term_and_no_color():
    assert dumb_terminal({"TERM": "dumb"}) and dumb_terminal({}) and dumb_terminal({"TERM": ""})
    assert not dumb_terminal({"TERM": "xterm-256color"})
    assert no_color_requested({"NO_COLOR": "1"})
    assert not no_color_requested({"NO_COLOR": ""}) and not no_color_requested({})
