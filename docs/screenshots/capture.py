"""Make the README's screenshots: the real program in a real terminal (xterm under Xvfb).

    PYTHONPATH=. python docs/screenshots/capture.py

Needs Xvfb, xterm and ImageMagick's ``import``. Runs ``een-tui --demo``, downloads a few
previews of the first camera, opens the viewer and photographs the xterm window: once in VT340
mode with Sixel pixels, once with half blocks in 256 colours. The relay of
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

SHOTS = {
    "viewer-sixel-xterm.png": (["-ti", "vt340"], "xterm", "auto"),
    "viewer-blocks-xterm.png": ([], "xterm-256color", "blocks"),
    "download-sixel-xterm.png": (["-ti", "vt340"], "xterm", "auto"),
}


def capture(name: str, work: Path) -> None:
    xterm_args, term, graphics = SHOTS[name]
    script = work / "relay.py"
    script.write_text(RELAY)
    relay = Relay(work)
    server, display = start_xvfb(work / "xvfb.log")
    env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(ROOT), "TERM": term,
           "XDG_CONFIG_HOME": str(work / "config"), "XDG_STATE_HOME": str(work / "state")}
    env.pop("TMUX", None)
    app = [sys.executable, "-m", "een_tui", "--demo", "--out", str(work / "out"), "--graphics",
           graphics, "--count", "6", "--demo-image-latency-ms", "50"]
    xterm = subprocess.Popen(
        ["xterm", *xterm_args, "-tn", term, "-bg", "black", "-fg", "gray90", "-b", "0", "-bw", "0",
         "-geometry", "80x24+0+0",
         "-xrm", "XTerm*numColorRegisters: 256", "-e", sys.executable, str(script),
         str(relay.control), str(relay.log), *app],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        relay.wait_for(b"cameras loaded", deadline, xterm)
        relay.send(b"\r")  # download from the first camera
        relay.wait_for(b"Done: 6/6", deadline, xterm)
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
        xterm.kill()
        server.kill()


if __name__ == "__main__":
    for shot_name in sys.argv[1:] or SHOTS:
        with tempfile.TemporaryDirectory() as folder:
            capture(shot_name, Path(folder))
            print("wrote", shot_name)
