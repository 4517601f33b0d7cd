"""End to end in a real terminal: xterm in VT340 mode (Sixel) under Xvfb. A script inside xterm
detects the terminal and draws four colour quadrants with the Sixel placer; a screenshot of
the screen must show them, solid and where they were placed."""

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops

TOOLS = ("Xvfb", "xterm", "import")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"needs {', '.join(MISSING)} (Debian packages xvfb, xterm, imagemagick)",
)

ROOT = Path(__file__).resolve().parent.parent
RECT = (3, 2, 20, 6)  # col, row, cols, rows
SOURCE = (200, 120)
COLOURS = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}

DRAW = """
import json, os, sys, time
from PIL import Image, ImageChops
from een_tui.ui.graphics import ImagePlacer, detect_graphics

tty = os.open("/dev/tty", os.O_RDWR)
graphics = detect_graphics("auto", os.environ, tty)
image = Image.new("RGB", (200, 120))
for box, colour in (((0, 0, 100, 60), (255, 0, 0)), ((100, 0, 200, 60), (0, 255, 0)),
                    ((0, 60, 100, 120), (0, 0, 255)), ((100, 60, 200, 120), (255, 255, 0))):
    image.paste(colour, box)
os.write(tty, b"\\x1b[2J\\x1b[Hsixel from een_tui.ui.graphics in xterm -ti vt340")
os.write(tty, ImagePlacer(graphics).place(image, %(rect)r))
result = {"protocol": graphics.protocol, "cell": [graphics.cell.width, graphics.cell.height]}
with open(sys.argv[1] + ".tmp", "w") as out:
    json.dump(result, out)
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)
"""


def start_xvfb(log: Path) -> tuple[subprocess.Popen, str]:
    """Xvfb on a free display (it writes the number to -displayfd)."""
    read_end, write_end = os.pipe()
    with log.open("wb") as errors:
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "640x400x24",
             "-nolisten", "tcp"],
            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=errors,
        )
    os.close(write_end)
    number = b""
    deadline = time.monotonic() + 30
    try:
        while not number.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([read_end], [], [], max(0.0, left))
            chunk = os.read(read_end, 16) if ready else b""
            if not chunk:
                server.kill()
                pytest.fail(f"Xvfb gave no display number: {log.read_text(errors='replace')}")
            number += chunk
    finally:
        os.close(read_end)
    return server, f":{int(number)}"


def solid_box(shot: Image.Image, colour: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """The bounding box of the pixels of this colour, if they fill it (>= 98 %)."""
    bands = [
        band.point(lambda v, c=c: 255 if abs(v - c) <= 8 else 0)
        for band, c in zip(shot.split(), colour, strict=True)
    ]
    mask = ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])
    box = mask.getbbox()
    if box is None:
        return None
    area = (box[2] - box[0]) * (box[3] - box[1])
    return box if mask.crop(box).histogram()[255] >= 0.98 * area else None


def check(shot: Image.Image, cell: tuple[int, int]) -> str | None:
    """None when the quadrants are on screen as placed; otherwise what is wrong."""
    boxes = {name: solid_box(shot, colour) for name, colour in COLOURS.items()}
    missing = [name for name, box in boxes.items() if box is None]
    if missing:
        return f"no solid {', '.join(missing)} area on screen"
    red, green, blue, yellow = (boxes[n] for n in ("red", "green", "blue", "yellow"))
    if not (red[2] <= green[0] + 1 and red[3] <= blue[1] + 1 and abs(red[1] - green[1]) <= 1
            and abs(red[0] - blue[0]) <= 1 and abs(yellow[0] - green[0]) <= 1
            and abs(yellow[1] - blue[1]) <= 1):
        return f"quadrants out of order: {boxes}"
    left, top, right, bottom = red[0], red[1], yellow[2], yellow[3]
    width, height = right - left, bottom - top
    if abs(width / height - SOURCE[0] / SOURCE[1]) > 0.05:
        return f"aspect lost: {width}x{height}"
    col, row, cols, rows = RECT
    box_w, box_h = cols * cell[0], rows * cell[1]
    if max(width / box_w, height / box_h) < 0.95 or width > box_w or height > box_h:
        return f"{width}x{height} does not fit {box_w}x{box_h}"
    x0, y0 = col * cell[0], row * cell[1]
    if not (x0 <= left <= x0 + box_w - width and y0 <= top <= y0 + box_h - height):
        return f"image at {left},{top}, outside the cells starting at {x0},{y0}"
    return None


def test_sixel_shows_in_xterm_vt340(tmp_path):
    script = tmp_path / "draw.py"
    script.write_text(DRAW % {"rect": RECT})
    result = tmp_path / "result.json"
    shot_path = tmp_path / "sixel-xterm.png"
    server, display = start_xvfb(tmp_path / "xvfb.log")
    env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(ROOT)}
    env.pop("TMUX", None)
    xterm = None
    try:
        with (tmp_path / "xterm.log").open("wb") as errors:
            xterm = subprocess.Popen(
                ["xterm", "-ti", "vt340", "-b", "0", "-bw", "0", "-geometry", "80x24+0+0",
                 "-bg", "white", "-fg", "black", "-xrm", "XTerm*numColorRegisters: 256",
                 "-e", sys.executable, str(script), str(result)],
                env=env, stdout=subprocess.DEVNULL, stderr=errors,
            )
        deadline = time.monotonic() + 60
        while not result.exists():
            if xterm.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the script in xterm did not report: "
                            f"{(tmp_path / 'xterm.log').read_text(errors='replace')}")
            time.sleep(0.05)
        detected = json.loads(result.read_text())
        assert detected["protocol"] == "sixel", detected
        cell = tuple(detected["cell"])
        problem = "no screenshot"
        while problem is not None and time.monotonic() < deadline:
            subprocess.run(["import", "-display", display, "-window", "root", str(shot_path)],
                           check=True, timeout=30, capture_output=True)
            with Image.open(shot_path) as shot:
                problem = check(shot.convert("RGB"), cell)
        assert problem is None, f"{problem} (screenshot: {shot_path})"
    finally:
        for process in (xterm, server):
            if process is not None:
                process.kill()
                process.wait(timeout=10)
