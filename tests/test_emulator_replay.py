"""Replay the real 2019 exchanges against the emulator: statuses, headers and body shapes match.

The recording (tests/fixtures/een-v1-2019/exchanges.json) holds authenticate, authorize, the device
list and a burst of 20 ``/asset/asset/image.jpeg?timestamp=now`` requests answered 401, 400 and
200.  The replay sends each request (with the demo credentials and a fresh token) and drives the
emulator into the recorded outcome: the fault_401 knob for the 401s, an offline camera for the 400.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image

from een_tui.api.status import CameraStatus
from een_tui.emulator import EmulatorConfig, EmulatorServer

FIXTURES = Path(__file__).parent / "fixtures" / "een-v1-2019"
EXCHANGES = json.loads((FIXTURES / "exchanges.json").read_text())
RECORDED_CAMERA = "1000c4ae"

DATE = r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT"
TS = r"\d{14}\.\d{3}"
# Headers whose value must be equal to the recorded one.
EXACT = {"Server", "Content-Type", "Connection", "Vary", "Cache-Control", "P3p",
         "X-Ee-Server-Message"}
# Headers whose value must have the recorded format (checked on both sides).
FORMATS = {
    "Date": rf"^{DATE}$",
    "Expires": rf"^{DATE}$",
    "Content-Length": r"^\d+$",
    "X-Ee-Request-Id": r"^[0-9a-f]{32}$",
    "X-Een-Lb-Request-Id": r"^[0-9a-f]{32}$",
    "X-Een-Lb-Request-Time": r"^\d+\.\d{3}$",
    "X-Een-Lb-Tried-Proxies": r"^[\d.]+:\d+(, [\d.]+:\d+)*$",
    "Set-Cookie": (r"^(auth_key|videobank_sessionid)=c000~[0-9a-f]{32}(; Domain=[^;]+)?; "
                   r"expires=\w{3}, \d{2}-\w{3}-\d{4} \d{2}:\d{2}:\d{2} GMT; "
                   r"httponly; Max-Age=\d+; Path=/$"),
    "Content-Location": rf"^/asset/asset/image\.jpeg\?a=preview;t={TS};c=[0-9a-f]{{8}}&tm=1$",
    "X-Ee-Timestamp": rf"^preview-{TS}$",
    "X-Ee-Next": rf"^(preview-{TS}|unknown)$",
    "X-Ee-Prev": rf"^(preview-{TS}|unknown)$",
}


@pytest.fixture(scope="module")
def replayed():
    """Every recorded exchange paired with the emulator's answer to the same request."""
    config = EmulatorConfig(seed=1, test_mode=True)
    with EmulatorServer(config) as emu, requests.Session() as session:
        online = next(d for d in emu.account.online_cameras() if d.size == (320, 240))
        offline = next(d for d in emu.account.cameras()
                       if d.overall_status.value == CameraStatus.OFFLINE.value)
        token = None
        results = []
        for exchange in EXCHANGES:
            parts = urlsplit(exchange["url"])
            url = f"{emu.url}{parts.path}" + (f"?{parts.query}" if parts.query else "")
            body = json.loads(exchange["request_body"]) if exchange["request_body"] else None
            if parts.path == "/g/aaa/authenticate":
                body = {"username": emu.demo_username, "password": emu.demo_password}
            elif parts.path == "/g/aaa/authorize":
                body = {"token": token}
            elif parts.path.startswith("/asset/"):
                camera = offline if exchange["status"] == 400 else online
                url = url.replace(RECORDED_CAMERA, camera.esn)
            emu.config.fault_401 = 1.0 if exchange["status"] == 401 else 0.0
            answer = session.request(exchange["method"], url, json=body, timeout=10)
            if parts.path == "/g/aaa/authenticate" and answer.ok:
                token = answer.json()["token"]
            results.append((exchange, answer))
        return results


