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

from een_tui.emulator import EmulatorConfig, EmulatorServer, v3_approve  # noqa: E402
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


def v3_session(emu: EmulatorServer, pool: int) -> requests.Session:
    """A session holding a v3 bearer token (browser step done by ``v3_approve``)."""
    redirect = emu.config.v3_redirect_uris[0]
    authorize = (f"{emu.url}/oauth2/authorize?client_id={emu.v3_client_id}&response_type=code"
                 f"&scope=vms.all&redirect_uri={redirect}")
    code = v3_approve(authorize).split("code=", 1)[1].split("&", 1)[0]
    token = requests.post(f"{emu.url}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect},
        auth=(emu.v3_client_id, emu.v3_client_secret)).json()["access_token"]
    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=pool, pool_block=True))
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def v3_rows(repeat: int) -> list[tuple[str, str]]:
    """Walking every page of 10,000 v3 cameras; recordedImage throughput with 5 workers."""
    rows = []
    with EmulatorServer(EmulatorConfig(test_mode=True, cameras=10000)) as emu:
        session = v3_session(emu, 1)

        def walk() -> None:
            token = ""
            while True:
                page = session.get(f"{emu.url}/api/v3.0/cameras", timeout=30, params={
                    "include": "status", "pageSize": 500, "pageToken": token}).json()
                token = page["nextPageToken"]
                if not token:
                    return

        rows.append(("v3 /cameras, every page of 10,000 (pages of 50)",
                     f"{median_ms(walk, repeat):.0f} ms"))
    with EmulatorServer(EmulatorConfig(test_mode=True)) as emu:
        cameras = emu.account.online_cameras()
        session = v3_session(emu, 5)
        total = 100

        def fetch_all() -> None:
            todo = iter(range(total))

            def worker() -> None:
                for n in todo:
                    stamp = f"2000-01-01T00:00:{n % 60:02d}.000+00:00"
                    session.get(f"{emu.url}/api/v3.0/media/recordedImage.jpeg", timeout=10,
                                params={"deviceId": cameras[n % len(cameras)].esn,
                                        "type": "preview", "timestamp__gt": stamp})

            gevent.joinall([gevent.spawn(worker) for _ in range(5)], raise_error=True)

        ms = median_ms(fetch_all, repeat)
        rows.append(("v3 100 recordedImage, 5 workers, no latency",
                     f"{total / (ms / 1000):.0f} images/s"))
    return rows


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

    rows += v3_rows(args.repeat)
    print_table(("measurement", "result"), rows)


if __name__ == "__main__":
    main()
