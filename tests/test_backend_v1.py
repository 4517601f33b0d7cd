"""The backend seam, v1: domain types, the login flow and the connection flow, over real HTTP
to the emulator."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

import pytest
from hostile import Reply

from een_tui.api import errors
from een_tui.api.backend import Backend, StepKind
from een_tui.api.client import EenClient
from een_tui.api.credentials import Credentials
from een_tui.api.model import Camera, Esn, PreviewFrame
from een_tui.api.secrets import known_secrets
from een_tui.api.settings import ConnectionSettings
from een_tui.api.status import CameraStatus
from een_tui.api.v1_backend import V1Backend
from een_tui.commands.common import add_connection_options
from een_tui.connect import AccountConnection, connected, login_on_terminal
from een_tui.connect_demo import DemoConnection


def fresh_backend(emulator) -> V1Backend:
    settings = ConnectionSettings(login_url=emulator.url, api_url=emulator.url, timeout=5.0)
    return V1Backend(EenClient(settings, session_cache=None))


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_connection_options(parser)
    return parser.parse_args(list(argv))


def test_esn_and_frame_are_parsed_once():
    assert Esn.parse("1000c4ae") == "1000c4ae"
    with pytest.raises(ValueError):
        Esn.parse("1000c4a")
    assert Esn.parse_or_none("../etc/x") is None
    frame = PreviewFrame.parse("20190409063727.123")
    assert frame.at == datetime(2019, 4, 9, 6, 37, 27, 123000, tzinfo=timezone.utc)
    assert str(frame) == "20190409063727.123"
    for bad in ("20191309063727.123", "2019040906372.123", None, 20190409063727.123):
        with pytest.raises(ValueError):
            PreviewFrame.parse(bad)
    assert PreviewFrame.parse("20190409063727.124") > frame


def test_a_camera_with_unknown_recording_flag():
    camera = Camera(id=Esn("1000c4ae"), name="v3 cam", status=CameraStatus.ONLINE,
                    recording=None, raw_status="online")
    assert camera.usable and camera.recording is None
    offline = Camera(id=None, name="x", status=CameraStatus.OFFLINE, recording=False,
                     raw_status=0)
    assert offline.unusable_reason == "the camera has no valid ESN (not yet discovered)"


def test_v1_backend_lists_plans_and_streams(emulator):
    backend = fresh_backend(emulator)
    try:
        assert isinstance(backend, Backend)
        backend.login(Credentials(emulator.demo_username, emulator.demo_password))
        assert backend.display_name
        cameras = backend.list_cameras().cameras
        online = sorted((c for c in cameras if c.usable), key=lambda c: c.id)
        assert online and all(isinstance(c.raw_status, int) for c in cameras)
        esn = online[0].id
        plan = backend.plan_previews(esn, 8)
        assert plan.source == "list" and len(plan.timestamps) == 8
        assert list(plan.timestamps) == sorted(set(plan.timestamps), reverse=True)
        older = backend.plan_previews(esn, 4, before=plan.timestamps[-1],
                                      exclude=plan.timestamps)
        # v1 lists up to and including ``start``: the excluded start leaves 3 or 4
        assert 3 <= len(older.timestamps) <= 4
        assert all(s < plan.timestamps[-1] for s in older.timestamps)
        with backend.open_image(esn, plan.timestamps[0]) as (headers, chunks):
            body = b"".join(chunks)
        assert body[:2] == b"\xff\xd8" and headers.timestamp == plan.timestamps[0]
    finally:
        backend.close()


def test_login_flow_with_two_factor(emulator):
    backend = fresh_backend(emulator)
    try:
        flow = backend.login_flow()
        assert flow.begin().kind is StepKind.CREDENTIALS
        step = flow.begin(Credentials(emulator.tfa_username, emulator.tfa_password))
        assert step.kind is StepKind.CHOOSE_METHOD and "sms" in step.choices
        step = flow.send_code("sms")
        assert step.kind is StepKind.ENTER_CODE and step.method == "sms"
        assert step.choices["sms"] and step.choices["sms"] in step.message
        with pytest.raises(errors.TwoFactorFailed):
            flow.finish("12")
        assert flow.finish(emulator.tfa_code).done
        assert backend.client.isauth()
    finally:
        backend.close()


def test_terminal_login_without_a_prompt_refuses_a_two_factor_account(emulator):
    backend = fresh_backend(emulator)
    try:
        with pytest.raises(errors.TwoFactorRequired, match="log in on a terminal"):
            login_on_terminal(backend.login_flow(),
                              Credentials(emulator.tfa_username, emulator.tfa_password), None)
        asked = []

        def ask(method, destination):
            asked.append((method, destination))
            return emulator.tfa_code

        login_on_terminal(backend.login_flow(),
                          Credentials(emulator.tfa_username, emulator.tfa_password), ask)
        assert [m for m, _ in asked] == ["sms"] and backend.client.isauth()
    finally:
        backend.close()


def test_the_password_is_a_registered_secret(emulator):
    backend = fresh_backend(emulator)
    try:
        backend.login(Credentials(emulator.demo_username, emulator.demo_password))
        assert emulator.demo_password in known_secrets()
    finally:
        backend.close()


def test_connected_with_environment_credentials(emulator, monkeypatch):
    monkeypatch.setenv("EEN_USERNAME", emulator.demo_username)
    monkeypatch.setenv("EEN_PASSWORD", emulator.demo_password)
    args = parse("--login-url", emulator.url, "--api-url", emulator.url, "--no-session-cache")
    with connected(args, prompt=False) as client:
        assert client.isauth()


def test_connected_without_credentials_is_missing_credentials(emulator):
    args = parse("--login-url", emulator.url, "--api-url", emulator.url)
    with pytest.raises(errors.MissingCredentials), connected(args, prompt=False):
        pass


def test_ui_connection_login_flow_after_open(emulator):
    connection = AccountConnection(parse("--login-url", emulator.url, "--api-url", emulator.url))
    try:
        assert connection.open() is False
        step = connection.login_flow().begin(
            Credentials(emulator.demo_username, emulator.demo_password))
        assert step.done and connection.client.isauth()
    finally:
        connection.close()


def test_the_demo_connection_stops_its_emulator():
    connection = DemoConnection(emulator_options={"test_mode": True, "cameras": 3})
    try:
        assert connection.open() is True
        assert len(connection.backend.list_cameras().cameras) == 3
    finally:
        connection.close()
    assert connection.emulator is None


def proxied_backend(emulator, hostile) -> V1Backend:
    hostile.upstream = emulator.url
    settings = ConnectionSettings(login_url=hostile.url, api_url=hostile.url, timeout=5.0)
    backend = V1Backend(EenClient(settings, session_cache=None))
    backend.client.login(emulator.demo_username, emulator.demo_password)
    return backend


def device_list_queries(hostile) -> list[str]:
    return [r.target.partition("?")[2] for r in hostile.requests if r.path == "/g/device/list"]


def test_find_device_asks_for_one_row_not_the_account(emulator, hostile):
    backend = proxied_backend(emulator, hostile)
    whole = backend.list_cameras()
    wanted = sorted(c.id for c in whole.cameras if c.id)[-1]
    bridge = whole.others[0].id
    hostile.requests.clear()
    camera = backend.find_device(wanted.upper())
    assert camera is not None and camera.id == wanted and camera.is_camera
    assert device_list_queries(hostile) == [f"e={wanted}"]
    found = backend.find_device(bridge)
    assert found is not None and not found.is_camera  # the caller says why it cannot download
    assert backend.find_device("deadbeef") is None  # the whole list was asked too, to be sure
    assert device_list_queries(hostile)[-2:] == ["e=deadbeef", ""]


@pytest.mark.parametrize("filtered", [
    Reply(200, [("Content-Type", "application/json")], b"[]"),  # read otherwise: no row
    Reply(400, body={"status_code": 400, "message": "unknown parameter e"}),  # refused
], ids=["no-row", "refused"])
def test_find_device_falls_back_to_the_whole_list(emulator, hostile, filtered):
    backend = proxied_backend(emulator, hostile)
    wanted = sorted(c.id for c in backend.list_cameras().cameras if c.id)[0]
    hostile.on("GET", "/g/device/list",
               lambda request: filtered if "e=" in request.target else hostile.proxied(request))
    hostile.requests.clear()
    camera = backend.find_device(wanted)
    assert camera is not None and camera.id == wanted
    assert device_list_queries(hostile) == [f"e={wanted}", ""]
