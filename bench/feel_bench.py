"""Speed a user feels (issue 12): every row of the issue's table, measured side by side in one run.

    python bench/feel_bench.py [--repeat 11] [--e2e-repeat 7] [--cycles 18] [--samples 60]

Rows (each with the command that makes it):

1. start-up: ``een-tui --version`` against a bare ``import gevent`` (patched) + ``import
   requests``, alternating, median of ``--repeat`` runs each;
2. end to end: ``een-tui download --camera ESN`` (20 images, W = 5, a fresh login) against
   ``bench/seed_2019.py`` (a reconstruction of the seed's 2019 script, see its docstring),
   alternating on the same emulator (its own process, 100 ms per image);
3. image requests in flight in the UI after ``n`` pressed 15 (and 30) times in a row (one press
   every 40 ms, about a key's auto-repeat), W = 5: the
   emulator's peak over the pressing window (its stats are reset when the window opens; a fresh
   emulator per measurement);
4. the UI's memory over ``--cycles`` download cycles (``r``, wait for 20/20, ``Esc``): RSS of the
   UI process from /proc after the first cycle and after the last;
5. ``Esc`` (download screen back to the camera list) to screen, median over those cycles;
6. help key (``?``, then any key) to screen while 5 downloads run, p95 at 120x40.

Times to screen are measured through a real pty (pexpect) with pyte as the terminal, from
writing the key to the arrival of the bytes that make the screen show the change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from report import print_table
from ui_bench import UI, Emulator, five_busy, ms

HERE = Path(__file__).resolve().parent
PY = sys.executable
BASELINE = "from gevent import monkey; monkey.patch_all(); import requests"
PRESS_INTERVAL_S = 0.04
DEMO_USER, DEMO_PASSWORD = "demo@een-tui.test", "een-tui-demo"


@dataclass
class Row:
    what: str
    command: str
    now: str
    floor: str
    aim: str
    met: str


def wall_ms(argv: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   **kwargs)
    return (time.perf_counter() - started) * 1000


def verdict(value: float, floor: float, aim: float) -> str:
    """``aim`` / ``floor`` / ``no``: the best bound ``value`` meets (lower is better)."""
    return "aim" if value <= aim else "floor" if value <= floor else "NO"


def startup_row(repeat: int) -> Row:
    ours, base = [], []
    for _ in range(repeat):
        base.append(wall_ms([PY, "-c", BASELINE]))
        ours.append(wall_ms([PY, "-m", "een_tui", "--version"]))
    a, b = statistics.median(ours), statistics.median(base)
    return Row("`een-tui --version` vs bare patched gevent + requests",
               f"python -m een_tui --version  vs  python -c '{BASELINE}'",
               f"{a / b:.2f}x ({a:.0f} vs {b:.0f} ms)", "1.25x", "1.1x",
               verdict(a / b, 1.25, 1.1))


def usable_camera(url: str) -> str:
    """An online camera of the emulator's demo account (lowest ESN), found with een-tui's client."""
    from een_tui.api.client import ConnectionSettings, EenClient

    client = EenClient(ConnectionSettings(login_url=url, api_url=url), pool_size=1)
    client.login(DEMO_USER, DEMO_PASSWORD)
    try:
        return sorted(d.id for d in client.list_devices().devices if d.usable)[0]
    finally:
        client.close()


def end_to_end_row(repeat: int, work: Path) -> Row:
    emulator = Emulator("--image-latency-ms", "100")
    try:
        url = emulator.url
        esn = usable_camera(url)
        env = {**os.environ, "EEN_PASSWORD": DEMO_PASSWORD, "HOME": str(work / "home-e2e"),
               "XDG_STATE_HOME": str(work / "home-e2e" / "state")}
        ours, seed = [], []
        for n in range(repeat):
            seed.append(wall_ms([PY, str(HERE / "seed_2019.py"), url, DEMO_USER, esn,
                                 str(work / f"seed{n}")], input=f"{DEMO_PASSWORD}\n".encode()))
            ours.append(wall_ms([PY, "-m", "een_tui", "download", "--camera", esn,
                                 "--login-url", url, "--api-url", url, "--username", DEMO_USER,
                                 "--no-session-cache", "--count", "20", "--workers", "5",
                                 "--out", str(work / f"ours{n}")], env=env))
        saved = len(list((work / "ours0").rglob("*.jpg")))
        distinct = len({p.read_bytes() for p in (work / "seed0").glob("*.jpeg")})
    finally:
        emulator.stop()
    a, b = statistics.median(ours), statistics.median(seed)
    return Row("`een-tui download` end to end vs the seed's 2019 script (100 ms per image)",
               "een-tui download --camera ESN --no-session-cache  vs  "
               "python bench/seed_2019.py URL USER ESN DIR",
               f"{a / b:.2f}x ({a:.0f} vs {b:.0f} ms; the seed saves {distinct} distinct "
               f"image(s), we save {saved})", "1.0x", "0.85x", verdict(a / b, 1.0, 0.85))


def stats(url: str) -> dict:
    return requests.get(f"{url}/_emulator/stats", timeout=10).json()


def in_flight_peak(presses: int, work: Path) -> int:
    """The emulator's peak of image requests in flight while ``n`` is pressed ``presses`` times
    in a row, and until the last run has five workers busy (or 5 s have passed)."""
    emulator = Emulator("--image-latency-ms", "100")
    try:
        ui = UI(emulator.url, work / f"home-n{presses}", "--count", "5000",
                "--out", str(work / f"out-n{presses}"))
        ui.wait_for(lambda s: "cameras loaded" in s)
        ui.child.send("r")
        ui.wait_for(five_busy)
        requests.delete(f"{emulator.url}/_emulator/stats", timeout=10)
        for _ in range(presses):  # about key-repeat speed, the screen read in between
            ui.child.send("n")
            pressed = time.monotonic()
            while time.monotonic() - pressed < PRESS_INTERVAL_S:
                ui.pump(PRESS_INTERVAL_S)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not five_busy(ui.text):
            ui.pump(0.1)
        ui.cpu_percent_over(1.0)  # keep reading the pty for one more second
        peak = stats(emulator.url)["images_in_flight_max"]
        ui.quit()
    finally:
        emulator.stop()
    return peak


def in_flight_row(work: Path) -> Row:
    p15, p30 = in_flight_peak(15, work), in_flight_peak(30, work)
    return Row("image requests in flight in the UI after `n` x15 (x30), W = 5",
               "een-tui --count 5000 (emulator 100 ms per image): r, then n n n ...; "
               "GET /_emulator/stats images_in_flight_max",
               f"{p15} ({p30} after 30)", "5", "5", verdict(max(p15, p30), 5, 5))


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def on_download_screen(text: str) -> bool:
    return "Workers" in text


def cycles_rows(cycles: int, work: Path) -> list[Row]:
    """Memory over ``cycles`` download cycles, and Esc-to-screen on each."""
    emulator = Emulator("--image-latency-ms", "5")
    try:
        ui = UI(emulator.url, work / "home-mem", "--count", "20", "--out", str(work / "out-mem"))
        ui.wait_for(lambda s: "cameras loaded" in s)
        rss, escs = [], []
        for _ in range(cycles):
            ui.child.send("r")
            ui.wait_for(lambda s: "Done: 20/20" in s)
            escs.append(ui.key_latency("\x1b", lambda s: not on_download_screen(s)))
            rss.append(rss_mb(ui.child.pid))
        ui.quit()
    finally:
        emulator.stop()
    growth = rss[-1] - rss[0]
    median, p95 = ms(escs)
    return [
        Row(f"UI memory over {cycles} download cycles (r, 20/20, Esc)",
            "een-tui (emulator 5 ms per image): RSS from /proc/PID/status after cycle 1 and "
            f"after cycle {cycles}",
            f"{growth:+.1f} MB ({rss[0]:.1f} -> {rss[-1]:.1f} MB)", "< 3 MB", "flat",
            "aim" if abs(growth) < 0.5 else "floor" if growth < 3 else "NO"),
        Row("`Esc` (download screen to camera list) to screen",
            "the same cycles: Esc on a finished download, pty + pyte",
            f"median {median:.0f} ms, p95 {p95:.0f} ms", "60 ms", "30 ms",
            verdict(median, 60, 30)),
    ]


def help_key_row(samples: int, work: Path) -> Row:
    emulator = Emulator("--image-latency-ms", "100")
    try:
        ui = UI(emulator.url, work / "home-help", "--count", "5000", "--out", str(work / "out-h"))
        ui.wait_for(lambda s: "cameras loaded" in s)
        ui.child.send("r")
        ui.wait_for(five_busy)
        latencies = []
        for _ in range(samples):
            latencies.append(ui.key_latency("?", lambda s: "any key closes" in s))
            latencies.append(ui.key_latency("x", lambda s: "any key closes" not in s))
        ui.quit()
    finally:
        emulator.stop()
    median, p95 = ms(latencies)
    return Row("help key to screen while 5 downloads run, p95 (120x40)",
               "een-tui --count 5000 (emulator 100 ms per image): r, then ? / x pairs",
               f"p95 {p95:.0f} ms (median {median:.0f} ms, {len(latencies)} keys)", "40 ms",
               "10 ms", verdict(p95, 40, 10))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11, help="start-up runs of each")
    parser.add_argument("--e2e-repeat", type=int, default=7, help="end-to-end runs of each")
    parser.add_argument("--cycles", type=int, default=18, help="download cycles (memory, Esc)")
    parser.add_argument("--samples", type=int, default=60, help="help open/close pairs")
    parser.add_argument("--only", default="", help="comma-separated row numbers (default all)")
    args = parser.parse_args()
    only = {int(n) for n in args.only.split(",") if n}
    # Byte-compile een-tui first, as installing it does: with PYTHONDONTWRITEBYTECODE set (some
    # machines set it) every run would otherwise compile its ~120 modules from source again.
    subprocess.run([PY, "-m", "compileall", "-q", str(HERE.parent / "een_tui")], check=True,
                   stdout=subprocess.DEVNULL)
    steps: list[tuple[int, Callable[[Path], list[Row]]]] = [
        (1, lambda w: [startup_row(args.repeat)]),
        (2, lambda w: [end_to_end_row(args.e2e_repeat, w)]),
        (3, lambda w: [in_flight_row(w)]),
        (4, lambda w: cycles_rows(args.cycles, w)),
        (6, lambda w: [help_key_row(args.samples, w)]),
    ]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="een-tui-feel-") as tmp:
        for number, step in steps:
            if not only or number in only:
                rows += step(Path(tmp))
    print(f"een-tui feel bench ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    print_table(("what", "now", "floor", "aim", "met?"),
                [(r.what, r.now, r.floor, r.aim, r.met) for r in rows])
    print("\ncommands:")
    for r in rows:
        print(f"  {r.what}:\n    {r.command}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
