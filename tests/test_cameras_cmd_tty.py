"""Prompts on a real terminal: password (getpass) and the two-factor code, via a pty."""

import os
import subprocess
import sys
import time

import pexpect
from pexpect import fdpexpect

# A new session whose controlling terminal is the pty (getpass reads /dev/tty), then exec.
# The child is started by subprocess: forking with ptyprocess from a gevent-patched process
# can hang (see test_ui_e2e.py).
LAUNCHER = """
import os, sys
os.setsid()
fd = os.open(sys.argv[1], os.O_RDWR)
for n in (0, 1, 2):
    os.dup2(fd, n)
os.close(fd)
os.execv(sys.argv[2], sys.argv[2:])
"""


def spawn_on_pty(*argv):
    leader, follower = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, os.ttyname(follower), sys.executable, "-m", "een_tui",
         *argv],
        env=dict(os.environ), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    os.close(follower)
    return process, fdpexpect.fdspawn(leader, timeout=30, encoding="utf-8")


def read_to_end(child, deadline_s=30):
    text = ""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            text += child.read_nonblocking(65536, timeout=0.5)
        except pexpect.TIMEOUT:
            continue
        except (pexpect.EOF, OSError):
            break
    return text


def test_password_and_two_factor_prompts_on_a_terminal(emulator):
    process, child = spawn_on_pty("cameras", "--login-url", emulator.url,
                                  "--username", emulator.tfa_username, "--no-session-cache")
    try:
        child.expect("EEN password for " + emulator.tfa_username)
        child.sendline(emulator.tfa_password)
        child.expect("EEN sent a login code by sms")
        child.expect("4-digit code:")
        child.sendline(emulator.tfa_code)
        rest = read_to_end(child)
    finally:
        child.close()
    assert process.wait(timeout=30) == 0
    assert "● Online" in rest and "usable for download" in rest
    assert emulator.tfa_password not in child.before + rest  # getpass does not echo
    answers = emulator.stats()["requests"]
    assert answers["POST /g/aaa/two_factor_authenticate"] == {"200": 1}
    assert answers["POST /g/aaa/authorize"] == {"200": 1}


def test_a_wrong_code_is_exit_code_3(emulator):
    process, child = spawn_on_pty("cameras", "--login-url", emulator.url,
                                  "--username", emulator.tfa_username, "--no-session-cache")
    try:
        child.expect("EEN password for")
        child.sendline(emulator.tfa_password)
        child.expect("4-digit code:")
        child.sendline("0000" if emulator.tfa_code != "0000" else "1111")
        rest = read_to_end(child)
    finally:
        child.close()
    assert process.wait(timeout=30) == 3
    assert "een-tui: error: wrong two-factor code" in rest
    assert "Traceback" not in rest
