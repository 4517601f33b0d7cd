"""Make the README's screenshots: the real program in real terminals under Xvfb.

    PYTHONPATH=. python docs/screenshots/capture.py [NAME.png ...]

Needs Xvfb, ImageMagick's ``import`` and the terminals: xterm, kitty, mlterm. Runs ``een-tui
--demo``, downloads a few previews of the first camera, opens the viewer and photographs the
terminal's window: xterm in VT340 mode with Sixel pixels and with half blocks in 256 colours,
kitty with the kitty graphics protocol, mlterm with iTerm2 inline images. The relay of
tests/test_viewer_xterm.py types the keys."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from test_graphics_xterm import start_xvfb  # noqa: E402
from test_viewer_xterm import RELAY, Relay  # noqa: E402

XTERM = ["xterm", "-bg", "black", "-fg", "gray90", "-b", "0", "-bw", "0", "-geometry", "80x24+0+0",
         "-xrm", "XTerm*numColorRegisters: 256"]
VT340 = [*XTERM, "-ti", "vt340", "-tn", "xterm", "-e"]
KITTY = ["kitty", "--config", "NONE", "-o", "font_size=8", "-o", "window_padding_width=0",
         "-o", "initial_window_width=80c", "-o", "initial_window_height=24c",
         "-o", "remember_window_size=no", "-o", "background=#000000", "-o", "foreground=#e5e5e5"]
MLTERM = ["mlterm", "--sb=false", "--border=0", "-w", "10", "-g", "80x24+0+0", "-b", "black",
          "-f", "gray90", "-e"]
# name: (the terminal's command line up to the program, TERM, --graphics)
SHOTS = {
    "viewer-sixel-xterm.png": (VT340, "xterm", "auto"),
    "viewer-blocks-xterm.png": ([*XTERM, "-tn", "xterm-256color", "-e"], "xterm-256color",
                                "blocks"),
    "download-sixel-xterm.png": (VT340, "xterm", "auto"),
    "viewer-kitty-kitty.png": (KITTY, "xterm-kitty", "kitty"),
    "viewer-iterm-mlterm.png": (MLTERM, "xterm", "iterm"),
}


def capture(name: str, work: Path) -> None:
    terminal, term, graphics = SHOTS[name]
    script = work / "relay.py"
    script.write_text(RELAY)
    relay = Relay(work)
    server, display = start_xvfb(work / "xvfb.log")
    env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(ROOT), "TERM": term,
           "XDG_CONFIG_HOME": str(work / "config"), "XDG_STATE_HOME": str(work / "state"),
           "XDG_CACHE_HOME": str(work / "cache"), "LIBGL_ALWAYS_SOFTWARE": "1"}
    env.pop("TMUX", None)
    app = [sys.executable, "-m", "een_tui", "--demo", "--out", str(work / "out"), "--graphics",
           graphics, "--count", "6", "--demo-image-latency-ms", "50"]
    term_window = subprocess.Popen(
        [*terminal, sys.executable, str(script), str(relay.control), str(relay.log), *app],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        relay.wait_for(b"cameras loaded", deadline, term_window)
        relay.send(b"\r")  # download from the first camera
        relay.wait_for(b"Done: 6/6", deadline, term_window)
        if name.startswith("viewer"):
            relay.send(b"v")
        time.sleep(2)
        shot = work / "shot.png"
        subprocess.run(["import", "-display", display, "-window", "root", str(shot)], check=True)
        with Image.open(shot) as image:
            window = image.convert("L").point(lambda v: 255 if v else 0).getbbox()
            image.crop(window).convert("RGB").save(ROOT / "docs" / "screenshots" / name,
                                                  optimize=True)
    finally:
        relay.close()
        term_window.kill()
        server.kill()


if __name__ == "__main__":
    for shot_name in sys.argv[1:] or SHOTS:
        with tempfile.TemporaryDirectory() as folder:
            capture(shot_name, Path(folder))
            print("wrote", shot_name)
