"""The documented overall-status rule (een-api.md §4), worked values and properties."""

from hypothesis import given
from hypothesis import strategies as st

from een_tui.api.status import (
    DEPRECATED_MASK,
    CameraStatus,
    bridge_status,
    camera_status,
    decode_status,
    set_bit_names,
)

WORKED = [
    (32803, CameraStatus.OFF, False),  # 0x8023: deprecated "online" bit set, camera is off
    (0x160037, CameraStatus.ONLINE, False),
    (0x168037, CameraStatus.ONLINE, False),
    (0x1E003F, CameraStatus.ONLINE, True),
    (0x128405, CameraStatus.OFFLINE, False),
    (0x22000, CameraStatus.INTERNET_OFFLINE, False),
    (0, CameraStatus.UNKNOWN, False),
    (0x1F003F, CameraStatus.UNKNOWN, False),  # invalid bit wins over everything
    (0x010000, CameraStatus.UNKNOWN, False),
    (0x120100, CameraStatus.PASSWORD_NEEDED, False),  # on + registered, not streaming, password
    (0x1A0100, CameraStatus.PASSWORD_NEEDED, True),
]


def test_worked_values_of_the_documentation():
    for bits, status, recording in WORKED:
        decoded = decode_status(bits)
        assert decoded.status is status, hex(bits)
        assert decoded.recording is recording, hex(bits)
        assert decoded.bits == bits


def test_32803_is_off_although_its_deprecated_online_bit_is_set():
    assert 32803 & 0x1
    assert camera_status(32803) is CameraStatus.OFF
    assert "deprecated_online" in set_bit_names(32803)


def test_streaming_wins_over_password_needed():
    assert camera_status(0x160100) is CameraStatus.ONLINE


def test_bridge_is_online_when_registered_and_on():
    assert decode_status(0x120001, is_bridge=True).status is CameraStatus.ONLINE
    assert bridge_status(0x020000) is CameraStatus.INTERNET_OFFLINE
    assert bridge_status(0x100000) is CameraStatus.OFF
    assert bridge_status(0) is CameraStatus.UNKNOWN
    # the camera rule would call the same bridge offline: it never streams
    assert camera_status(0x120001) is CameraStatus.OFFLINE


def test_values_that_are_not_bitmasks_are_unknown():
    for value in (None, "32803", 1.5, True, False, -1, [], {}):
        decoded = decode_status(value)
        assert decoded.status is CameraStatus.UNKNOWN
        assert decoded.recording is False
        assert decoded.bits == 0


def test_bit_names_most_significant_first():
    assert set_bit_names(0x1E003F)[:4] == ["registered", "recording", "streaming", "on"]
    assert set_bit_names(1 << 25) == ["bit_25"]


bitmasks = st.integers(min_value=0, max_value=2**32 - 1)


@given(bitmasks, st.integers(min_value=0, max_value=DEPRECATED_MASK))
def test_deprecated_low_bits_never_change_the_camera_status(bits, low):
    upper = bits & ~DEPRECATED_MASK
    if upper == 0:  # value 0 alone means "no information"
        return
    assert camera_status(upper | low) is camera_status(upper)
    assert decode_status(upper | low).recording is decode_status(upper).recording


@given(bitmasks, st.integers(min_value=0, max_value=DEPRECATED_MASK))
def test_deprecated_low_bits_never_change_the_bridge_status(bits, low):
    upper = bits & ~DEPRECATED_MASK
    if upper == 0:
        return
    assert bridge_status(upper | low) is bridge_status(upper)


@given(bitmasks)
def test_online_needs_on_registered_streaming_and_not_invalid(bits):
    status = camera_status(bits)
    if status is CameraStatus.ONLINE:
        assert bits & 0x020000 and bits & 0x100000 and bits & 0x040000
        assert not bits & 0x010000
    if not bits & 0x020000 and bits and not bits & 0x010000:
        assert status is CameraStatus.OFF
