"""End to end in a real pseudo-terminal: ``een-tui --demo`` driven with pexpect, the screen
emulated with pyte. Waits poll the emulated screen against a deadline (no fixed sleeps)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte
import pytest
from pexpect import fdpexpect
from PIL import Image

DEADLINE_S = 30.0
IMAGE_LATENCY_MS = 300  # long enough to see five workers fetching at once


# The launcher, like a shell: a new session whose controlling terminal is the pty, the app in its
# own foreground process group (so Ctrl+C is a real SIGINT and Ctrl+Z a real stop: a session
# leader's own group would be orphaned, and the kernel drops stop signals to orphaned groups).
# Forking with ptyprocess from this gevent-patched test process can hang, so the launcher is
# started by subprocess (fork+exec in C) and only the pty I/O goes through pexpect.
# The launcher gets the pty's slave end as an inherited descriptor (not by name): the parent can
# close its copy at once without a window in which no process holds the slave open (reading the
# master would then fail with EIO, which looks like the end of the app's output).
LAUNCHER = """
import fcntl, os, signal, sys, termios
os.setsid()
fd = int(sys.argv[1])
fcntl.ioctl(fd, termios.TIOCSCTTY, 0)
for n in (0, 1, 2):
    os.dup2(fd, n)
os.close(fd)
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    os.tcsetpgrp(0, os.getpgrp())
    signal.signal(signal.SIGTTOU, signal.SIG_DFL)
    os.execv(sys.argv[2], sys.argv[2:])
