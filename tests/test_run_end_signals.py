"""The ends of a run: SIGTERM and SIGHUP (what a dropped SSH session sends) end a real
``een-tui download`` and the real UI like Ctrl+C: parts removed, saved files kept and valid,
exit code 128 + the signal number, and no crash on a terminal that hung up."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time

import pytest
from PIL import Image
from test_cameras_cmd_tty import spawn_on_pty
from test_ui_e2e import assert_terminal_restored, five_workers_busy
from test_ui_e2e import ui as ui  # the fixture

from een_tui import config, exitcodes


def ended(pid: int, deadline_s: float = 30.0) -> bool:
    """Poll until process ``pid`` is gone (or a zombie)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] in "ZX":
                    return True
        except OSError:
            return True
        time.sleep(0.1)
    return False


def download_argv(out) -> list[str]:
    return [sys.executable, "-m", "een_tui", "download", "--demo", "--count", "5000", "--out",
            str(out)]


def assert_clean_folder(out) -> int:
    files = list(out.rglob("*"))
    assert not [p for p in files if ".part" in p.name], files
    jpgs = [p for p in files if p.is_file() and p.name != "camera.json"]  # beside the images
    for path in jpgs:
        Image.open(io.BytesIO(path.read_bytes())).verify()
    return len(jpgs)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, exitcodes.TERMINATED),
                                               (signal.SIGHUP, exitcodes.HANGUP)])
def test_download_ends_cleanly_on_a_signal(tmp_path, signum, code):
    out = tmp_path / "out"
    proc = subprocess.Popen(download_argv(out), stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    saved_lines = 0
    for line in proc.stderr:
        if line.rstrip().endswith(" bytes)"):
            saved_lines += 1
            if saved_lines == 5:
                proc.send_signal(signum)
                break
    rest = proc.stderr.read()
    assert proc.wait(timeout=30) == code == 128 + signum, rest
    assert "[cancelled]" in rest  # stderr is a pipe, not the terminal: the summary is there
    assert "Traceback" not in rest
    assert 5 <= assert_clean_folder(out) < 5000


def test_download_on_a_terminal_that_hangs_up(tmp_path):
    out = tmp_path / "out"
    process, child = spawn_on_pty("download", "--demo", "--count", "5000", "--out", str(out))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list(out.rglob("*.jpg"))) < 5:
            with contextlib.suppress(Exception):  # only draining the terminal
                child.read_nonblocking(65536, timeout=0.2)
        assert len(list(out.rglob("*.jpg"))) >= 5
    finally:
        child.close()  # the terminal goes away: the kernel sends SIGHUP
    assert process.wait(timeout=30) == exitcodes.HANGUP
    assert 5 <= assert_clean_folder(out) < 5000


def test_the_ui_ends_cleanly_on_sigterm(ui, tmp_path):
    t = ui("xterm-256color", 100, 30, "--count", "100")
    t.wait_for("cameras loaded")
    t.send("r")
    t.wait_for(five_workers_busy)
    os.kill(t.app_pid(), signal.SIGTERM)
    assert t.wait_exit() == exitcodes.TERMINATED
    assert_terminal_restored(t.raw)
    assert assert_clean_folder(tmp_path / "out") < 100


def test_the_ui_ends_cleanly_when_its_terminal_hangs_up(ui, tmp_path):
    t = ui("xterm-256color", 100, 30, "--count", "100")
    t.wait_for("cameras loaded")
    t.send("r")
    t.wait_for(five_workers_busy)
    app = t.app_pid()
    t.child.close()  # the SSH session drops: the kernel sends SIGHUP, writes fail from now on
    assert ended(app)
    # the app outlives its launcher (the "shell"), so its exit code is read from its log
    log = (config.log_file()).read_text(encoding="utf-8")
    assert f"UI closed with exit code {exitcodes.HANGUP}" in log
    assert "Traceback" not in log
    assert assert_clean_folder(tmp_path / "out") < 100
