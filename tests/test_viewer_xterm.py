"""The viewer puts real Sixel pixels on a real terminal: ``een-tui --demo`` in ``xterm -ti
vt340`` under Xvfb. A relay inside xterm runs the program on its own pty (so the test can type
keys into it and read what it drew, while xterm answers the graphics queries itself); a
screenshot of the X screen must show the saved image's four colour quadrants large in the
viewer, and none of them once Esc has gone back to the camera list (no stale pixels)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from test_graphics_xterm import MISSING, solid_box, start_xvfb

pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"needs {', '.join(MISSING)} (Debian packages xvfb, xterm, imagemagick)",
)

ROOT = Path(__file__).resolve().parent.parent
ESN = "10080c46"  # the demo account's first camera in the list (online, sorted by name)
COLS, ROWS = 80, 24
COLOURS = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}

# Runs inside xterm: the program on a new pty of xterm's size; xterm's keys and answers go to it,
# and so do the bytes the test writes into the control FIFO; its output goes to xterm and to a log.
RELAY = r"""
import fcntl, os, pty, select, sys, termios, tty
control, log_path, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
size = fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8)
pid, master = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, size)
    os.execv(argv[0], argv)
tty.setraw(0)
fifo = os.open(control, os.O_RDONLY | os.O_NONBLOCK)
log = open(log_path, "ab", buffering=0)
while True:
    ready, _, _ = select.select([0, master, fifo], [], [], 1.0)
    try:
        if master in ready:
            data = os.read(master, 65536)
            if not data:
                break
            os.write(1, data)
            log.write(data)
        for source in (0, fifo):
            if source in ready:
                data = os.read(source, 1024)
                if data:
                    os.write(master, data)
    except OSError:
        break
os.waitpid(pid, 0)
"""


def quadrants(path: Path) -> None:
    image = Image.new("RGB", (400, 240))
    for (x, y), colour in zip(((0, 0), (200, 0), (0, 120), (200, 120)), COLOURS.values(),
                              strict=True):
        image.paste(colour, (x, y, x + 200, y + 120))
    image.save(path, quality=100, subsampling=0)


def screenshot(display: str, path: Path) -> Image.Image:
    subprocess.run(["import", "-display", display, "-window", "root", str(path)],
                   check=True, timeout=30, capture_output=True)
    with Image.open(path) as shot:
        return shot.convert("RGB")


def free_area(shot: Image.Image) -> tuple[Image.Image, float, float]:
    """The viewer's free area of the xterm window (below header, time and a two-line path,
    above the footer), and the cell size. The window is what is not black on the X screen."""
    window = shot.convert("L").point(lambda v: 255 if v else 0).getbbox()
    assert window is not None, "no xterm window on the screen"
    cell_w, cell_h = (window[2] - window[0]) / COLS, (window[3] - window[1]) / ROWS
    top, bottom = window[1] + round(3 * cell_h), window[1] + round((ROWS - 1) * cell_h)
    return shot.crop((window[0], top, window[2], bottom)), cell_w, cell_h


def boxes(area: Image.Image) -> dict[str, tuple[int, int, int, int] | None]:
    return {name: solid_box(area, colour) for name, colour in COLOURS.items()}


def colour_pixels(area: Image.Image) -> int:
    """How many pixels have one of the quadrants' colours."""
    total = 0
    for colour in COLOURS.values():
        bands = [band.point(lambda v, c=c: 255 if abs(v - c) <= 8 else 0)
                 for band, c in zip(area.split(), colour, strict=True)]
        mask = ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])
        total += mask.histogram()[255]
    return total


class Relay:
    def __init__(self, tmp_path: Path) -> None:
        self.control = tmp_path / "keys"
        os.mkfifo(self.control)
        self.log = tmp_path / "screen.log"
        self.log.touch()
        self._writer: int | None = None

    def send(self, keys: bytes) -> None:
        if self._writer is None:
            self._writer = os.open(self.control, os.O_WRONLY | os.O_NONBLOCK)
        os.write(self._writer, keys)

    def wait_for(self, text: bytes, deadline: float, xterm: subprocess.Popen,
                 after: int = 0) -> None:
        while text not in self.log.read_bytes()[after:]:
            if xterm.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{text!r} never appeared; output: {self.log.read_bytes()[-2000:]!r}")
            time.sleep(0.05)

    def close(self) -> None:
        if self._writer is not None:
            os.close(self._writer)


