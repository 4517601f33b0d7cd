"""The viewer puts real pixels on real terminals with the two other protocols: ``--graphics
kitty`` in kitty (OpenGL: Mesa's software renderer under Xvfb) and ``--graphics iterm`` (OSC 1337
inline images) in mlterm. As in tests/test_viewer_xterm.py, a relay inside the terminal runs
``een-tui --demo`` on its own pty, and screenshots of the X screen must show the saved image's
four colour quadrants large in the viewer, none under the help, again after it, and none once
Esc has gone back to the camera list (no stale pixels). And in kitty, none once the program has
ended from the viewer (its images deleted, not only hidden by leaving the alternate screen)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_graphics_xterm import start_xvfb
from test_viewer_xterm import (
    COLS,
    ESN,
    RELAY,
    ROWS,
    Relay,
    check_viewer_pixels,
    colour_pixels,
    free_area,
    quadrants,
    screenshot,
    wait_for_pixels,
)

from een_tui import exitcodes

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


@contextlib.contextmanager
def viewer_in(terminal: Terminal, graphics: str, tmp_path: Path, relay_script: str
              ) -> Iterator[tuple[Relay, str, subprocess.Popen]]:
    """``een-tui --demo --graphics GRAPHICS`` over one image, in ``terminal`` under Xvfb, its
    keys typed by the relay ``relay_script``: (relay, display, terminal process); all stopped
    after."""
    if missing(terminal):
        pytest.skip(f"needs {', '.join(missing(terminal))} (Debian packages xvfb, "
                    f"imagemagick, {terminal.package})")
    out = tmp_path / "out"
    (out / ESN).mkdir(parents=True)
    quadrants(out / ESN / "20261201120000.000.jpg")
    script = tmp_path / "relay.py"
    script.write_text(relay_script)
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
        yield relay, display, process
    finally:
        relay.close()
        for running in (process, server):
            if running is not None:
                running.kill()
                running.wait(timeout=10)


@pytest.mark.parametrize("graphics", list(TERMINALS))
def test_viewer_shows_pixels_in_a_real_terminal_and_takes_them_away(tmp_path, graphics):
    terminal = TERMINALS[graphics]
    with viewer_in(terminal, graphics, tmp_path, RELAY) as (relay, display, process):
        deadline = time.monotonic() + 90
        try:
            relay.wait_for(b"cameras loaded", deadline, process)
        except pytest.fail.Exception:
            log = (tmp_path / "terminal.log").read_text(errors="replace")[-2000:]
            pytest.fail(f"{terminal.program} did not run the program; its errors: {log}")
        check_viewer_pixels(relay, display, tmp_path, process, terminal.image_start, deadline)



# The relay, but it writes the program's pid beside its log, and once the program has ended,
# its exit status into the log; then it switches the terminal back to the alternate screen
# without clearing it (mode 47, unlike the program's 1049) and stays. kitty keeps the images
# of the alternate screen while the main one is shown: an image never deleted shows up again.
STAYING_RELAY = RELAY.replace(
    "tty.setraw(0)\n", "tty.setraw(0)\nopen(log_path + '.pid', 'w').write(str(pid))\n"
).replace(
    "os.waitpid(pid, 0)\n",
    "_, status = os.waitpid(pid, 0)\n"
    "os.write(1, b'\\x1b[?47h')\n"
    "log.write(b'[ended %d]' % os.waitstatus_to_exitcode(status))\n"
    "import time\ntime.sleep(600)\n",
)
ENDINGS = {"q": (b"q", exitcodes.OK), "ctrl-c": (b"\x03", exitcodes.INTERRUPTED),
           "SIGTERM": (None, exitcodes.TERMINATED)}


@pytest.mark.parametrize("how", list(ENDINGS))
def test_kitty_image_is_deleted_when_the_program_ends(tmp_path, how):
    """The program ends from the viewer (``q``, Ctrl+C, SIGTERM) with its image on screen; the
    terminal stays open and shows the alternate screen again, as it was: no pixel of the
    image may be there (kitty images are not cells: only deleting them takes them away)."""
    assert STAYING_RELAY.count("[ended") == 1 and ".pid" in STAYING_RELAY  # RELAY as expected
    with viewer_in(KITTY, "kitty", tmp_path, STAYING_RELAY) as (relay, display, process):
        deadline = time.monotonic() + 90
        relay.wait_for(b"cameras loaded", deadline, process)
        area, _, _ = free_area(screenshot(display, tmp_path / "list.png"))
        stale = colour_pixels(area) + 0.02 * area.width * area.height
        relay.send(b"v")
        shown_at_least = stale + 0.3 * area.width * area.height
        shown = wait_for_pixels(display, tmp_path / "viewer.png", deadline,
                                lambda n: n >= shown_at_least)
        assert shown >= shown_at_least, f"the image never showed ({shown} pixels of it)"
        key, code = ENDINGS[how]
        before = relay.log.stat().st_size
        if key is None:
            os.kill(int(Path(f"{relay.log}.pid").read_text()), signal.SIGTERM)
        else:
            relay.send(key)
        relay.wait_for(b"[ended %d]" % code, deadline, process, after=before)
        after = tmp_path / "after-exit.png"
        left = wait_for_pixels(display, after, deadline, lambda n: n <= stale)
        assert left <= stale, f"the image is still in the terminal (screenshot: {after})"
