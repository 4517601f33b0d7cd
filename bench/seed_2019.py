"""A reconstruction of "the seed's 2019 script", the yardstick of issue 12's end-to-end row.

We do not have the script itself. This rebuilds it from what its recorded traffic shows
(``/work/shared/fixtures/een-v1-2019``, README.md and exchanges.json): ``POST
/g/aaa/authenticate`` with the user name and password, ``POST /g/aaa/authorize`` with the
token (the session comes back as the ``auth_key`` cookie), ``GET /g/device/list``, then one
burst of 20 concurrent ``GET /asset/asset/image.jpeg?id=ESN&timestamp=now&asset_class=pre`` for
one camera, each answer's body saved. As in the recording, every request asks for the latest
frame (``timestamp=now``), so the images are mostly one and the same; nothing is retried,
checked or de-duplicated. It uses only ``requests`` and threads, as a 2019 script would.

    python bench/seed_2019.py URL USERNAME ESN OUT_DIR      (the password on stdin)

Exit 0 when every request got an answer (any status); prints ``saved K of 20`` on stderr.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

BURST = 20


def main(url: str, username: str, esn: str, out_dir: str) -> int:
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

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        saved = sum(pool.map(fetch, range(BURST)))
    print(f"saved {saved} of {BURST}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    raise SystemExit(main(*sys.argv[1:]))
