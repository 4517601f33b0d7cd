"""Emulator benchmark: account build, device list, preview rendering and image throughput.

    python bench/emulator_bench.py [--repeat 5]

Prints one table row per measurement (median of --repeat runs, in-process, loopback HTTP).
Aims: the 10,000-camera device list well under a second; image answers fast enough that the
client, not the emulator, is what a download benchmark measures.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from report import median_ms, print_table  # noqa: E402
from requests.adapters import HTTPAdapter  # noqa: E402

from een_tui.emulator import EmulatorConfig, EmulatorServer  # noqa: E402
from een_tui.emulator.account import Account  # noqa: E402
from een_tui.emulator.previews import PreviewRenderer  # noqa: E402


def logged_in(emu: EmulatorServer, pool: int) -> requests.Session:
    """A session logged in as the demo user, with a keep-alive pool of ``pool`` connections."""
    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=pool, pool_block=True))
    token = session.post(f"{emu.url}/g/aaa/authenticate", timeout=10, json={
        "username": emu.demo_username, "password": emu.demo_password}).json()["token"]
    session.post(f"{emu.url}/g/aaa/authorize", json={"token": token}, timeout=10)
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []

    rows.append(("build demo account (97 devices)",
                 f"{median_ms(lambda: Account(seed=1), args.repeat):.1f} ms"))
    rows.append(("build account, 10,000 cameras",
                 f"{median_ms(lambda: Account(seed=1, cameras=10000), args.repeat):.1f} ms"))

    renderer = PreviewRenderer(cache_size=4)
    counter = iter(range(10**9))
    rows.append(("render + encode one 320x240 preview",
                 f"{median_ms(lambda: renderer.jpeg('1000c4ae', 'CFA1 Lobby', next(counter), '20190409024212.149'), args.repeat * 4):.1f} ms"))  # noqa: E501
    rows.append(("render + encode one 640x360 preview",
                 f"{median_ms(lambda: renderer.jpeg('1000c4ae', 'CFA1 Lobby', next(counter), '20190409024212.149', (640, 360)), args.repeat * 4):.1f} ms"))  # noqa: E501

    for cameras in (None, 10000):
        with EmulatorServer(EmulatorConfig(test_mode=True, cameras=cameras)) as emu:
            session = logged_in(emu, 1)
            size = len(session.get(f"{emu.url}/g/device/list", timeout=30).content)
            ms = median_ms(lambda s=session, e=emu: s.get(f"{e.url}/g/device/list", timeout=30),
                           args.repeat)
            label = "demo account" if cameras is None else f"{cameras:,} cameras"
            rows.append((f"GET /g/device/list, {label} ({size / 1e6:.2f} MB)", f"{ms:.1f} ms"))

    with EmulatorServer(EmulatorConfig(test_mode=True)) as emu:
        cameras = emu.account.online_cameras()
        total = 100
        for workers in (1, 5):
            session = logged_in(emu, workers)

            def fetch_all(session: requests.Session = session, workers: int = workers) -> None:
                todo = iter(range(total))

                def worker() -> None:
                    for n in todo:
                        camera = cameras[n % len(cameras)]
                        session.get(f"{emu.url}/asset/asset/image.jpeg", timeout=10, params={
                            "id": camera.esn, "timestamp": f"-{n * 1000}", "asset_class": "pre"})

                gevent.joinall([gevent.spawn(worker) for _ in range(workers)], raise_error=True)

            ms = median_ms(fetch_all, args.repeat)
            rows.append((f"100 distinct images, {workers} worker(s), no latency",
                         f"{total / (ms / 1000):.0f} images/s"))

    print_table(("measurement", "result"), rows)


if __name__ == "__main__":
    main()
