"""What the UI leaves behind when it ends (``q``, Ctrl+C, SIGTERM, SIGHUP), in a real
pseudo-terminal (``een-tui --demo`` driven as in test_ui_e2e): no kitty image placed without
being deleted before the terminal is restored, and no partial timelapse from ``T``; and, in
this process with a real thread, none from a timelapse writer that cannot be stopped."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import gevent
import pytest
from media_fakes import noise_frames
from PIL import Image
from test_ui_e2e import DEADLINE_S, Terminal
from test_viewer_units import frame

from een_tui import exitcodes
from een_tui.media import timelapse
from een_tui.media.atomic import atomic_output
from een_tui.ui.viewer_controller import ViewerController

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


# ---- the viewer's timelapse ------------------------------------------------------------------


def others(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("2026"))


def wait_for_part(t: Terminal, folder: Path) -> None:
    """Read the terminal until the timelapse's temporary file exists (it is being written)."""
    deadline = time.monotonic() + DEADLINE_S
    while not any(name.endswith(".part") for name in others(folder)):
        assert time.monotonic() < deadline, f"no temporary file in {others(folder)}"
        assert t.pump(), "the program ended"


def assert_no_partial_timelapse(folder: Path, frames: int) -> None:
    """No temporary file; a GIF only if it is whole (all frames)."""
    left = others(folder)
    assert not [name for name in left if ".part" in name], left
    for name in left:
        with Image.open(folder / name) as gif:
            assert gif.n_frames == frames, name


@pytest.mark.parametrize("how", list(EXIT_CODES))
def test_ending_while_a_timelapse_is_written_leaves_no_partial_file(ui, tmp_path, how):
    folder = tmp_path / "out" / CLOSET
    noise_frames(folder, 300)
    t = ui("--graphics", "none")
    t.wait_for("cameras loaded")
    t.send("v")
    t.wait_for("300/300")
    t.send("T")
    wait_for_part(t, folder)  # writing: end the program now
    assert end(t, how) == EXIT_CODES[how]
    assert_no_partial_timelapse(folder, 300)


def test_a_timelapse_writer_that_cannot_stop_leaves_no_temporary_file(tmp_path, monkeypatch):
    """The app ends while the writer hangs (a frame on a dead network share, here a pipe the
    test holds) in a real thread: its temporary file is removed, and when it goes on after
    all, it publishes nothing."""
    hang, release = os.pipe()

    def hanging(frames, output, **kwargs):
        with atomic_output(output) as temp:
            temp.write_bytes(b"GIF89a")  # the first bytes, then a frame that never arrives
            os.read(hang, 1)
        raise AssertionError("published a timelapse whose temporary file was removed")

    def in_thread(work, done):  # what the app does: a greenlet waits for gevent's threadpool
        return gevent.spawn(lambda: done(gevent.get_hub().threadpool.apply(work)))

    monkeypatch.setattr(timelapse, "make_timelapse", hanging)
    viewer = ViewerController(show=lambda *a: None, image_mode="none", colors=1, no_color=True,
                              out_dir=tmp_path, background=in_thread)
    frames = [frame(s, tmp_path) for s in ("20261201100000.000", "20261201100001.000")]
    viewer.open_run([str(f.path) for f in frames], None, folder=str(tmp_path),
                    back=lambda: None, source="run")
    viewer.screen.keypress((80, 20), "T")
    writer = viewer._writer
    while not list(tmp_path.glob(".timelapse-*.part")):
        assert not writer.dead, viewer.screen.message
        gevent.sleep(0.01)
    try:
        viewer.shutdown(timeout=0.2)  # the writer cannot stop: its file is removed
        assert sorted(p.name for p in tmp_path.iterdir()) == [f.path.name for f in frames]
    finally:
        os.write(release, b"x")  # it goes on: the rename of its removed file fails
        writer.join(30)
        os.close(hang)
        os.close(release)
    assert writer.dead
    assert viewer.screen.message.startswith("timelapse not written: cannot write")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f.path.name for f in frames]
