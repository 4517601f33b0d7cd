"""Download-phase benchmark: een-tui with W=5 and W=1 workers vs a plain sequential `requests`
loop, against the emulator with a fixed per-image latency L.

    python bench/download_bench.py [--latency-ms 100] [--count 20] [--repeat 3] [--in-process]
                                   [--real-world] [--real-world-count 10]

The emulator runs in a subprocess (its own CPU, like a remote server) unless --in-process.
Prints, per variant, the median wall time of the download phase (after login, camera choice and
planning) and its ratio to the ideal ceil(M/W) x L, where M is the number of images the phase
fetched: all N (een-tui checks a named camera's image in the phase's first round, as worker 1's
first image). The "run" column is the whole run after login (for een-tui: planning, with v3's
live-image check, and download). Aim: W=5 within 1.15x of the ideal.

``--real-world`` adds where users live (EEN's own CLI measures 5-9 s per live preview on real
cameras): een-tui W=5 with a fixed 5 s per image, and with a spread of 5-9 s (5 s plus a uniform
0-4 s, the emulator's jitter, which also delays the few JSON requests). To finish in reasonable
time these rows use N = ``--real-world-count`` (default 10: two rounds of five) and one run each,
and skip the W=1 and plain-loop variants (a sequential loop would take N x 5-9 s). Their ideal
is ceil(M/W) x the mean latency (5 s, and 7 s for the spread).
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402

from een_tui.api.client import ConnectionSettings, EenClient, session_cookie  # noqa: E402
from een_tui.api.v1_backend import V1Backend  # noqa: E402
from een_tui.api.v3.backend import V3Backend  # noqa: E402
from een_tui.api.v3.tokens import OAuthClient  # noqa: E402
from een_tui.download import DownloadEngine, DownloadOptions  # noqa: E402
from een_tui.download.events import RunOutcome  # noqa: E402
from een_tui.emulator import EmulatorConfig, EmulatorServer, v3_approve  # noqa: E402

SUBPROCESS_SERVER = """
from gevent import monkey; monkey.patch_all()
import sys
from een_tui.emulator import EmulatorConfig, EmulatorServer
config = EmulatorConfig(seed=1, test_mode=True, image_latency_ms=float(sys.argv[1]),
                        jitter_ms=float(sys.argv[2]))
server = EmulatorServer(config, host="127.0.0.1", port=0).start()
print(server.url, flush=True)
server.serve_forever()
"""


@dataclass
class RemoteEmulator:
    """An emulator in a subprocess: the same ``url``/``stats``/demo user as EmulatorServer."""

    url: str
    demo_username: str = EmulatorServer.demo_username
    demo_password: str = EmulatorServer.demo_password

    def stats(self) -> dict:
        return requests.get(f"{self.url}/_emulator/stats", timeout=5).json()

    def reset_stats(self) -> None:
        requests.delete(f"{self.url}/_emulator/stats", timeout=5)


@contextlib.contextmanager
def emulator(latency_ms: float, in_process: bool,
             jitter_ms: float = 0.0) -> Iterator[EmulatorServer | RemoteEmulator]:
    """The emulator with a per-image latency (plus a uniform 0..``jitter_ms`` on every
    request), in this process or in a subprocess."""
    if in_process:
        config = EmulatorConfig(seed=1, test_mode=True, image_latency_ms=latency_ms,
                                jitter_ms=jitter_ms)
        with EmulatorServer(config, host="127.0.0.1", port=0) as emu:
            yield emu
        return
    proc = subprocess.Popen(
        [sys.executable, "-c", SUBPROCESS_SERVER, str(latency_ms), str(jitter_ms)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield RemoteEmulator(url=proc.stdout.readline().strip())
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def logged_in_client(emu: EmulatorServer, pool_size: int) -> EenClient:
    client = EenClient(
        ConnectionSettings(login_url=emu.url), session_cache=None, pool_size=pool_size
    )
    client.login(emu.demo_username, emu.demo_password)
    return client


def logged_in_v3(emu: EmulatorServer, pool_size: int) -> V3Backend:
    """A v3 backend logged in through the browser flow (the browser step by ``v3_approve``)."""
    demo = EmulatorConfig()
    oauth = OAuthClient(demo.v3_client_id, demo.v3_client_secret, demo.v3_redirect_uris[0],
                        auth_url=emu.url)
    backend = V3Backend(oauth, api_url=emu.url, pool_size=pool_size)
    flow = backend.login_flow(listen=False, env={})
    flow.finish(v3_approve(flow.begin().url))
    return backend


@dataclass
class Timing:
    """One variant's run: the download phase, the images it fetched, and the whole run."""

    phase_s: float
    phase_images: int
    run_s: float


def een_tui_phase(emu: EmulatorServer, esn: str, count: int, workers: int, out: Path,
                  api: str = "v1") -> Timing:
    """The engine's worker phase (the camera's image check included) and its whole run."""
    if api == "v3":
        backend = logged_in_v3(emu, workers)
    else:
        backend = V1Backend(logged_in_client(emu, workers))
    camera = next(c for c in backend.list_cameras().cameras if c.id == esn)
    engine = DownloadEngine(backend, DownloadOptions(count=count, workers=workers, out_dir=out))
    emu.reset_stats()
    started = time.monotonic()
    result = engine.run(camera=camera)
    run_s = time.monotonic() - started
    stats = emu.stats()
    if stats["images_in_flight_max"] != workers:
        print(f"  W={workers}: peak {stats['images_in_flight_max']} image requests in flight")
    if result.outcome is not RunOutcome.DONE:
        raise SystemExit(f"een-tui W={workers}: {result.outcome.value}: {result.error}")
    return Timing(engine.download_elapsed_s, count, run_s)


