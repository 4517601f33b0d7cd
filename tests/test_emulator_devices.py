"""Emulator device list and device endpoint: row layout, demo account contents, filters, scale."""

from __future__ import annotations

import re

import requests

from een_tui.api.status import CameraStatus, decode_status
from een_tui.emulator import EmulatorConfig, EmulatorServer
from een_tui.emulator.account import Account

ESN = re.compile(r"^[0-9a-f]{8}$")


def rows_of(emulator, session, **params):
    answer = session.get(f"{emulator.url}/g/device/list", params=params, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    return answer.json()


def test_rows_have_29_elements_in_the_documented_order(emulator, emulator_session):
    rows = rows_of(emulator, emulator_session)
    assert 90 <= len(rows) <= 100
    for row in rows:
        assert isinstance(row, list) and len(row) == 29
        assert row[1] is None or ESN.match(row[1])
        assert isinstance(row[2], str)
        assert row[3] in {"camera", "bridge", "multiview_camera"}
        assert isinstance(row[4], list) and all(len(b) == 2 for b in row[4])
        assert row[5] in {"ATTD", "IGND"}
        assert isinstance(row[6], str) and isinstance(row[7], list)
        assert isinstance(row[10], int) and not isinstance(row[10], bool)
        assert row[13] in (0, 1)
        assert isinstance(row[17], bool)
        assert isinstance(row[20], list) and len(row[20]) == 7
        assert row[26] == {}


def test_demo_account_has_every_kind_of_device_and_status(emulator, emulator_session):
    rows = rows_of(emulator, emulator_session)
    types = {row[3] for row in rows}
    assert types == {"camera", "bridge", "multiview_camera"}
    ignored = [row for row in rows if row[5] == "IGND"]
    assert len(ignored) == 2 and all(row[1] is None for row in ignored)
    assert any(row[13] == 1 for row in rows)  # unsupported
    assert any(row[15] == 1 for row in rows)  # shared by another account
    cameras = [row for row in rows if row[3] != "bridge"]
    statuses = {decode_status(row[10]).status for row in cameras}
    assert statuses == set(CameraStatus)
    assert any(decode_status(row[10]).recording for row in cameras)
    assert any(row[10] == 32803 for row in cameras)  # Off, with the deprecated online bit
    assert any(row[10] == 0 and row[5] == "ATTD" for row in cameras)  # Unknown, attached
    online = [row for row in cameras if decode_status(row[10]).status is CameraStatus.ONLINE]
    assert len(online) >= 50


def test_bridges_list_their_cameras_and_cameras_their_bridge(emulator, emulator_session):
    rows = rows_of(emulator, emulator_session)
    by_esn = {row[1]: row for row in rows if row[1]}
    bridges = [row for row in rows if row[3] == "bridge"]
    assert len(bridges) >= 8
    for bridge in bridges:
        for esn, state in bridge[4]:
            assert state == "ATTD"
            assert by_esn[esn][4] == [[bridge[1], "ATTD"]]


def test_esns_are_unique(emulator, emulator_session):
    esns = [row[1] for row in rows_of(emulator, emulator_session) if row[1]]
    assert len(esns) == len(set(esns))


def test_filters_e_n_t_s(emulator, emulator_session):
    rows = rows_of(emulator, emulator_session)
    camera = next(row for row in rows if row[3] == "camera" and row[1])
    assert rows_of(emulator, emulator_session, e=camera[1]) == [camera]
    named = rows_of(emulator, emulator_session, n="kitchen")
    assert named and all("kitchen" in row[2].lower() for row in named)
    bridges = rows_of(emulator, emulator_session, t="bridge")
    assert bridges and all(row[3] == "bridge" for row in bridges)
    assert len(bridges) == sum(1 for row in rows if row[3] == "bridge")
    ignored = rows_of(emulator, emulator_session, s="IGND")
    assert len(ignored) == 2 and all(row[5] == "IGND" for row in ignored)
    assert rows_of(emulator, emulator_session, e="ffffffff") == []


def test_trailing_slash_gives_500_like_the_real_service(emulator, emulator_session):
    answer = emulator_session.get(f"{emulator.url}/g/device/list/", timeout=10)
    assert answer.status_code == 500


def test_device_by_id(emulator, emulator_session):
    camera = emulator.account.online_cameras()[0]
    answer = emulator_session.get(f"{emulator.url}/g/device", params={"id": camera.esn},
                                  timeout=10)
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == camera.esn and body["name"] == camera.name
    info = body["camera_info"]
    assert info["status"] == str(camera.status)
    assert info["status_hex"] == f"{camera.status:08x}"
    assert info["connect"] == "STRM"
    assert re.match(r"^\d{14}\.\d{3}$", info["camera_newest"])
    missing = emulator_session.get(f"{emulator.url}/g/device", params={"id": "ffffffff"},
                                   timeout=10)
    assert missing.status_code == 404
    assert emulator_session.get(f"{emulator.url}/g/device", timeout=10).status_code == 400


def test_same_seed_same_account_other_seed_other_esns():
    first = [d.row() for d in Account(seed=7).devices]
    again = [d.row() for d in Account(seed=7).devices]
    other = [d.row() for d in Account(seed=8).devices]
    assert first == again
    assert [r[1] for r in first] != [r[1] for r in other]
    assert [r[2] for r in first] == [r[2] for r in other]  # same names, other ESNs


def test_ten_thousand_cameras():
    config = EmulatorConfig(test_mode=True, cameras=10000)
    with EmulatorServer(config) as emu, requests.Session() as session:
        token = session.post(f"{emu.url}/g/aaa/authenticate", timeout=10, json={
            "username": emu.demo_username, "password": emu.demo_password}).json()["token"]
        session.post(f"{emu.url}/g/aaa/authorize", json={"token": token}, timeout=10)
        rows = session.get(f"{emu.url}/g/device/list", timeout=30).json()
        cameras = [row for row in rows if row[3] == "camera"]
        assert len(cameras) == 10000
        assert len(rows) == 10000 + 200
        assert {decode_status(row[10]).status for row in cameras} == set(CameraStatus)
        esn = next(row[1] for row in cameras
                   if decode_status(row[10]).status is CameraStatus.ONLINE)
        image = session.get(f"{emu.url}/asset/asset/image.jpeg", timeout=10,
                            params={"id": esn, "timestamp": "now", "asset_class": "pre"})
        assert image.status_code == 200 and image.content[:2] == b"\xff\xd8"


def test_unknown_path_is_404_and_wrong_method_405(emulator, emulator_session):
    assert emulator_session.get(f"{emulator.url}/g/nothing", timeout=10).status_code == 404
    wrong = emulator_session.put(f"{emulator.url}/g/device/list", timeout=10)
    assert wrong.status_code == 405
    assert wrong.json()["status_code"] == 405
