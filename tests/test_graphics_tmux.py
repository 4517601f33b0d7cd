"""tmux passthrough: the wrapping, and asking a real tmux server whether it allows it."""

import os
import shutil
import subprocess
import time

import pytest

from een_tui.ui.graphics import in_tmux, passthrough_allowed, wrap_tmux

ESC = b"\x1b"


def unwrap(data: bytes) -> bytes:
    """What tmux does: strip the DCS tmux; ... ST frame and undouble the ESCs."""
    assert data.startswith(ESC + b"Ptmux;") and data.endswith(ESC + b"\\")
    inner = data[len(ESC + b"Ptmux;") : -2]
    assert inner.replace(ESC + ESC, b"").count(ESC) == 0, "a lone ESC would end the passthrough"
    return inner.replace(ESC + ESC, ESC)


def test_wrap_doubles_every_escape():
    sequence = b"\x1b_Ga=T,m=0;AAAA\x1b\\"
    assert wrap_tmux(sequence) == b"\x1bPtmux;\x1b\x1b_Ga=T,m=0;AAAA\x1b\x1b\\\x1b\\"
    assert unwrap(wrap_tmux(sequence)) == sequence


def test_wrap_sixel_round_trip():
    sixel = b'\x1bP0;1;0q"1;1;2;2#0;2;100;0;0#0!2~\x1b\\'
    assert unwrap(wrap_tmux(sixel)) == sixel


def test_in_tmux_reads_the_environment():
    assert in_tmux({"TMUX": "/tmp/tmux-0/default,123,0"})
    assert not in_tmux({})
    assert not in_tmux({"TMUX": ""})


@pytest.fixture
def tmux_env(tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (Debian package tmux)")
    env = {"PATH": os.environ.get("PATH", ""), "TMUX_TMPDIR": str(tmp_path), "HOME": str(tmp_path)}
    subprocess.run(["tmux", "-f", "/dev/null", "new-session", "-d", "-s", "t"],
                   env=env, check=True, timeout=10)
    try:
        yield env
    finally:
        subprocess.run(["tmux", "kill-server"], env=env, timeout=10, check=False)


@pytest.mark.parametrize(("value", "expected"), [("on", True), ("off", False), ("all", True)])
def test_real_tmux_says_whether_it_passes_through(tmux_env, value, expected):
    done = subprocess.run(["tmux", "set", "-g", "allow-passthrough", value],
                          env=tmux_env, timeout=10, check=False, capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"this tmux has no allow-passthrough {value!r} (on/off: 3.3, all: 3.4)")
    assert passthrough_allowed(tmux_env, timeout=5) is expected


def test_a_pane_setting_overrides_the_global_one(tmux_env):
    pane = subprocess.run(["tmux", "display", "-p", "#{pane_id}"], env=tmux_env, timeout=10,
                          check=True, capture_output=True, text=True).stdout.strip()
    for command in (["set", "-g", "allow-passthrough", "on"],
                    ["set", "-p", "-t", pane, "allow-passthrough", "off"]):
        subprocess.run(["tmux", *command], env=tmux_env, timeout=10, check=True)
    assert passthrough_allowed(tmux_env, timeout=5) is True  # no TMUX_PANE: the global value
    assert passthrough_allowed({**tmux_env, "TMUX_PANE": pane}, timeout=5) is False


def test_no_tmux_server_is_unknown(tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (Debian package tmux)")
    env = {"PATH": os.environ.get("PATH", ""), "TMUX_TMPDIR": str(tmp_path)}
    assert passthrough_allowed(env, timeout=5) is None


def test_no_tmux_binary_is_unknown(tmp_path):
    assert passthrough_allowed({"PATH": str(tmp_path)}) is None


def test_a_hanging_tmux_is_given_up_on(tmp_path):
    fake = tmp_path / "tmux"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(0o755)
    started = time.monotonic()
    assert passthrough_allowed({"PATH": str(tmp_path)}, timeout=0.3) is None
    assert time.monotonic() - started < 10
