"""The device-list parser on the real 2019 list and on hand-made odd rows."""

import json
import logging
from collections import Counter
from pathlib import Path

import pytest

from een_tui.api.devices import DeviceList, UnreadableRow, parse_device_list, parse_device_row
from een_tui.api.errors import ProtocolError
from een_tui.api.status import CameraStatus, decode_status

FIXTURE = Path(__file__).parent / "fixtures" / "een-v1-2019" / "device_list.json"
REAL_ROW = [
    "00001106", "10099857", "CFA1 Closet", "camera", [["10031c5f", "ATTD"]], "ATTD",
    "AGMLNSYZcgfhpswz", ["austin"], "b0026fac-cf69", "20170512192919177", 1474615, "US/Central",
    -18000, 0, "*10.143.81.7,[fe80::56c4]", 0, "Capital Factory", False, None, None,
    [30.26, -97.74, 0.0, 0.0, "700 San Jacinto Blvd", None, "Omni2 Building"], None, None, 0, [],
    0, {}, "20170515171558.000",
]


@pytest.fixture(scope="module")
def real_rows():
    return json.loads(FIXTURE.read_text())


def test_the_real_2019_list_parses_completely(real_rows):
    result = parse_device_list(real_rows)
    assert isinstance(result, DeviceList)
    assert result.skipped == 0
    assert len(result.devices) == len(real_rows) == 97
    types = Counter(d.type for d in result.devices)
    assert types == {"camera": 87, "bridge": 9, "multiview_camera": 1}


def test_the_real_2019_list_gets_the_statuses_of_the_rule(real_rows):
    devices = parse_device_list(real_rows).devices
    for row, device in zip(real_rows, devices, strict=True):
        expected = decode_status(row[10], is_bridge=row[3] == "bridge").status
        assert device.status is expected
        assert device.status_bits == row[10]
    statuses = Counter(d.status for d in devices if d.is_camera)
    assert statuses[CameraStatus.OFF] == 2
    assert statuses[CameraStatus.UNKNOWN] == 2
    assert statuses[CameraStatus.ONLINE] == 76
    assert statuses[CameraStatus.OFFLINE] == 3
    assert statuses[CameraStatus.INTERNET_OFFLINE] == 5
    off = [d for d in devices if d.status_bits == 32803]
    assert off and all(d.status is CameraStatus.OFF and not d.usable for d in off)


def test_undiscovered_rows_have_no_esn_and_are_not_usable(real_rows):
    devices = parse_device_list(real_rows).devices
    ignored = [d for d in devices if d.service_status == "IGND"]
    assert len(ignored) == 2
    for device in ignored:
        assert device.id is None
        assert not device.usable
        assert "ESN" in device.unusable_reason
        assert device.name  # the name field still says what it is


def test_usable_cameras_of_the_real_list(real_rows):
    devices = parse_device_list(real_rows).devices
    usable = [d for d in devices if d.usable]
    assert usable
    assert all(d.is_camera and d.status is CameraStatus.ONLINE for d in usable)
    assert not any(d.is_bridge for d in usable)


def test_one_real_row_field_by_field():
    device = parse_device_row(REAL_ROW)
    assert device.id == "10099857"
    assert device.name == "CFA1 Closet"
    assert device.type == "camera"
    assert device.account_id == "00001106"
    assert device.bridges == ("10031c5f",)
    assert device.service_status == "ATTD"
    assert device.tags == ("austin",)
    assert device.timezone == "US/Central"
    assert device.ip_address == "10.143.81.7"
    assert device.is_unsupported is False
    assert device.extra["owner_account_name"] == "Capital Factory"
    assert device.extra["row_length"] == 28
    assert device.status_bit_names[:3] == ["registered", "streaming", "on"]


@pytest.mark.parametrize("length", [14, 15, 21, 28, 29, 35])
def test_any_row_length_from_14_up(length):
    row = (REAL_ROW + [None] * 10)[:length]
    device = parse_device_row(row)
    assert device.id == "10099857"
    assert device.status_bits == 1474615


def test_nulls_everywhere_but_the_type():
    row = [None] * 29
    row[3] = "camera"
    device = parse_device_row(row)
    assert device.id is None
    assert device.status is CameraStatus.UNKNOWN
    assert device.bridges == () and device.tags == ()
    assert device.name == "(unnamed)"
    assert not device.usable


def test_wrong_types_are_tolerated():
    row = list(REAL_ROW)
    row[1] = 12345678  # id not a string
    row[2] = 42  # name a number
    row[4] = "10031c5f"  # bridges not a list
    row[7] = "austin"  # tags not a list
    row[10] = "1474615"  # status as a string
    row[13] = "1"
    row[14] = ["not", "a", "string"]
    device = parse_device_row(row)
    assert device.id is None
    assert device.name == "42"
    assert device.bridges == ()
    assert device.tags == ()
    assert device.status is CameraStatus.UNKNOWN
    assert device.is_unsupported is True
    assert device.ip_address is None


def test_unknown_types_and_service_states_are_kept():
    row = list(REAL_ROW)
    row[3] = "thermal_drone"
    row[5] = "WXYZ"
    device = parse_device_row(row)
    assert device.type == "thermal_drone"
    assert device.service_status == "WXYZ"
    assert not device.is_camera and not device.usable


def test_control_characters_in_names_are_neutralised():
    row = list(REAL_ROW)
    row[2] = "evil\x1b[2Jname\nwith\tbreaks"
    device = parse_device_row(row)
    assert "\x1b" not in device.name and "\n" not in device.name
    assert device.name.startswith("evil")


@pytest.mark.parametrize("row", [None, 5, "row", {"id": "10099857"}, [], REAL_ROW[:13],
                                 [None] * 20])
def test_unreadable_rows_raise_unreadable_row(row):
    with pytest.raises(UnreadableRow):
        parse_device_row(row)


def test_bad_rows_are_skipped_logged_and_counted(caplog):
    body = [REAL_ROW, None, REAL_ROW[:5], "junk", [None] * 28, REAL_ROW]
    with caplog.at_level(logging.WARNING, logger="een_tui.api.devices"):
        result = parse_device_list(body)
    assert len(result.devices) == 2
    assert result.skipped == 4
    assert "4 of 6 rows skipped" in caplog.text


@pytest.mark.parametrize("body", [None, {}, {"data": []}, "[]", 7])
def test_a_body_that_is_not_an_array_is_a_protocol_error(body):
    with pytest.raises(ProtocolError):
        parse_device_list(body)


def test_an_empty_account():
    assert parse_device_list([]) == DeviceList(devices=[], skipped=0)
