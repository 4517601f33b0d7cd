"""Many cameras: a camera that fails its health check (its listing, or its first images) is
reported and skipped, the others are downloaded; a camera never gets more than one request in
flight before its first image is saved. Over HTTP: the emulator behind a hostile proxy that
breaks one camera."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from hostile import Reply

from een_tui import cli, exitcodes
from een_tui.emulator import EmulatorConfig, EmulatorServer

NO_ASSET = Reply(400, [("Content-Type", "application/json")],
                 {"status_code": 400, "message": "no matching asset"})


@pytest.fixture
def emu():
    config = EmulatorConfig(seed=5, test_mode=True, cameras=12)
    with EmulatorServer(config, host="127.0.0.1", port=0) as server:
        yield server


def run(hostile, tmp_path, *extra: str) -> int:
    secret = tmp_path / "password"
    secret.write_text(EmulatorServer.demo_password + "\n")
    secret.chmod(0o600)
    return cli.main(["download", "--login-url", hostile.url, "--api-url", hostile.url,
                     "--username", EmulatorServer.demo_username, "--password-file", str(secret),
                     "--no-session-cache", "--out", str(tmp_path / "out"), "--json", *extra])


def esn_of(request) -> str:
    return parse_qs(urlsplit(request.target).query).get("id", [""])[0]


FORBIDDEN = Reply(403, [("Content-Type", "application/json")],
                  {"status_code": 403, "message": "missing privileges"})


def breaking(hostile, path: str, bad: str, answer: Reply = NO_ASSET):
    def handler(request):
        return answer if esn_of(request) == bad else hostile.proxied(request)
    hostile.on("GET", path, handler)


def test_a_camera_whose_images_fail_is_skipped(emu, hostile, tmp_path, capsys):
    hostile.upstream = emu.url
    good = [c.esn for c in emu.account.online_cameras()[:3]]
    bad = good[1]
    breaking(hostile, "/asset/asset/image.jpeg", bad)
    code = run(hostile, tmp_path, "--camera", ",".join(good), "--count", "4")
    assert code == exitcodes.INCOMPLETE
    summary = json.loads(capsys.readouterr().out)
    lines = {c["id"]: c for c in summary["cameras"]}
    assert lines[bad]["state"] == "skipped" and lines[bad]["saved"] == 0
    assert "health check" in lines[bad]["reason"]
    for esn in (good[0], good[2]):
        assert (lines[esn]["state"], lines[esn]["saved"]) == ("done", 4)
    tried = [r for r in hostile.requests
             if r.path == "/asset/asset/image.jpeg" and esn_of(r) == bad]
    assert len(tried) == 3  # three timestamps given up, then the camera is skipped
    assert not (tmp_path / "out" / bad).exists() or not any((tmp_path / "out" / bad).iterdir())


def test_a_camera_whose_listing_fails_is_skipped(emu, hostile, tmp_path, capsys):
    hostile.upstream = emu.url
    good = [c.esn for c in emu.account.online_cameras()[:2]]
    breaking(hostile, "/asset/list/image", good[0], FORBIDDEN)
    code = run(hostile, tmp_path, "--camera", ",".join(good), "--since", "1m", "--count", "5")
    assert code == exitcodes.INCOMPLETE
    lines = {c["id"]: c for c in json.loads(capsys.readouterr().out)["cameras"]}
    assert lines[good[0]]["state"] == "skipped"
    assert "cannot be listed" in lines[good[0]]["reason"]
    assert (lines[good[1]]["state"], lines[good[1]]["saved"]) == ("done", 5)
    assert not any(r.path == "/asset/asset/image.jpeg" and esn_of(r) == good[0]
                   for r in hostile.requests)


def test_every_camera_skipped_is_no_usable_camera(emu, hostile, tmp_path, capsys):
    hostile.upstream = emu.url
    hostile.on("GET", "/asset/asset/image.jpeg", NO_ASSET)
    code = run(hostile, tmp_path, "--status", "online", "--count", "2")
    assert code == exitcodes.NO_USABLE_CAMERA
    summary = json.loads(capsys.readouterr().out)
    assert summary["outcome"] == "failed" and "no usable camera" in summary["error"]
    assert {c["state"] for c in summary["cameras"]} == {"skipped"}


def test_a_long_range_is_listed_page_by_page_while_images_are_fetched(emu, hostile, tmp_path,
                                                                      capsys):
    hostile.upstream = emu.url
    esn = emu.account.online_cameras()[0].esn
    code = run(hostile, tmp_path, "--camera", esn, "--since", "15m", "--count", "all")
    assert code == exitcodes.OK
    assert json.loads(capsys.readouterr().out)["saved"] >= 899
    order = [r.path for r in hostile.requests
             if r.path in ("/asset/list/image", "/asset/asset/image.jpeg")]
    lists = [n for n, path in enumerate(order) if path == "/asset/list/image"]
    assert len(lists) == 5  # 900 frames, 200 a page (the fifth comes back short)
    assert order[lists[0] + 1] == "/asset/asset/image.jpeg"  # the first image after one page
    assert lists[1] > 150  # the second page when the first is nearly used up, not before
    images_before_last_page = lists[-1] - (len(lists) - 1)
    assert images_before_last_page > 700  # images fetched all along, not after the listing
