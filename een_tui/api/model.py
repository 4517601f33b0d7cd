"""Domain types that do not depend on the API version: a camera with its status and recording
flag, a preview frame with its timestamp, and the ESN. Values are parsed once, here, at the API
boundary; what a server sends that does not parse never gets past it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from een_tui.api.devices import Device
from een_tui.api.status import CameraStatus
from een_tui.api.timestamps import ESN_RE, is_een_timestamp, parse_een_timestamp

__all__ = ["Camera", "CameraList", "CameraStatus", "Esn", "PreviewFrame"]


class Esn(str):
    """A camera or bridge ESN: 8 hex characters (case kept as the server sent it)."""

    __slots__ = ()

    @classmethod
    def parse(cls, value: object) -> Esn:
        """The ESN in ``value``; ValueError unless exactly 8 hex characters."""
        if isinstance(value, Esn):
            return value
        if not isinstance(value, str) or not ESN_RE.fullmatch(value):
            raise ValueError(f"{value!r} is not a camera ESN (8 hex characters)")
        return cls(value)

    @classmethod
    def parse_or_none(cls, value: object) -> Esn | None:
        """The ESN in ``value``, or None when it is not one."""
        try:
            return cls.parse(value)
        except ValueError:
            return None


@dataclass(frozen=True, order=True)
class PreviewFrame:
    """One preview image of a camera: when it was taken (aware UTC) and the API's own text for
    that moment (what goes back on the wire and into the file name). Orders by time."""

    at: datetime
    wire: str = field(compare=False)

    @classmethod
    def parse(cls, value: object) -> PreviewFrame:
        """A frame from a v1 timestamp ``YYYYMMDDhhmmss.mmm``; ValueError when malformed."""
        if not isinstance(value, str) or not is_een_timestamp(value):
            raise ValueError(f"{value!r} is not an EEN timestamp")
        return cls(at=parse_een_timestamp(value), wire=value)

    def __str__(self) -> str:
        return self.wire


@dataclass(frozen=True)
class Camera:
    """A camera as the rest of the program sees it, whatever API it came from.

    ``recording`` is None when the API does not say (v3); ``raw_status`` is the API's own value
    (v1: the status bits, v3: ``connectionStatus``) for ``cameras --json`` and the details view;
    ``kind`` the API's device type; ``extra`` other API-specific facts by name (v1:
    ``status_bit_names``, ``service_status``, ``ip_address``, ``account_id``)."""

    id: Esn | None  # None: a row without a valid ESN (v1: not yet discovered)
    name: str
    status: CameraStatus
    recording: bool | None
    raw_status: int | str | None
    timezone: str | None = None
    bridges: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kind: str = "camera"
    supported: bool = True
    is_camera: bool = True  # False for another device of the account (a v1 bridge)
    extra: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def status_bits(self) -> int | None:
        """The v1 status bitmask (None when the API has none)."""
        raw = self.raw_status
        return raw if isinstance(raw, int) and not isinstance(raw, bool) else None

    @property
    def raw_status_text(self) -> str:
        """The API's own status for a message: ``0x8023`` (v1 bits) or the v3 word."""
        bits = self.status_bits
        if bits is not None:
            return f"{bits:#x}"
        return str(self.raw_status) if self.raw_status is not None else "unknown"

    @property
    def usable(self) -> bool:
        """A camera previews may be downloaded from: a valid ESN, supported, online."""
        return self.unusable_reason is None

    @property
    def unusable_reason(self) -> str | None:
        """Why :attr:`usable` is False, in words; None when usable."""
        if not self.is_camera:
            return f"{self.kind} is not a camera"
        if self.id is None:
            return "the camera has no valid ESN (not yet discovered)"
        if not self.supported:
            return "the camera is not supported by EEN"
        if self.status is not CameraStatus.ONLINE:
            return f"the camera is {self.status.label}"
        return None

    @classmethod
    def from_v1(cls, device: Device) -> Camera:
        """A v1 device-list row as a :class:`Camera` (a bridge with ``is_camera`` False)."""
        extra = {"status_bit_names": device.status_bit_names,
                 "service_status": device.service_status, "ip_address": device.ip_address,
                 "account_id": device.account_id}
        return cls(id=Esn.parse_or_none(device.id), name=device.name, status=device.status,
                   recording=device.recording, raw_status=device.status_bits,
                   timezone=device.timezone, bridges=device.bridges, tags=device.tags,
                   kind=device.type, supported=not device.is_unsupported,
                   is_camera=device.is_camera, extra=extra)


@dataclass(frozen=True)
class CameraList:
    """The cameras of the account; ``others`` its other devices (v1 bridges, for ``cameras
    --all``; may stay empty); ``skipped`` rows the API sent that could not be understood."""

    cameras: tuple[Camera, ...]
    skipped: int = 0
    others: tuple[Camera, ...] = ()