def wait_for_pixels(display: str, path: Path, deadline: float, enough) -> int:
    """Screenshots until ``enough(count)`` holds for the quadrants' colour pixels (or time's up)."""
    while True:
        count = colour_pixels(free_area(screenshot(display, path))[0])
        if enough(count) or time.monotonic() > deadline:
            return count
        time.sleep(0.2)


def check_viewer_pixels(relay: Relay, display: str, tmp_path: Path,
                        terminal: subprocess.Popen, image_start: bytes, deadline: float) -> None:
    """From the camera list: ``v`` shows the four quadrants large at the right aspect, the help
    takes them away and brings them back, and after ``Esc`` no pixel of them stays."""
    area, _, _ = free_area(screenshot(display, tmp_path / "list.png"))
    listed = colour_pixels(area)  # the list's own colours (status symbols, the cursor row)
    stale = listed + 0.02 * area.width * area.height
    before = relay.log.stat().st_size
    relay.send(b"v")
    relay.wait_for(image_start, deadline, terminal, after=before)
    problem = "no screenshot"
    shot_path = tmp_path / "viewer.png"
    while problem is not None and time.monotonic() < deadline:
        area, cell_w, cell_h = free_area(screenshot(display, shot_path))
        found = boxes(area)
        absent = [name for name, box in found.items() if box is None]
        problem = f"no solid {', '.join(absent)} area" if absent else None
    assert problem is None, f"{problem} in the viewer (screenshot: {shot_path})"
    red, green, blue, yellow = (found[n] for n in COLOURS)
    assert red[2] <= green[0] + 1 and red[3] <= blue[1] + 1, found  # in their quadrants
    assert abs(yellow[0] - green[0]) <= 1 and abs(yellow[1] - blue[1]) <= 1, found
    width, height = yellow[2] - red[0], yellow[3] - red[1]
    # large: the free area's whole width, or its height after the path's second line
    assert width >= area.width - 2 * cell_w or height >= area.height - 2 * cell_h, (
        found, area.size)
    assert abs(width / height - 400 / 240) < 0.06, found
    shown = colour_pixels(area)
    assert shown > stale + 0.3 * area.width * area.height
    relay.send(b"?")  # the help above the viewer: the image goes...
    left = wait_for_pixels(display, tmp_path / "help.png", deadline, lambda n: n <= stale)
    assert left <= stale, f"stale pixels under the help (screenshot: {tmp_path / 'help.png'})"
    relay.send(b"x")  # ...and comes back when the help closes
    back = wait_for_pixels(display, tmp_path / "back.png", deadline, lambda n: n >= 0.9 * shown)
    assert back >= 0.9 * shown, "the image did not come back after the help"
    relay.send(b"\x1b")  # Esc: back to the list; no pixel of the image may stay
    gone = tmp_path / "after-esc.png"
    left = wait_for_pixels(display, gone, deadline, lambda n: n <= stale)
    assert left <= stale, f"stale pixels after Esc (screenshot: {gone})"


def test_viewer_shows_sixel_pixels_in_xterm_and_takes_them_away(tmp_path):
    out = tmp_path / "out"
    (out / ESN).mkdir(parents=True)
    quadrants(out / ESN / "20261201120000.000.jpg")
    script = tmp_path / "relay.py"
    script.write_text(RELAY)
    relay = Relay(tmp_path)
    server, display = start_xvfb(tmp_path / "xvfb.log")
    env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(ROOT), "TERM": "xterm"}
    for name in ("TMUX", "NO_COLOR", "EEN_GRAPHICS"):
        env.pop(name, None)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    app = [sys.executable, "-m", "een_tui", "--demo", "--out", str(out), "--graphics", "auto"]
    xterm = None
    try:
        with (tmp_path / "xterm.log").open("wb") as errors:
            xterm = subprocess.Popen(
                ["xterm", "-ti", "vt340", "-b", "0", "-bw", "0", "-geometry", f"{COLS}x{ROWS}+0+0",
                 "-bg", "white", "-fg", "black", "-xrm", "XTerm*numColorRegisters: 256",
                 "-e", sys.executable, str(script), str(relay.control), str(relay.log), *app],
                env=env, stdout=subprocess.DEVNULL, stderr=errors,
            )
        deadline = time.monotonic() + 90
        relay.wait_for(b"cameras loaded", deadline, xterm)
        check_viewer_pixels(relay, display, tmp_path, xterm, b"\x1bP", deadline)  # Sixel: DCS
    finally:
        relay.close()
        for process in (xterm, server):
            if process is not None:
                process.kill()
                process.wait(timeout=10)
