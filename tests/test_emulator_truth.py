"""The emulator's own truth: its state encoder, independent of the client's decoder, and the
import and size rules of issue 8 item 7."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from een_tui.api.status import CameraStatus, decode_status
from een_tui.emulator.account import Account
from een_tui.emulator.states import Connection, Variant, encode_v1

EMULATOR = Path(__file__).resolve().parents[1] / "een_tui" / "emulator"

# Worked values of een-api.md §4 and the 2019 device list, written out by hand.
WORKED = [
    (Connection.ONLINE, False, Variant.PLAIN, False, 0x168037),
    (Connection.ONLINE, False, Variant.ALT, False, 0x160037),
    (Connection.ONLINE, True, Variant.PLAIN, False, 0x1E803F),
    (Connection.ONLINE, True, Variant.ALT, False, 0x1E003F),
    (Connection.OFF, False, Variant.PLAIN, False, 32803),
    (Connection.DEVICE_OFFLINE, False, Variant.PLAIN, False, 0x128405),
    (Connection.BRIDGE_OFFLINE, False, Variant.PLAIN, False, 0x22000),
    (Connection.INVALID_CREDENTIALS, False, Variant.PLAIN, False, 0x128105),
    (Connection.ERROR, False, Variant.PLAIN, False, 0x128805),
    (Connection.UNKNOWN, False, Variant.PLAIN, False, 0),
    (Connection.UNKNOWN, False, Variant.INVALID, False, 0x178037),
    (Connection.ONLINE, False, Variant.PLAIN, True, 0x128001),
    (Connection.ONLINE, False, Variant.ALT, True, 0x120001),
    (Connection.BRIDGE_OFFLINE, False, Variant.PLAIN, True, 0x22000),
]


@pytest.mark.parametrize(("state", "recording", "variant", "bridge", "bits"), WORKED)
def test_encoder_gives_the_documented_worked_values(state, recording, variant, bridge, bits):
    assert encode_v1(state, recording=recording, variant=variant, bridge=bridge) == bits


# What each state must decode to by the documented rule (een-api.md §4), written out by hand.
EXPECTED_V1 = {
    Connection.ONLINE: CameraStatus.ONLINE, Connection.OFF: CameraStatus.OFF,
    Connection.BRIDGE_OFFLINE: CameraStatus.INTERNET_OFFLINE,
    Connection.DEVICE_OFFLINE: CameraStatus.OFFLINE, Connection.ERROR: CameraStatus.OFFLINE,
    Connection.INVALID_CREDENTIALS: CameraStatus.PASSWORD_NEEDED,
    Connection.UNKNOWN: CameraStatus.UNKNOWN,
}


@pytest.mark.parametrize("cameras", [None, 400])
def test_every_device_decodes_to_the_state_the_emulator_gave_it(cameras):
    """Two independent implementations (encoder here, decoder in the client) must agree."""
    for device in Account(seed=3, cameras=cameras).cameras():
        decoded = decode_status(device.status)
        assert decoded.status is EXPECTED_V1[device.state], (device.name, hex(device.status))
        assert decoded.recording is device.recording
        assert device.overall_status.value == EXPECTED_V1[device.state].value


def test_demo_account_has_every_v3_connection_status():
    states = {d.state for d in Account(seed=1).cameras()}
    assert states == set(Connection)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_emulator_imports_nothing_of_the_client_but_the_timestamp_format():
    modules = sorted(EMULATOR.glob("*.py"))
    assert len(modules) > 10
    for path in modules:
        client = {n for n in _imports(path)
                  if n.startswith("een_tui.") and not n.startswith("een_tui.emulator")}
        assert client <= {"een_tui.api.timestamps"}, (path.name, client)


def test_no_emulator_module_is_over_300_lines():
    for path in EMULATOR.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 300, path.name


def test_no_private_attributes_of_other_objects():
    """Only ``self._x``: never a private attribute of a gevent (or any other) object."""
    for path in EMULATOR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                owner = node.value
                assert isinstance(owner, ast.Name) and owner.id in ("self", "cls"), (
                    path.name, node.lineno, node.attr)