_, status = os.waitpid(pid, 0)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 200 + os.WTERMSIG(status))
"""


class Terminal:
    """A child process on a pty, its output fed into a pyte screen (and kept raw)."""

    def __init__(self, args: list[str], *, cols: int, rows: int, term: str, env: dict) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                LAUNCHER,
                str(slave),
                sys.executable,
                "-m",
                "een_tui",
                *args,
            ],
            env={**os.environ, **env, "TERM": term},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(slave,),
        )
        os.close(slave)
        self.child = fdpexpect.fdspawn(master)
        self._master = master

    def pump(self, timeout: float = 0.05) -> bool:
        """Read what is there; False at end of file."""
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return True
        except (pexpect.EOF, OSError):
            return False
        self.raw.extend(data)
        self.stream.feed(data)
        return True

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, what: str | Callable[[str], bool], timeout: float = DEADLINE_S) -> str:
        """Poll until ``what`` (text, or a predicate on the screen text) holds; returns it."""
        check = what if callable(what) else (lambda text: what in text)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check(self.text):
                return self.text
            if not self.pump():
                break
        raise AssertionError(f"timed out waiting for {what!r}; screen:\n{self.text}")

    def resize(self, cols: int, rows: int) -> None:
        """Change the window size: the kernel sends SIGWINCH to the child."""
        self.screen.resize(rows, cols)
        fcntl.ioctl(self._master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def _children(self) -> list[int]:
        path = f"/proc/{self.process.pid}/task/{self.process.pid}/children"
        try:
            with open(path) as handle:
                return [int(pid) for pid in handle.read().split()]
        except OSError:
            return []

    def app_pid(self) -> int:
        """The app's process id (the launcher's only child)."""
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            children = self._children()
            if children:
                return children[0]
            self.pump()
        raise AssertionError("the app process did not start")

    def process_state(self) -> str:
        """The app's state letter from /proc (``T`` = stopped)."""
        with open(f"/proc/{self.app_pid()}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def wait_exit(self, timeout: float = DEADLINE_S) -> int:
        """Read the rest of the output and return the exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            self.pump()
        while self.pump(timeout=0.01) and time.monotonic() < deadline:
            pass  # what the process wrote just before it ended
        status = self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        assert status < 200, f"killed by signal {status - 200}"
        return status

    def close(self) -> None:
        """Kill what is left (after a failed test): the app's process group, the launcher."""
        if self.process.poll() is None:
            for pid in self._children():
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(OSError):
            os.close(self._master)


def five_workers_busy(text: str) -> bool:
    rows = [line for line in text.splitlines() if line.startswith("#")]
    busy = [line for line in rows if "fetching" in line or "retrying" in line]
    return len(busy) == 5


def assert_terminal_restored(raw: bytes) -> None:
    tail = bytes(raw[-400:])
    assert b"\x1b[?1049l" in tail, "the alternate screen was not left"
    assert b"\x1b[?25h" in tail, "the cursor was not shown again"


def jpegs_in(out: Path) -> list[Path]:
    return sorted(out.rglob("*.jpg"))


SIZES = [
    pytest.param("xterm", 80, 24, id="xterm-80x24"),
    pytest.param("xterm-256color", 120, 40, id="xterm-256color-120x40"),
]


@pytest.fixture
def ui(tmp_path):
    terminals: list[Terminal] = []

    def start(term: str, cols: int, rows: int, *extra: str) -> Terminal:
        args = ["--demo", "--count", "20", "--out", str(tmp_path / "out")]
        args += ["--demo-image-latency-ms", str(IMAGE_LATENCY_MS), *extra]
        terminal = Terminal(args, cols=cols, rows=rows, term=term, env={})
        terminals.append(terminal)
        return terminal

    yield start
    for terminal in terminals:
        terminal.close()


@pytest.mark.parametrize(("term", "cols", "rows"), SIZES)
def test_random_download_of_20_images_then_quit(ui, tmp_path, term, cols, rows):
    t = ui(term, cols, rows)
    text = t.wait_for("cameras loaded")
    assert "● Online" in text and "Status" in text  # rows with their status
    assert text.startswith(" een-tui · Cameras · Demo User (demo@een-tui.test)")  # the account
    header = text.splitlines()[1]  # counts per status, with the symbols
    assert re.search(r"\d+ cameras +● \d+ ○ \d+ ⊘ \d+ ✕ \d+", header), header
    t.send("r")
    t.wait_for(five_workers_busy)
    text = t.wait_for(lambda s: "20/20 images" in s and "Done" in s)
    assert "Done: 20/20 saved" in text
    if term == "xterm":  # 8/16 colours: a note instead of the thumbnail
        assert "no thumbnail" in text and "▀" not in text
    else:
        assert "▀" * 10 in text
    files = jpegs_in(tmp_path / "out")
    assert len(files) == 20
    assert len({f.name for f in files}) == 20
    assert len({f.read_bytes() for f in files}) == 20  # 20 distinct images
    for f in files:
        with Image.open(f) as im:
            assert im.format == "JPEG"
    assert not list((tmp_path / "out").rglob("*.part"))
    t.send("q")
    assert t.wait_exit() == 0
    assert_terminal_restored(t.raw)


@pytest.mark.parametrize(("term", "cols", "rows"), SIZES)
def test_ctrl_c_in_the_middle_exits_cleanly(ui, tmp_path, term, cols, rows):
    t = ui(term, cols, rows, "--count", "100")  # long enough to be interrupted for sure
    t.wait_for("cameras loaded")
    t.send("r")
    t.wait_for(five_workers_busy)
    t.send("\x03")  # a real SIGINT through the pty's line discipline
    assert t.wait_exit() == 130
    assert_terminal_restored(t.raw)
    out = tmp_path / "out"
    assert not list(out.rglob("*.part"))
    assert len(jpegs_in(out)) < 100


def test_cameras_screen_keys_in_a_real_terminal(ui):
    t = ui("xterm-256color", 80, 24)
    t.wait_for("cameras loaded")
    t.send("?")
    t.wait_for("any key closes this help")
    t.send("x")
    t.wait_for(lambda s: "any key closes" not in s)
    t.send("/lobby")
    # wait for the whole frame (a frame may arrive in pieces): the footer follows the mode
    text = t.wait_for(
        lambda s: (
            re.search(r"showing \d+ ·", s)
            and "\n/lobby" in s
            and s.splitlines()[-1].startswith("Enter done  Esc clear")
        )
    )
    assert "CFA1 Lobby" in text and "CFA1 Closet" not in text
    t.send("\x1b")  # Esc clears the filter
    t.wait_for(
        lambda s: (
            "showing" not in s
            and "CFA16 Kitchen" in s
            and "\n/" not in s
            and s.splitlines()[-1].startswith("Enter download")
        )
    )
    t.send("o")
    t.wait_for("online cameras only")
    t.send("i")
    t.wait_for("Status bits")
    t.send("x")
    t.wait_for(lambda s: "Status bits" not in s)
    t.send("q")
    assert t.wait_exit() == 0


def test_download_screen_keys_cancel_another_back(ui, tmp_path):
    t = ui("xterm-256color", 80, 24, "--count", "100")  # runs long enough to press keys in
    t.wait_for("cameras loaded")
    t.send("r")
    t.wait_for(five_workers_busy)
    t.send("c")
    t.wait_for("Cancelled: ")
    t.raw.clear()
    t.send("n")  # another random camera: a new run starts
    t.wait_for(lambda s: b"running" in t.raw and five_workers_busy(s))
    t.send("\x1b")  # back to the cameras: cancels the run
    t.wait_for(lambda s: "download cancelled" in s and "● Online" in s)
    t.send("n")  # not a key of the camera list: nothing happens...
    t.send("?")
    text = t.wait_for("any key closes this help")
    assert "een-tui · Cameras" in text  # ...so the list is still there under the help
    t.send("q")  # closes the help
    t.wait_for(lambda s: "any key closes" not in s)
    t.send("q")
    assert t.wait_exit() == 0
    out = tmp_path / "out"
    assert not list(out.rglob("*.part"))
    assert len(jpegs_in(out)) < 200  # both runs were stopped early


def test_resize_reflows_the_list(ui):
    t = ui("xterm-256color", 60, 20)
    text = t.wait_for("cameras loaded")
    assert "Bridge" not in text.splitlines()[2]  # no room for the bridge column
    t.resize(100, 30)
    t.wait_for(lambda s: "Bridge" in s.splitlines()[2] and len(s.splitlines()) == 30)
    t.send("q")
    assert t.wait_exit() == 0


def test_ctrl_z_suspends_and_continue_resumes(ui):
    t = ui("xterm-256color", 80, 24)
    t.wait_for("cameras loaded")
    t.send("\x1a")  # Ctrl+Z: SIGTSTP
    deadline = time.monotonic() + DEADLINE_S
    while t.process_state() != "T":
        assert time.monotonic() < deadline, "the process did not stop"
        t.pump()
    t.raw.clear()
    os.killpg(t.app_pid(), signal.SIGCONT)  # what `fg` does
    t.wait_for(lambda s: b"\x1b[?1049h" in t.raw and "cameras loaded" in s)
    t.send("q")
    assert t.wait_exit() == 0


def test_no_terminal_means_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "een_tui", "--demo"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr
    assert "Traceback" not in result.stderr


def test_login_screen_with_two_factor(emulator, tmp_path):
    """No credentials anywhere: the login screen asks; wrong password, then the two-factor user."""
    args = [
        "--login-url",
        emulator.url,
        "--api-url",
        emulator.url,
        "--no-session-cache",
        "--out",
        str(tmp_path / "out"),
    ]
    t = Terminal(args, cols=80, rows=24, term="xterm-256color", env={})
    try:
        t.wait_for("Log in to your EEN account.")
        t.send(emulator.tfa_username + "\t" + "not-the-password\r")
        text = t.wait_for("Wrong user name or password.")
        assert "not-the-password" not in text  # masked
        t.send("\x1b[Z")  # Shift+Tab back to the password field
        t.wait_for(lambda s: True)
        t.send("\t")  # and on again: Tab cycles the fields
        t.send("\x7f" * len("not-the-password") + emulator.tfa_password + "\r")
        t.wait_for("two-factor authentication")
        t.send("\r")  # the first method (sms)
        t.wait_for("EEN sent a 4-digit code by")
        t.send("0000\r")
        t.wait_for(
            lambda s: "code" in s.lower() and ("wrong" in s.lower() or "invalid" in s.lower())
        )
        t.send("\x7f" * 4 + emulator.tfa_code + "\r")
        text = t.wait_for("cameras loaded")
        assert f"({emulator.tfa_username})" in text.splitlines()[0]  # who is logged in
        t.send("q")
        assert t.wait_exit() == 0
        assert_terminal_restored(t.raw)
    finally:
        t.close()


def test_no_color_means_no_colours_and_no_thumbnail(ui, tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    t = ui("xterm-256color", 80, 24)
    t.wait_for("cameras loaded")
    t.send("r")
    text = t.wait_for("Done: 20/20 saved")
    assert "no thumbnail: NO_COLOR" in text  # a note instead of the picture
    colour = re.compile(rb"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;[25]|4[0-7]|10[0-7]|48;[25])[;m]")
    assert not colour.search(bytes(t.raw)), "a colour escape was sent despite NO_COLOR"
    t.send("q")
    assert t.wait_exit() == 0


def test_camera_option_downloads_at_once(ui, tmp_path):
    t = ui("xterm", 80, 24, "--camera", "CFA1 Lobby")
    text = t.wait_for("Done: 20/20 saved")
    assert "CFA1 Lobby" in text
    files = jpegs_in(tmp_path / "out")
    assert len(files) == 20 and {f.parent.name for f in files} == {"1009056a"}
    t.send("q")
    assert t.wait_exit() == 0
