"""``download --camera ESN`` asks for the camera's plan while it looks the camera up (one round
trip less before the first image), and still refuses, re-plans and reports as before. Real HTTP:
a hostile proxy in front of the emulator scripts the order of answers."""

from __future__ import annotations

import gevent.event
import pytest
from hostile import Reply

from een_tui import cli, exitcodes
from een_tui.api.client import EenClient
from een_tui.api.settings import ConnectionSettings
from een_tui.api.status import CameraStatus
from een_tui.api.v1_backend import V1Backend


@pytest.fixture
def proxy(emulator, hostile, monkeypatch):
    hostile.upstream = emulator.url
    monkeypatch.setenv("EEN_PASSWORD", emulator.demo_password)
    return hostile


def cameras(emulator) -> list:
    settings = ConnectionSettings(login_url=emulator.url, api_url=emulator.url, timeout=5.0)
    backend = V1Backend(EenClient(settings, session_cache=None))
    backend.client.login(emulator.demo_username, emulator.demo_password)
    return list(backend.list_cameras().cameras)


def download(emulator, proxy, tmp_path, esn: str) -> int:
    return cli.main(["download", "--camera", esn, "--login-url", proxy.url, "--api-url",
                     proxy.url, "--username", emulator.demo_username, "--no-session-cache",
                     "--count", "3", "--out", str(tmp_path / "out")])


def paths(proxy) -> list[str]:
    return [r.path for r in proxy.requests]


def test_the_plan_is_asked_for_before_the_camera_lookup_answers(emulator, proxy, tmp_path):
    esn = min(c.id for c in cameras(emulator) if c.usable)
    plan_asked = gevent.event.Event()
    overlapped: list[bool] = []

    def plan(request):
        plan_asked.set()
        return proxy.proxied(request)

    def lookup(request):  # answers only once the plan request has arrived (or after 10 s)
        overlapped.append(plan_asked.wait(timeout=10))
        return proxy.proxied(request)

    proxy.on("GET", "/asset/list/image", plan)
    proxy.on("GET", "/g/device/list", lookup)
    assert download(emulator, proxy, tmp_path, esn) == exitcodes.OK
    assert overlapped == [True]
    assert paths(proxy).count("/asset/list/image") == 1  # the plan asked ahead was used
    assert len(list((tmp_path / "out" / esn).glob("*.jpg"))) == 3


def test_a_plan_asked_ahead_that_failed_is_asked_again_with_retries(emulator, proxy, tmp_path):
    esn = min(c.id for c in cameras(emulator) if c.usable)
    answers = iter([Reply(500, body={"status_code": 500, "message": "internal error"})])

    def plan(request):
        return next(answers, None) or proxy.proxied(request)

    proxy.on("GET", "/asset/list/image", plan)
    assert download(emulator, proxy, tmp_path, esn) == exitcodes.OK
    assert paths(proxy).count("/asset/list/image") == 2


def test_a_camera_that_is_off_is_refused_without_waiting_for_its_plan(
        emulator, proxy, tmp_path, capsys):
    off = next(c for c in cameras(emulator) if c.status is CameraStatus.OFF)
    released = gevent.event.Event()
    answered: list[bool] = []

    def plan(request):  # not answered while the run lasts
        released.wait(timeout=30)
        answered.append(True)
        return proxy.proxied(request)

    proxy.on("GET", "/asset/list/image", plan)
    try:
        assert download(emulator, proxy, tmp_path, off.id) == exitcodes.NO_USABLE_CAMERA
        assert not answered  # the run did not wait for it
    finally:
        released.set()
    err = capsys.readouterr().err
    assert "Off" in err and "Traceback" not in err


def test_an_unknown_camera_is_refused_and_its_plan_dropped(emulator, proxy, tmp_path, capsys):
    assert download(emulator, proxy, tmp_path, "deadbeef") == exitcodes.NO_USABLE_CAMERA
    err = capsys.readouterr().err
    assert "no camera with ESN deadbeef" in err and "Traceback" not in err
