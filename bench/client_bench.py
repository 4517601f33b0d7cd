"""Client benchmark: login, device list parsing, and 20 image fetches with 1 vs 5 greenlets.

    python bench/client_bench.py [--repeat 5] [--image-latency-ms 50]

Prints one table row per measurement (median of --repeat runs, in-process emulator on
loopback). Shows what the keep-alive pool buys: connections opened per 20 images, and the
wall time of 20 fetches sequentially vs with 5 concurrent greenlets.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent.pool  # noqa: E402
from report import median_ms, print_table  # noqa: E402

from een_tui.api.client import EenClient  # noqa: E402
from een_tui.api.devices import parse_device_list  # noqa: E402
from een_tui.api.settings import ConnectionSettings  # noqa: E402
from een_tui.emulator import EmulatorConfig, EmulatorServer  # noqa: E402

FIXTURE = Path(__file__).parent.parent / "tests" / "fixtures" / "een-v1-2019" / "device_list.json"


def fetch_all(client: EenClient, esn: str, stamps: list[str], workers: int) -> int:
    """Fetch every timestamp with ``workers`` greenlets; returns the bytes received."""
    def one(stamp: str) -> int:
        with client.open_image(esn, stamp) as (_headers, chunks):
            return sum(len(c) for c in chunks)

    pool = gevent.pool.Pool(workers)
    return sum(pool.map(one, stamps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--image-latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []

    body = json.loads(FIXTURE.read_text())
    rows.append(("parse the real 2019 device list (97 rows)",
                 f"{median_ms(lambda: parse_device_list(body), args.repeat * 20):.2f} ms"))

    config = EmulatorConfig(test_mode=True, image_latency_ms=args.image_latency_ms)
    with EmulatorServer(config) as emulator:
        settings = ConnectionSettings(login_url=emulator.url)

        def login() -> EenClient:
            client = EenClient(settings, session_cache=None)
            client.login(emulator.demo_username, emulator.demo_password)
            return client

        rows.append(("login (authenticate + authorize)", f"{median_ms(login, args.repeat):.1f} ms"))
        client = login()
        rows.append(("device list over HTTP + parse",
                     f"{median_ms(client.list_devices, args.repeat):.1f} ms"))
        camera = next(d for d in client.list_devices().devices if d.usable)
        stamps = client.list_image_timestamps(camera.id, count=-20)
        for workers in (1, 5):
            fresh = EenClient(settings, session_cache=None, pool_size=workers)
            fresh.login(emulator.demo_username, emulator.demo_password)
            emulator.reset_stats()
            wall = median_ms(lambda w=workers, c=fresh: fetch_all(c, camera.id, stamps, w),
                             args.repeat)
            connections = emulator.stats()["connections_opened"]
            rows.append((f"20 images, {workers} greenlet(s), image latency "
                         f"{args.image_latency_ms:g} ms", f"{wall:.0f} ms"))
            rows.append((f"  connections opened for {args.repeat} x 20 images",
                         str(connections)))

    print_table(("measurement", "value"), rows)


if __name__ == "__main__":
    main()
