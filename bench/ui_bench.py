"""Terminal UI benchmark, through a real pty (pexpect) with pyte as the terminal.

Measures, against the emulator running in its own process (``een-tui emulator``):

1. key-to-screen latency (median, p95) while five downloads run: ``?`` opens the help overlay,
   any key closes it; the time from writing the key to the pty until the screen shows the change;
2. the UI's CPU use while five downloads run, and over 10 idle seconds on the camera list;
3. with 10,000 cameras: the time from login to the list on screen, and the filter latency per
   keystroke (typing into ``/``).

Run:  python bench/ui_bench.py [--samples 100] [--idle-seconds 10]
Aims: key p95 < 20 ms, idle CPU < 1 %, 10,000-camera list < 1 s after login.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte
from report import print_table

COLS, ROWS = 120, 40
TIMEOUT_S = 60.0


class Emulator:
    """``een-tui emulator`` in a child process."""

    def __init__(self, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "een_tui", "emulator", "--test-mode", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        line = self.process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.url = match.group(1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class UI:
    """``een-tui`` on a pty, logged in to the emulator with credentials from the environment."""

    def __init__(self, url: str, home: Path, *extra: str) -> None:
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "HOME": str(home),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "EEN_USERNAME": "demo@een-tui.test",
            "EEN_PASSWORD": "een-tui-demo",
        }
        env.pop("NO_COLOR", None)
        args = ["-m", "een_tui", "--login-url", url, "--api-url", url, "--no-session-cache"]
        self.child = pexpect.spawn(
            sys.executable, [*args, *extra], env=env, dimensions=(ROWS, COLS)
        )
        self.child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default

    def pump(self, timeout: float) -> float | None:
        """Read what arrives within ``timeout``; returns the arrival time, None if nothing."""
        try:
            data = self.child.read_nonblocking(1 << 20, timeout=timeout)
        except pexpect.TIMEOUT:
            return None
        arrived = time.perf_counter()
        self.stream.feed(data)
        return arrived

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, check: Callable[[str], bool], timeout: float = TIMEOUT_S) -> float:
        """Poll until ``check(screen text)``; returns when the bytes that made it true arrived."""
        deadline = time.perf_counter() + timeout
        arrived = time.perf_counter()
        while not check(self.text):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"screen never matched; it shows:\n{self.text}")
            got = self.pump(0.2)
            if got is not None:
                arrived = got
        return arrived

    def key_latency(self, key: str, check: Callable[[str], bool]) -> float:
        """Seconds from writing ``key`` to the screen matching ``check``."""
        self.pump(0)  # drain
        sent = time.perf_counter()
        self.child.send(key)
        return self.wait_for(check) - sent

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.child.pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def cpu_percent_over(self, seconds: float) -> float:
        """CPU use of the UI process over ``seconds`` while the bench only reads the pty."""
        start_cpu, start = self.cpu_seconds(), time.perf_counter()
        while time.perf_counter() - start < seconds:
            self.pump(0.2)
        return 100.0 * (self.cpu_seconds() - start_cpu) / (time.perf_counter() - start)

    def quit(self) -> None:
        """``q``, and ``y`` when it asks (a run still going)."""
        self.child.send("q")
        if self.child.expect([pexpect.EOF, "Quit now"], timeout=TIMEOUT_S) == 1:
            self.child.send("y")
            self.child.expect(pexpect.EOF, timeout=TIMEOUT_S)
        self.child.close()


def five_busy(text: str) -> bool:
    rows = [line for line in text.splitlines() if line.startswith("#")]
    return sum(1 for line in rows if "fetching" in line or "retrying" in line) == 5


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def bench_downloads(samples: int, idle_seconds: float, work: Path) -> list[tuple[str, str, str]]:
    rows = []
    emulator = Emulator("--image-latency-ms", "100")
    try:
        ui = UI(emulator.url, work / "home1", "--count", "5000", "--out", str(work / "out1"))
        ui.wait_for(lambda s: "cameras loaded" in s)
        idle = ui.cpu_percent_over(idle_seconds)
        ui.child.send("r")
        ui.wait_for(five_busy)
        busy_cpu = ui.cpu_percent_over(5.0)
        latencies = []
        busy_seen = 0
        for _ in range(samples):
            busy_seen += five_busy(ui.text)
            latencies.append(ui.key_latency("?", lambda s: "any key closes" in s))
            latencies.append(ui.key_latency("x", lambda s: "any key closes" not in s))
        median, p95 = ms(latencies)
        rows.append(
            (
                "key-to-screen, 5 downloads running",
                f"median {median:.1f} ms, p95 {p95:.1f} ms",
                f"{len(latencies)} keys; 5 workers busy in {busy_seen}/{samples} samples",
            )
        )
        rows.append(("UI CPU, 5 downloads running", f"{busy_cpu:.1f} %", "over 5 s"))
        rows.append(("UI CPU, idle camera list", f"{idle:.2f} %", f"over {idle_seconds:g} s"))
        ui.quit()
    finally:
        emulator.stop()
    return rows


def bench_large_account(cameras: int, work: Path) -> list[tuple[str, str, str]]:
    rows = []
    emulator = Emulator("--cameras", str(cameras))
    try:
        ui = UI(emulator.url, work / "home2", "--out", str(work / "out2"))
        logged_in = ui.wait_for(lambda s: "een-tui · Cameras" in s)
        shown = ui.wait_for(lambda s: "cameras loaded" in s, timeout=120)
        rows.append(
            (
                f"{cameras:,} cameras: login -> list on screen",
                f"{(shown - logged_in) * 1000:.0f} ms",
                "device list request + parse + first draw",
            )
        )
        ui.key_latency("/", lambda s: "\n/" in s)
        latencies = []
        for word in ("site 12 camera 3", "camera 07", "site 199"):
            for n in range(1, len(word) + 1):
                prefix = word[:n]
                latencies.append(ui.key_latency(word[n - 1], lambda s, p=prefix: f"\n/{p}" in s))
            for n in range(len(word) - 1, -1, -1):
                prefix = word[:n]
                latencies.append(
                    ui.key_latency(
                        "\x7f", lambda s, p=prefix: re.search(f"\n/{re.escape(p)} *\n", s)
                    )
                )
        median, p95 = ms(latencies)
        rows.append(
            (
                f"{cameras:,} cameras: filter keystroke -> screen",
                f"median {median:.1f} ms, p95 {p95:.1f} ms",
                f"{len(latencies)} keystrokes (typing and backspace)",
            )
        )
        ui.key_latency("\x1b", lambda s: "\n/" not in s)  # Esc: leave the filter
        ui.quit()
    finally:
        emulator.stop()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100, help="help open/close pairs")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--cameras", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="een-tui-ui-bench-") as tmp:
        work = Path(tmp)
        rows = bench_downloads(args.samples, args.idle_seconds, work)
        rows += bench_large_account(args.cameras, work)
    print(f"een-tui UI bench ({COLS}x{ROWS} pty, TERM=xterm-256color, {os.cpu_count()} CPUs)")
    print_table(("measure", "result", "notes"), rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
