"""A timestamp is ASCII digits: Python's ``\\d`` also matches other scripts' digits (``２``,
``٢``), which ``int()`` reads, so a listing could slip in a frame under another spelling (sorted
first, a second name for the same moment). Real HTTP: a hostile proxy in front of the
emulator."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from hostile import Reply

from een_tui.api.client import ConnectionSettings, EenClient
from een_tui.api.timestamps import is_een_timestamp
from een_tui.api.v1_backend import V1Backend
from een_tui.download import DownloadEngine, DownloadOptions
from een_tui.download.events import RunOutcome

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_other_scripts_digits_are_not_a_timestamp():
    assert is_een_timestamp("20261202120000.000")
    assert not is_een_timestamp("20261202120000.000".translate(FULLWIDTH))
    assert not is_een_timestamp("2026120212000٠.000")  # an Arabic-Indic zero


def test_a_listing_in_other_digits_is_dropped_not_downloaded(emulator, hostile, tmp_path):
    hostile.upstream = emulator.url

    def listing(request):
        reply = hostile.proxied(request)
        rows = json.loads(reply.body)  # [{"s": "20261202120000.000", ...}, ...]
        twins = [{**row, "s": row["s"].translate(FULLWIDTH)} for row in rows]
        return Reply(reply.status, reply.headers, json.dumps(twins + rows).encode())

    hostile.on("GET", "/asset/list/image", listing)
    settings = ConnectionSettings(login_url=hostile.url, api_url=hostile.url, timeout=10.0)
    client = EenClient(settings, session_cache=None)
    client.login(emulator.demo_username, emulator.demo_password)
    backend = V1Backend(client)
    camera = min((c for c in backend.list_cameras().cameras if c.usable), key=lambda c: c.id)
    options = DownloadOptions(out_dir=tmp_path / "out", count=5, workers=2)
    result = DownloadEngine(backend, options).run(camera=camera)
    assert result.outcome is RunOutcome.DONE, result.error
    asked = [parse_qs(urlsplit(r.target).query)["timestamp"][0] for r in hostile.requests
             if r.path == "/asset/asset/image.jpeg"]
    assert asked and all(stamp.isascii() for stamp in asked), asked
    assert all(name.isascii() for name in (p.name for p in (tmp_path / "out").rglob("*")))