def requests_loop_phase(emu: EmulatorServer, esn: str, count: int, out: Path) -> Timing:
    """Wall time of a plain sequential loop: one requests.Session, one image after another."""
    http = requests.Session()
    token = http.post(
        f"{emu.url}/g/aaa/authenticate",
        json={"username": emu.demo_username, "password": emu.demo_password},
    ).json()
    answer = http.post(f"{emu.url}/g/aaa/authorize", json={"token": token["token"]})
    auth_key, _ = session_cookie(answer)
    run_started = time.monotonic()
    listing = http.get(
        f"{emu.url}/asset/list/image",
        params={
            "id": esn,
            "start_timestamp": "now",
            "count": -count,
            "asset_class": "pre",
            "A": auth_key,
        },
    ).json()
    stamps = [entry["s"] for entry in listing][:count]
    folder = out / esn
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    for stamp in stamps:
        reply = http.get(
            f"{emu.url}/asset/asset/image.jpeg",
            params={"id": esn, "timestamp": stamp, "asset_class": "pre", "A": auth_key},
        )
        reply.raise_for_status()
        (folder / f"{stamp}.jpg").write_bytes(reply.content)
    ended = time.monotonic()
    return Timing(ended - started, len(stamps), ended - run_started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=100.0, help="per-image latency L")
    parser.add_argument("--count", type=int, default=20, help="images N")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant (median shown)")
    parser.add_argument("--in-process", action="store_true", help="emulator in this process")
    parser.add_argument("--real-world", action="store_true",
                        help="add een-tui W=5 at 5 s per image and at 5-9 s per image")
    parser.add_argument("--real-world-count", type=int, default=10, help="N of those rows")
    parser.add_argument("--cameras", type=int, default=0, metavar="C",
                        help="add the many-camera row: C cameras x 1 image, one pool of 5 "
                             "(bench/many_cameras.py)")
    args = parser.parse_args()
    latency_s = args.latency_ms / 1000
    with emulator(args.latency_ms, args.in_process) as emu:
        probe = logged_in_client(emu, 1)
        esn = sorted(d.id for d in probe.list_devices().devices if d.usable)[0]
        variants = [
            ("een-tui W=5", 5, lambda out: een_tui_phase(emu, esn, args.count, 5, out)),
            ("een-tui W=1", 1, lambda out: een_tui_phase(emu, esn, args.count, 1, out)),
            ("een-tui v3 W=5", 5, lambda out: een_tui_phase(emu, esn, args.count, 5, out, "v3")),
            ("een-tui v3 W=1", 1, lambda out: een_tui_phase(emu, esn, args.count, 1, out, "v3")),
            ("requests loop", 1, lambda out: requests_loop_phase(emu, esn, args.count, out)),
        ]
        where = "in-process" if args.in_process else "subprocess"
        print(
            f"N = {args.count} images, L = {args.latency_ms:.0f} ms per image, camera {esn}, "
            f"median of {args.repeat}, emulator {where}"
        )
        print(
            f"{'variant':<16} {'W':>2} {'M':>3} {'phase (s)':>9} {'ideal (s)':>9} {'ratio':>6} "
            f"{'run (s)':>8}"
        )
        for name, workers, phase in variants:
            timings = []
            for _ in range(args.repeat):
                with tempfile.TemporaryDirectory() as out:
                    timings.append(phase(Path(out)))
            wall = statistics.median(t.phase_s for t in timings)
            run = statistics.median(t.run_s for t in timings)
            images = timings[0].phase_images
            ideal = math.ceil(images / workers) * latency_s
            print(
                f"{name:<16} {workers:>2} {images:>3} {wall:>9.3f} {ideal:>9.3f} "
                f"{wall / ideal:>5.2f}x {run:>8.3f}"
            )
        print(
            "M = images fetched in the download phase (the camera's image check among them); "
            "run = the whole run after login"
        )
    if args.cameras:
        from many_cameras import HEADER, many_camera_row
        from report import print_table

        print()
        print_table(HEADER, [many_camera_row(args.cameras, 1, 5, args.latency_ms)])
    if args.real_world:
        for name, latency_ms, jitter_ms in (("5 s per image", 5000.0, 0.0),
                                            ("5-9 s per image", 5000.0, 4000.0)):
            real_world_row(name, latency_ms, jitter_ms, args.real_world_count, args.in_process)


def real_world_row(name: str, latency_ms: float, jitter_ms: float, count: int,
                   in_process: bool) -> None:
    """One run of een-tui W=5 against an emulator ``latency_ms`` (+0..``jitter_ms``) per image."""
    with emulator(latency_ms, in_process, jitter_ms) as emu:
        probe = V1Backend(logged_in_client(emu, 1))
        esn = sorted(c.id for c in probe.list_cameras().cameras if c.usable)[0]
        with tempfile.TemporaryDirectory() as out:
            timing = een_tui_phase(emu, esn, count, 5, Path(out))
    ideal = math.ceil(timing.phase_images / 5) * (latency_ms + jitter_ms / 2) / 1000
    label = f"W=5, {name}"
    print(
        f"{label:<16} {5:>2} {timing.phase_images:>3} {timing.phase_s:>9.3f} {ideal:>9.3f} "
        f"{timing.phase_s / ideal:>5.2f}x {timing.run_s:>8.3f}   (N = {count}, one run)"
    )


if __name__ == "__main__":
    main()
