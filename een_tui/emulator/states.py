"""The emulator's own truth about device states, and how it encodes them on the wire.

Every device of the emulated account is in one :class:`Connection` state (the v3
``connectionStatus`` enum, the richest vocabulary).  The v1 ``device_status`` bitmask is *encoded*
from that state with the emulator's own bit definitions (docs/emulator.md, from
docs/een-api-v1.md §4), so the client's decoder is tested against an independent encoder: the
emulator never decodes bits.
"""

from __future__ import annotations

import enum

# v1 device_status bits (docs/een-api-v1.md §4), defined here independently of the client.
BIT_REGISTERED = 1 << 20  # internet online
BIT_RECORDING = 1 << 19
BIT_STREAMING = 1 << 18  # camera talks to its bridge
BIT_ON = 1 << 17  # user setting
BIT_INVALID = 1 << 16  # unknown state
BIT_RESERVED_15 = 1 << 15  # set on many real cameras
BIT_INTERNAL_13 = 1 << 13
BIT_CAMERA_ERROR = 1 << 11
BIT_INTERNAL_10 = 1 << 10
BIT_PASSWORD_NEEDED = 1 << 8  # ONVIF password
BIT_LOCATED = 1 << 5
BIT_SENDING_PREVIEWS = 1 << 4
# Bits 3-0 are deprecated (recording, on, stream attached, online): real devices still set them.
DEPRECATED_RECORDING, DEPRECATED_ON, DEPRECATED_ATTACHED, DEPRECATED_ONLINE = 8, 4, 2, 1


class Connection(enum.Enum):
    """A device's state: the v3 ``connectionStatus`` values (een-api-v3.md §4)."""

    ONLINE = "online"
    OFF = "off"
    BRIDGE_OFFLINE = "bridgeOffline"
    DEVICE_OFFLINE = "deviceOffline"
    ERROR = "error"
    INVALID_CREDENTIALS = "invalidCredentials"
    UNKNOWN = "unknown"


class V1Status(enum.Enum):
    """The v1 overall status a state must decode to (values match the client's machine names)."""

    ONLINE = "online"
    OFF = "off"
    INTERNET_OFFLINE = "internet_offline"
    OFFLINE = "offline"
    PASSWORD_NEEDED = "password_needed"
    UNKNOWN = "unknown"


V1_STATUS: dict[Connection, V1Status] = {
    Connection.ONLINE: V1Status.ONLINE,
    Connection.OFF: V1Status.OFF,
    Connection.BRIDGE_OFFLINE: V1Status.INTERNET_OFFLINE,
    Connection.DEVICE_OFFLINE: V1Status.OFFLINE,
    Connection.ERROR: V1Status.OFFLINE,
    Connection.INVALID_CREDENTIALS: V1Status.PASSWORD_NEEDED,
    Connection.UNKNOWN: V1Status.UNKNOWN,
}

_LIVE = BIT_REGISTERED | BIT_STREAMING | BIT_ON | BIT_LOCATED | BIT_SENDING_PREVIEWS


class Variant(enum.Enum):
    """Which of the real-world encodings of a state a device shows (all seen in the 2019 list)."""

    PLAIN = "plain"
    ALT = "alt"  # online without the reserved bit 15 (0x160037)
    INVALID = "invalid"  # the invalid bit on top of an online value (0x178037): unknown


def encode_v1(state: Connection, *, recording: bool = False, variant: Variant = Variant.PLAIN,
              bridge: bool = False) -> int:
    """The v1 ``device_status`` for ``state``, built from the bits above.

    Worked values (docs/een-api-v1.md §4): online 0x168037 (alt 0x160037; recording 0x1E803F /
    0x1E003F), off 32803 = 0x8023, offline 0x128405, Internet offline 0x22000, password needed
    0x128105, unknown 0 (or 0x178037 with the invalid bit); bridges: 0x128001 (spare 0x120001).
    """
    deprecated = DEPRECATED_ON | DEPRECATED_ATTACHED | DEPRECATED_ONLINE
    if bridge:
        if state is Connection.ONLINE:
            spare = variant is Variant.ALT
            return BIT_REGISTERED | BIT_ON | (0 if spare else BIT_RESERVED_15) | DEPRECATED_ONLINE
        if state is Connection.OFF:
            return BIT_RESERVED_15 | DEPRECATED_ONLINE
        if state is Connection.UNKNOWN:
            return 0
        return BIT_ON | BIT_INTERNAL_13  # no cloud link
    if state is Connection.ONLINE:
        value = _LIVE | deprecated | (0 if variant is Variant.ALT else BIT_RESERVED_15)
        if recording:
            value |= BIT_RECORDING | DEPRECATED_RECORDING
        return value
    if state is Connection.UNKNOWN:
        return (_LIVE | BIT_RESERVED_15 | deprecated | BIT_INVALID
                if variant is Variant.INVALID else 0)
    if state is Connection.OFF:
        return BIT_RESERVED_15 | BIT_LOCATED | DEPRECATED_ATTACHED | DEPRECATED_ONLINE
    if state is Connection.BRIDGE_OFFLINE:
        return BIT_ON | BIT_INTERNAL_13
    base = BIT_REGISTERED | BIT_ON | BIT_RESERVED_15 | DEPRECATED_ON | DEPRECATED_ONLINE
    if state is Connection.INVALID_CREDENTIALS:
        return base | BIT_PASSWORD_NEEDED
    if state is Connection.ERROR:
        return base | BIT_CAMERA_ERROR
    return base | BIT_INTERNAL_10  # deviceOffline


def v1_connect(state: Connection) -> str:
    """``camera_info.connect`` of ``GET /g/device``: ``STRM`` when streaming."""
    return "STRM" if state is Connection.ONLINE else "OFFL"
