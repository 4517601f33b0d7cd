"""The viewer puts real pixels on real terminals with the two other protocols: ``--graphics
kitty`` in kitty (OpenGL: Mesa's software renderer under Xvfb) and ``--graphics iterm`` (OSC 1337
inline images) in mlterm. As in tests/test_viewer_xterm.py, a relay inside the terminal runs
``een-tui --demo`` on its own pty, and screenshots of the X screen must show the saved image's
four colour quadrants large in the viewer, none under the help, again after it, and none once
Esc has gone back to the camera list (no stale pixels)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_graphics_xterm import start_xvfb
from test_viewer_xterm import COLS, ESN, RELAY, ROWS, Relay, check_viewer_pixels, quadrants

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Terminal:
    """A terminal program, how to start it 80x24 at the screen's top left in black on white,
    the ``--graphics`` option it is tested with and the bytes that option's images start with."""

    program: str
    package: str
    options: tuple[str, ...]
    graphics: str
    image_start: bytes

    def command(self, *argv: str) -> list[str]:
        run = ["-e"] if self.program == "mlterm" else []
        return [self.program, *self.options, *run, *argv]


KITTY = Terminal(
    "kitty", "kitty",
    ("--config", "NONE", "-o", "font_size=8", "-o", "window_padding_width=0",
     "-o", f"initial_window_width={COLS}c", "-o", f"initial_window_height={ROWS}c",
     "-o", "remember_window_size=no", "-o", "background=#ffffff", "-o", "foreground=#000000",
     "-o", "cursor_blink_interval=0"),
    "kitty", b"\x1b_G",
)
MLTERM = Terminal(
    "mlterm", "mlterm",
    ("--sb=false", "--border=0", "-w", "10", "-g", f"{COLS}x{ROWS}+0+0", "-b", "white",
     "-f", "black"),
    "iterm", b"\x1b]1337;File=",
)
TERMINALS = {"kitty": KITTY, "iterm": MLTERM}


def missing(terminal: Terminal) -> list[str]:
    return [tool for tool in ("Xvfb", "import", terminal.program) if shutil.which(tool) is None]


def start_terminal(terminal: Terminal, tmp_path: Path, argv: list[str],
                   env: dict[str, str]) -> subprocess.Popen:
    """The terminal on a display, running ``argv`` through the relay (which must be set up)."""
    env = {**env, "LIBGL_ALWAYS_SOFTWARE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for name in ("TMUX", "NO_COLOR", "EEN_GRAPHICS", "KITTY_WINDOW_ID", "TERM_PROGRAM"):
        env.pop(name, None)
    with (tmp_path / "terminal.log").open("wb") as errors:
        return subprocess.Popen(terminal.command(*argv), env=env,
                                stdout=subprocess.DEVNULL, stderr=errors)


@pytest.mark.parametrize("graphics", list(TERMINALS))
def test_viewer_shows_pixels_in_a_real_terminal_and_takes_them_away(tmp_path, graphics):
    terminal = TERMINALS[graphics]
    if missing(terminal):
        pytest.skip(f"needs {', '.join(missing(terminal))} (Debian packages xvfb, "
                    f"imagemagick, {terminal.package})")
    out = tmp_path / "out"
    (out / ESN).mkdir(parents=True)
    quadrants(out / ESN / "20261201120000.000.jpg")
    script = tmp_path / "relay.py"
    script.write_text(RELAY)
    relay = Relay(tmp_path)
    server, display = start_xvfb(tmp_path / "xvfb.log")
    env = {**os.environ, "DISPLAY": display, "PYTHONPATH": str(ROOT),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path / "state")}
    app = [sys.executable, "-m", "een_tui", "--demo", "--out", str(out), "--graphics", graphics]
    process = None
    try:
        process = start_terminal(terminal, tmp_path,
                                 [sys.executable, str(script), str(relay.control),
                                  str(relay.log), *app], env)
        deadline = time.monotonic() + 90
        try:
            relay.wait_for(b"cameras loaded", deadline, process)
        except pytest.fail.Exception:
            log = (tmp_path / "terminal.log").read_text(errors="replace")[-2000:]
            pytest.fail(f"{terminal.program} did not run the program; its errors: {log}")
        check_viewer_pixels(relay, display, tmp_path, process, terminal.image_start, deadline)
    finally:
        relay.close()
        for running in (process, server):
            if running is not None:
                running.kill()
                running.wait(timeout=10)
