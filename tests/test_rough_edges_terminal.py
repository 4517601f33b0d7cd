"""Rough edges a newcomer meets on a terminal: the user name prompt must not land in the data on
stdout, and a two-factor account with credentials in the environment is asked for its code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from pexpect import fdpexpect
from test_ui_e2e import DEADLINE_S, Terminal

# stdin and stderr on the pty (which becomes the controlling terminal, /dev/tty); stdout stays
# what the test gave: a file, as in `een-tui cameras --json > cams.json`.
LAUNCHER = """
import fcntl, os, sys, termios
os.setsid()
fd = int(sys.argv[1])
fcntl.ioctl(fd, termios.TIOCSCTTY, 0)
os.dup2(fd, 0)
os.dup2(fd, 2)
os.close(fd)
os.execv(sys.argv[2], sys.argv[2:])
"""


def test_the_user_name_prompt_stays_out_of_the_json_on_stdout(emulator, tmp_path):
    master, slave = os.openpty()
    data = tmp_path / "cams.json"
    env = {**os.environ, "EEN_PASSWORD": emulator.demo_password}
    with data.open("wb") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(slave), sys.executable, "-m", "een_tui",
             "cameras", "--json", "--login-url", emulator.url, "--api-url", emulator.url,
             "--no-session-cache"],
            env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.DEVNULL,
            pass_fds=(slave,),
        )
    os.close(slave)
    terminal = fdpexpect.fdspawn(master)
    try:
        terminal.expect("EEN user name: ", timeout=DEADLINE_S)  # asked on the terminal
        terminal.send(emulator.demo_username + "\r")
        deadline = time.monotonic() + DEADLINE_S
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    text = data.read_text()
    assert "EEN user name" not in text
    assert json.loads(text)  # the cameras, and nothing else


def test_two_factor_account_from_the_environment_is_asked_for_the_code(emulator, tmp_path):
    env = {"EEN_USERNAME": emulator.tfa_username, "EEN_PASSWORD": emulator.tfa_password}
    args = ["--login-url", emulator.url, "--api-url", emulator.url, "--no-session-cache",
            "--out", str(tmp_path / "out"), "--graphics", "blocks"]
    t = Terminal(args, cols=80, rows=24, term="xterm-256color", env=env)
    try:
        text = t.wait_for("two-factor authentication")
        assert "log in on a terminal" not in text
        t.send("\r")  # the first method (sms)
        t.wait_for("EEN sent a 4-digit code by")
        t.send(emulator.tfa_code + "\r")
        text = t.wait_for("cameras loaded")
        assert f"({emulator.tfa_username})" in text.splitlines()[0]
        t.send("q")
        assert t.wait_exit() == 0
    finally:
        t.close()


def test_a_bad_graphics_setting_is_a_usage_error(tmp_path):
    t = Terminal(["--demo", "--out", str(tmp_path / "out")], cols=80, rows=24,
                 term="xterm-256color", env={"EEN_GRAPHICS": "hologram"})
    try:
        assert t.wait_exit() == 2
        said = bytes(t.raw).decode()
        assert "graphics must be one of auto, kitty, iterm, sixel, blocks, none" in said
        assert "Traceback" not in said
    finally:
        t.close()
