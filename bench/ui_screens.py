"""Text captures of the real UI for the README: ``een-tui --demo`` on an 80x24 pty, the screen
read back through pyte (the camera list, a download in progress, a finished download).

Run:  python bench/ui_screens.py [OUTPUT]   (default: print to stdout)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte

COLS, ROWS = 80, 24


def capture(output: Path | None) -> str:
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    with tempfile.TemporaryDirectory(prefix="een-tui-screens-") as tmp:
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "HOME": tmp,
            "XDG_STATE_HOME": f"{tmp}/state",
            "XDG_CONFIG_HOME": f"{tmp}/config",
        }
        env.pop("NO_COLOR", None)
        child = pexpect.spawn(
            sys.executable,
            [
                "-m",
                "een_tui",
                "--demo",
                "--count",
                "20",
                "--out",
                "out",  # relative, as a user would type it (the screen shows it absolute)
                "--demo-image-latency-ms",
                "400",
            ],
            env=env,
            dimensions=(ROWS, COLS),
            cwd=tmp,
        )

        def read(timeout: float) -> bool:
            try:
                stream.feed(child.read_nonblocking(1 << 20, timeout=timeout))
            except pexpect.TIMEOUT:
                return False
            return True

        def wait(check: Callable[[str], bool], timeout: float = 60) -> str:
            """The screen once ``check`` holds and the output has been quiet for a moment
            (a frame may arrive in several pieces)."""
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                text = "\n".join(line.rstrip() for line in screen.display)
                if check(text):
                    while read(0.15):
                        pass
                    text = "\n".join(line.rstrip() for line in screen.display)
                    if check(text):
                        return text
                read(0.1)
            raise TimeoutError("\n".join(screen.display))

        cameras = wait(lambda s: "cameras loaded" in s)
        child.send("G")  # the end of the list: the cameras that are not online
        bottom = wait(lambda s: "? Unknown" in s)
        child.send("kkkkk")  # up to a camera that needs its ONVIF password
        child.send("i")
        details = wait(lambda s: "Status bits" in s)
        child.send("x")
        wait(lambda s: "Status bits" not in s)
        child.send("g")
        wait(lambda s: "CFA1 Closet" in s)
        child.send("r")

        def busy(text: str) -> bool:
            rows = [ln for ln in text.splitlines() if ln.startswith("#")]
            return sum("fetching" in ln for ln in rows) == 5 and "saved " in text

        running = wait(busy)
        done = wait(lambda s: "Done: 20/20" in s)
        child.send("q")
        child.expect(pexpect.EOF, timeout=30)
    sections = [
        ("Camera list (een-tui --demo, 80x24)", cameras),
        ("End of the list (G): cameras that cannot download", bottom),
        ("Camera details (i)", details),
        ("Download in progress (five workers)", running),
        ("Download finished", done),
    ]
    text = "\n\n".join(f"{title}\n{'=' * len(title)}\n{body}" for title, body in sections) + "\n"
    if output is not None:
        output.write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    result = capture(target)
    if target is None:
        print(result, end="")
