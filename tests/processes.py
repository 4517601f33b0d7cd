"""``een-tui`` commands as child processes: the emulator command, a download ended by a
signal."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def emulator_command() -> Iterator[tuple[subprocess.Popen, list[str]]]:
    """Start ``een-tui emulator --test-mode --port 0``; the process and the lines it
    printed up to ``Press Ctrl+C``. Killed when the block ends, if still running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "een_tui", "emulator", "--test-mode", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        lines: list[str] = []
        while not any(line.startswith("Press Ctrl+C") for line in lines):
            line = process.stdout.readline()
            assert line, f"emulator exited early: {process.stderr.read()}"
            lines.append(line)
        yield process, lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def signal_after_saves(argv: list[str], signum: int, saves: int = 5
                       ) -> tuple[subprocess.Popen, str]:
    """Run a download (``argv``, stderr a pipe), send ``signum`` once ``saves`` files are
    reported saved; the process and the rest of its stderr (read to the end)."""
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stderr is not None and proc.stdout is not None
    saved_lines = 0
    for line in proc.stderr:
        if line.rstrip().endswith(" bytes)"):
            saved_lines += 1
            if saved_lines == saves:
                proc.send_signal(signum)
                break
    return proc, proc.stderr.read()
