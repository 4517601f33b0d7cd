"""What the UI leaves behind when it ends (``q``, Ctrl+C, SIGTERM), in a real pseudo-terminal
(``een-tui --demo`` driven as in test_ui_e2e): no kitty image placed without being deleted
before the terminal is restored."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
from PIL import Image
from test_ui_e2e import DEADLINE_S, Terminal

from een_tui import exitcodes

CLOSET = "10080c46"  # the demo account's first camera in the list
PLACE = re.compile(rb"\x1b_Ga=T,[^;\x1b]*\bi=(\d+)")
DELETE = re.compile(rb"\x1b_Ga=d,d=I,i=(\d+)")
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"


@pytest.fixture
def ui(tmp_path):
    terminals: list[Terminal] = []

    def start(*extra: str, env: dict[str, str] | None = None) -> Terminal:
        args = ["--demo", "--out", str(tmp_path / "out"), *extra]
        terminal = Terminal(args, cols=100, rows=30, term="xterm-256color", env=env or {})
        terminals.append(terminal)
        return terminal

    yield start
    for terminal in terminals:
        terminal.close()


def wait_raw(t: Terminal, pattern: re.Pattern[bytes]) -> None:
    """Read the terminal until its raw output holds ``pattern``."""
    deadline = time.monotonic() + DEADLINE_S
    while not pattern.search(t.raw):
        assert time.monotonic() < deadline, f"no {pattern.pattern!r} in {bytes(t.raw[-500:])!r}"
        assert t.pump(), "the program ended"


def end(t: Terminal, how: str) -> int:
    """End the program ``how`` (a key, or a signal sent to it); returns its exit status."""
    if how == "q":
        t.send("q")
    elif how == "ctrl-c":
        t.send("\x03")  # a real SIGINT through the pty's line discipline
    else:
        os.kill(t.app_pid(), getattr(signal, how))
    return t.wait_exit()


EXIT_CODES = {"q": exitcodes.OK, "ctrl-c": exitcodes.INTERRUPTED,
              "SIGTERM": exitcodes.TERMINATED, "SIGHUP": exitcodes.HANGUP}


# ---- kitty images ----------------------------------------------------------------------------


@pytest.mark.parametrize(("how", "tmux"), [("q", False), ("q", True), ("ctrl-c", False),
                                           ("SIGTERM", True)])
def test_kitty_images_are_deleted_before_the_terminal_is_restored(ui, tmp_path, how, tmux):
    folder = tmp_path / "out" / CLOSET
    folder.mkdir(parents=True)
    Image.new("RGB", (64, 48), (200, 40, 40)).save(folder / "20261201120000.000.jpg")
    # a TMUX that names no server: passthrough is assumed (with a note), as when tmux is slow
    env = {"TMUX": str(tmp_path / "no-tmux") + ",1,0", "TMUX_PANE": "%0"} if tmux else {}
    t = ui("--graphics", "kitty", env=env)
    t.wait_for("cameras loaded")
    t.send("v")  # the viewer of the images on disk: the image placed by id
    wait_raw(t, PLACE)
    assert end(t, how) == EXIT_CODES[how]
    raw = bytes(t.raw)
    placed = list(PLACE.finditer(raw))
    last = placed[-1]
    restored = raw.rindex(LEAVE_ALTERNATE_SCREEN)
    deleted = {m.group(1) for m in DELETE.finditer(raw, last.end(), restored)}
    assert {m.group(1) for m in placed} <= deleted | {m.group(1) for m in DELETE.finditer(
        raw, 0, last.start())}, "an image placed and never deleted"
    assert last.group(1) in deleted, "the image shown at the end is not deleted"
    if tmux:  # through tmux to the outer terminal
        assert (b"\x1bPtmux;\x1b\x1b_Ga=d,d=I,i=" + last.group(1) + b",q=2\x1b\x1b\\\x1b\\"
                in raw[last.end():restored])
