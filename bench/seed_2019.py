"""A reconstruction of "the seed's 2019 script", the yardstick of issue 12's end-to-end row.

We do not have the script itself. This rebuilds it from its recorded traffic
(``tests/fixtures/een-v1-2019``): ``POST /g/aaa/authenticate`` with the user name and password,
``POST /g/aaa/authorize`` with the token (the session comes back as the ``auth_key`` cookie),
``GET /g/device/list``, then 20 ``GET
/asset/asset/image.jpeg?id=ESN&timestamp=now&asset_class=pre`` for one camera, each answer's
body saved. Every request asks for the latest frame, so the images are mostly one and the same;
nothing is retried, checked or de-duplicated.

One guess is ours: the 20 requests go through a gevent pool of 5 greenlets (the shape the
project's brief gives the job). It is the guess that reproduces issue 12's figure: the issue
measured the seed at 770 ms (100 ms per image); a pool of 5 takes four rounds and measures
750-860 ms here, while firing all 20 at once (an earlier reconstruction) takes one round and
measured 267 ms.

    python bench/seed_2019.py URL USERNAME ESN OUT_DIR [--pool 5]     (the password on stdin)

Exit 0 when every request got an answer (any status); prints ``saved K of 20`` on stderr.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent.pool  # noqa: E402
import requests  # noqa: E402

IMAGES = 20


def main(url: str, username: str, esn: str, out_dir: str, pool: int) -> int:
    password = sys.stdin.readline().rstrip("\n")
    http = requests.Session()
    token = http.post(f"{url}/g/aaa/authenticate",
                      json={"username": username, "password": password}, timeout=30)
    token.raise_for_status()
    http.post(f"{url}/g/aaa/authorize", json={"token": token.json()["token"]},
              timeout=30).raise_for_status()
    http.get(f"{url}/g/device/list", timeout=30).raise_for_status()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)

    def fetch(index: int) -> bool:
        answer = http.get(f"{url}/asset/asset/image.jpeg",
                          params={"id": esn, "timestamp": "now", "asset_class": "pre"}, timeout=30)
        if answer.status_code != 200:
            return False
        (folder / f"{esn}_{index:02d}.jpeg").write_bytes(answer.content)
        return True

    saved = sum(gevent.pool.Pool(pool).imap_unordered(fetch, range(IMAGES)))
    print(f"saved {saved} of {IMAGES}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("url", "username", "esn", "out_dir"):
        parser.add_argument(name)
    parser.add_argument("--pool", type=int, default=5, help="greenlets (default 5)")
    args = parser.parse_args()
    raise SystemExit(main(args.url, args.username, args.esn, args.out_dir, args.pool))
