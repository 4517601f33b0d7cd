"""The EEN device status bitmask and the documented overall-status rule (docs/een-api-v1.md §4)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

REGISTERED = 0x100000  # bit 20: internet online
RECORDING = 0x080000  # bit 19
STREAMING = 0x040000  # bit 18: camera talks to its bridge
ON = 0x020000  # bit 17: user setting
INVALID = 0x010000  # bit 16: unknown state
CAMERA_ERROR = 0x000800  # bit 11
AVAILABLE_NOT_ATTACHED = 0x000200  # bit 9
PASSWORD_NEEDED = 0x000100  # bit 8: ONVIF password
CONFIGURING = 0x000080  # bit 7
NOT_SUPPORTED = 0x000040  # bit 6
LOCATED = 0x000020  # bit 5
SENDING_PREVIEWS = 0x000010  # bit 4
DEPRECATED_MASK = 0xF  # bits 3-0: never read

BIT_NAMES: dict[int, str] = {
    REGISTERED: "registered",
    RECORDING: "recording",
    STREAMING: "streaming",
    ON: "on",
    INVALID: "invalid",
    0x008000: "reserved_15",
    0x004000: "reserved_14",
    0x002000: "internal_13",
    0x001000: "internal_12",
    CAMERA_ERROR: "camera_error",
    0x000400: "internal_10",
    AVAILABLE_NOT_ATTACHED: "available_not_attached",
    PASSWORD_NEEDED: "password_needed",
    CONFIGURING: "configuring",
    NOT_SUPPORTED: "not_supported",
    LOCATED: "located",
    SENDING_PREVIEWS: "sending_previews",
    0x8: "deprecated_recording",
    0x4: "deprecated_on",
    0x2: "deprecated_stream_attached",
    0x1: "deprecated_online",
}


class CameraStatus(enum.Enum):
    """Overall device status, the value is the stable machine name used in JSON output."""

    ONLINE = "online"
    OFF = "off"
    INTERNET_OFFLINE = "internet_offline"
    OFFLINE = "offline"
    PASSWORD_NEEDED = "password_needed"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """Human label, e.g. ``Internet Offline``."""
        return _LABELS[self]


_LABELS = {
    CameraStatus.ONLINE: "Online",
    CameraStatus.OFF: "Off",
    CameraStatus.INTERNET_OFFLINE: "Internet Offline",
    CameraStatus.OFFLINE: "Offline",
    CameraStatus.PASSWORD_NEEDED: "Password Needed",
    CameraStatus.UNKNOWN: "Unknown",
}
# Sort order used by listings: healthy first, unknown last.
STATUS_ORDER = {s: i for i, s in enumerate(CameraStatus)}


@dataclass(frozen=True)
class DecodedStatus:
    """A device_status value decoded: the overall status, recording flag and raw bits."""

    status: CameraStatus
    recording: bool
    bits: int

    @property
    def bit_names(self) -> list[str]:
        """Names of the set bits, most significant first (for a details view)."""
        return set_bit_names(self.bits)


def set_bit_names(bits: int) -> list[str]:
    """Names of every set bit of ``bits``, most significant first; unknown bits as ``bit_N``."""
    names = []
    for n in range(31, -1, -1):
        mask = 1 << n
        if bits & mask:
            names.append(BIT_NAMES.get(mask, f"bit_{n}"))
    return names


def _status_before_streaming(bits: int | None) -> CameraStatus | None:
    """Steps 1-4 of the rule, shared by cameras and bridges; None when none of them decides."""
    if not isinstance(bits, int) or isinstance(bits, bool) or bits <= 0 or bits & INVALID:
        return CameraStatus.UNKNOWN
    if not bits & ON:
        return CameraStatus.OFF
    if not bits & REGISTERED:
        return CameraStatus.INTERNET_OFFLINE
    return None


def camera_status(bits: int | None) -> CameraStatus:
    """Apply the documented overall-status rule to a camera's device_status bitmask."""
    status = _status_before_streaming(bits)
    if status is not None:
        return status
    if bits & STREAMING:
        return CameraStatus.ONLINE
    if bits & PASSWORD_NEEDED:
        return CameraStatus.PASSWORD_NEEDED
    return CameraStatus.OFFLINE


def bridge_status(bits: int | None) -> CameraStatus:
    """Bridges never stream: registered + on means online (our reading, docs/een-api-v1.md §4)."""
    return _status_before_streaming(bits) or CameraStatus.ONLINE


def decode_status(bits: object, *, is_bridge: bool = False) -> DecodedStatus:
    """Decode a raw device_status (any JSON value) into a :class:`DecodedStatus`."""
    value = bits if isinstance(bits, int) and not isinstance(bits, bool) and bits > 0 else 0
    status = bridge_status(value) if is_bridge else camera_status(value)
    recording = bool(value & RECORDING) and not value & INVALID
    return DecodedStatus(status=status, recording=recording, bits=value)
