"""The console entry point skips the interpreter's teardown: what a command printed must still
arrive whole, through a pipe's full buffering, and its exit code must pass through."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def run_een_tui(*argv: str, home) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a real pipe buffer
    env.update(HOME=str(home), XDG_STATE_HOME=str(home / "state"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    return subprocess.run([sys.executable, "-m", "een_tui", *argv], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def test_entry_flushes_what_a_command_left_in_the_buffer(tmp_path):
    script = ("import sys; from een_tui import cli; "
              "cli.main = lambda: ([print(n) for n in range(3000)], 7)[1]; cli.entry()")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert done.returncode == 7
    assert done.stdout.splitlines() == [str(n) for n in range(3000)]


def test_buffered_output_arrives_whole(tmp_path):
    done = run_een_tui("cameras", "--demo", "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    cameras = json.loads(done.stdout)  # all of it: larger than one pipe buffer flush
    assert len(done.stdout) > 8192 and len(cameras) > 50


def test_exit_code_and_error_pass_through(tmp_path):
    done = run_een_tui("download", "--demo", "--camera", "deadbeef", "--out",
                       str(tmp_path / "out"), home=tmp_path)
    assert done.returncode == 4
    assert "deadbeef" in done.stderr and "Traceback" not in done.stderr
