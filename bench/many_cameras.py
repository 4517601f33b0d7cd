"""Many-camera benchmark: one run over every usable camera of a large account, ``--count``
images each, one pool of W workers for all of them.

    python bench/many_cameras.py [--cameras 10000] [--count 1] [--workers 5] [--latency-ms 20]

The emulator runs in a subprocess (``een-tui emulator --cameras N``). Prints images/s against
the ideal ``W / L`` (the whole run taking ``total / W x L``), the peak of image requests in
flight the emulator saw (must be exactly W), and this process's resident memory at a quarter,
half and the end of the run (flat: it must not grow with the cameras done).
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402
from report import print_table  # noqa: E402

from een_tui.api.client import ConnectionSettings, EenClient  # noqa: E402
from een_tui.api.v1_backend import V1Backend  # noqa: E402
from een_tui.download.fleet import CameraFinished, FleetRun  # noqa: E402
from een_tui.download.options import DownloadOptions  # noqa: E402
from een_tui.emulator import EmulatorServer  # noqa: E402


def rss_mb() -> float:
    """This process's resident memory now (not the peak), in MB."""
    with open(f"/proc/{os.getpid()}/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def start_emulator(cameras: int, latency_ms: float) -> tuple[subprocess.Popen, str]:
    """``een-tui emulator`` in a subprocess; its URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "een_tui", "emulator", "--port", "0", "--test-mode",
         "--cameras", str(cameras), "--image-latency-ms", str(latency_ms)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "http://" in line:
            url = line[line.index("http://"):].split()[0].rstrip(".,")
            return proc, url
    proc.terminate()
    raise SystemExit("the emulator did not start")


def many_camera_row(cameras: int, count: int, workers: int, latency_ms: float) -> list[str]:
    """Run once; the table row."""
    proc, url = start_emulator(cameras, latency_ms)
    try:
        client = EenClient(ConnectionSettings(login_url=url), session_cache=None,
                           pool_size=workers)
        client.login(EmulatorServer.demo_username, EmulatorServer.demo_password)
        backend = V1Backend(client)
        usable = [c for c in backend.list_cameras().cameras if c.usable]
        requests.delete(f"{url}/_emulator/stats", timeout=5)
        marks = {len(usable) // 4: "25%", len(usable) // 2: "50%"}
        memory: dict[str, float] = {}
        done = [0]

        def on_event(event: object) -> None:
            if isinstance(event, CameraFinished):
                done[0] += 1
                if done[0] in marks:
                    memory[marks[done[0]]] = rss_mb()

        with tempfile.TemporaryDirectory() as out:
            run = FleetRun(backend, DownloadOptions(workers=workers, out_dir=Path(out)),
                           count=count, on_event=on_event)
            started = time.monotonic()
            result = run.run(usable)
            elapsed = time.monotonic() - started
            memory["end"] = rss_mb()
        stats = requests.get(f"{url}/_emulator/stats", timeout=5).json()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    total = result.images_fetched
    ideal = workers / (latency_ms / 1000)
    rate = total / elapsed
    mem = " / ".join(f"{memory.get(k, 0):.0f}" for k in ("25%", "50%", "end"))
    return [f"{len(usable)} cameras x {count}", str(workers), f"{latency_ms:g}", str(total),
            f"{elapsed:.1f}", f"{rate:.1f}", f"{ideal:.1f}", f"{rate / ideal:.0%}",
            str(stats["images_in_flight_max"]), mem, result.outcome.value]


HEADER = ["run", "W", "L ms", "images", "wall s", "images/s", "ideal W/L", "of ideal",
          "peak in flight", "RSS MB 25%/50%/end", "outcome"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=10000)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args()
    print_table(HEADER, [many_camera_row(args.cameras, args.count, args.workers,
                                         args.latency_ms)])


if __name__ == "__main__":
    main()