def ids():
    return [f"{i:02d}-{e['method']}-{urlsplit(e['url']).path}-{e['status']}"
            for i, e in enumerate(EXCHANGES)]


@pytest.mark.parametrize("index", range(len(EXCHANGES)), ids=ids())
def test_status_matches(replayed, index):
    exchange, answer = replayed[index]
    assert answer.status_code == exchange["status"], answer.text[:200]


@pytest.mark.parametrize("index", range(len(EXCHANGES)), ids=ids())
def test_header_names_order_and_formats_match(replayed, index):
    exchange, answer = replayed[index]
    recorded = exchange["headers"]
    ours = list(answer.raw.headers.items())
    our_names = []
    for name, _ in ours:
        if not our_names or our_names[-1] != name:
            our_names.append(name)
    assert our_names == list(recorded)
    for name, recorded_values in recorded.items():
        values = answer.raw.headers.getlist(name)
        assert len(values) == len(recorded_values), name
        for ours_value, theirs in zip(values, recorded_values, strict=True):
            if name in EXACT:
                assert ours_value == theirs, name
            else:
                pattern = re.compile(FORMATS[name])
                assert pattern.match(theirs), (name, theirs)  # the format fits the recording
                assert pattern.match(ours_value), (name, ours_value)


@pytest.mark.parametrize("index", range(len(EXCHANGES)), ids=ids())
def test_content_length_matches_the_body(replayed, index):
    exchange, answer = replayed[index]
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    if "body_json" in exchange and exchange["status"] != 200:
        # Error bodies are byte-for-byte the real ones, so even the length matches.
        assert answer.headers["Content-Length"] == exchange["headers"]["Content-Length"][0]


def _same_shape(recorded, ours, where="body"):
    if recorded is None or ours is None:
        return
    if isinstance(recorded, dict):
        assert isinstance(ours, dict), where
        assert list(ours) == list(recorded), where  # same keys, same order
        for key in recorded:
            _same_shape(recorded[key], ours[key], f"{where}.{key}")
    elif isinstance(recorded, list):
        assert isinstance(ours, list), where
        if recorded and ours:
            _same_shape(recorded[0], ours[0], f"{where}[0]")
    else:
        assert type(ours) is type(recorded), where


@pytest.mark.parametrize("index", [i for i, e in enumerate(EXCHANGES) if "body_json" in e],
                         ids=[x for x, e in zip(ids(), EXCHANGES, strict=True) if "body_json" in e])
def test_json_bodies_have_the_recorded_shape(replayed, index):
    exchange, answer = replayed[index]
    if exchange["status"] != 200:
        assert answer.json() == exchange["body_json"]
    else:
        ours = answer.json()
        _same_shape(exchange["body_json"], ours)
        assert ours.get("active_brand_subdomain", "c000") == "c000"


def test_device_list_rows_have_the_recorded_element_types(replayed):
    recorded_rows = json.loads((FIXTURES / "device_list.json").read_text())
    types_at: dict[int, set[type]] = {}
    for row in recorded_rows:
        for i, value in enumerate(row):
            types_at.setdefault(i, set()).add(type(value))
    answers = [a for e, a in replayed if urlsplit(e["url"]).path == "/g/device/list"]
    assert answers
    for answer in answers:
        for row in answer.json():
            assert len(row) == 29 and len(recorded_rows[0]) == 28
            for i, value in enumerate(row[:28]):
                allowed = types_at[i] | {type(None)}
                assert type(value) in allowed, (i, value, row)


def test_images_are_jpegs_like_the_recorded_one(replayed):
    recorded = Image.open(FIXTURES / "images" / "fe7a51fbd482.jpeg")
    images = [(e, a) for e, a in replayed if e.get("body_file", "").startswith("images/")]
    assert len(images) == 17
    for _, answer in images:
        ours = Image.open(io.BytesIO(answer.content))
        assert ours.format == recorded.format == "JPEG"
        assert ours.size == recorded.size == (320, 240)
        assert 2000 < len(answer.content) < 20000
