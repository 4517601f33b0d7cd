"""Devices from ``GET /g/device/list``: the :class:`Device` model and the tolerant row parser."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from een_tui.api.errors import ProtocolError
from een_tui.api.status import CameraStatus, decode_status, set_bit_names
from een_tui.api.text import clean_text
from een_tui.api.timestamps import is_esn

log = logging.getLogger(__name__)

CAMERA_TYPES = frozenset({"camera", "mobile_camera", "multiview_camera", "mca_camera"})


@dataclass(frozen=True)
class Device:
    """One row of the device list, decoded. Every field tolerates what real rows hold."""

    id: str | None  # ESN, 8 hex chars; None for undiscovered IGND rows
    name: str
    type: str  # camera, bridge, multiview_camera, ... (unknown types kept as-is)
    status: CameraStatus
    recording: bool
    status_bits: int
    account_id: str | None = None
    bridges: tuple[str, ...] = ()  # for a camera: its bridges' ESNs; for a bridge: its cameras
    service_status: str | None = None  # ATTD, IGND, IDLE, ERSE
    tags: tuple[str, ...] = ()
    is_unsupported: bool = False
    timezone: str | None = None
    ip_address: str | None = None
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_camera(self) -> bool:
        """True for every camera type (camera, mobile, multiview, mca)."""
        return self.type in CAMERA_TYPES

    @property
    def is_bridge(self) -> bool:
        """True for a bridge row."""
        return self.type == "bridge"

    @property
    def status_bit_names(self) -> list[str]:
        """Names of the set status bits, most significant first (for a details view)."""
        return set_bit_names(self.status_bits)

    @property
    def usable(self) -> bool:
        """A camera we may download previews from: camera type, valid ESN, supported, online."""
        return (
            self.is_camera
            and is_esn(self.id)
            and not self.is_unsupported
            and self.status is CameraStatus.ONLINE
        )

    @property
    def unusable_reason(self) -> str | None:
        """Why :attr:`usable` is False, in words; None when usable."""
        if not self.is_camera:
            return f"{self.type} is not a camera"
        if not is_esn(self.id):
            return "the camera has no valid ESN (not yet discovered)"
        if self.is_unsupported:
            return "the camera is not supported by EEN"
        if self.status is not CameraStatus.ONLINE:
            return f"the camera is {self.status.label}"
        return None


@dataclass(frozen=True)
class DeviceList:
    """The parsed answer of ``/g/device/list``."""

    devices: list[Device]
    skipped: int  # rows that could not be understood (logged)


# Row layout of /g/device/list (docs/een-api-v1.md §3). Rows grew from 21 to 29 elements
# over the years.
MIN_ROW_LENGTH = 14  # up to is_unsupported (index 13)
_EXTRA_FIELDS = {
    6: "permissions",
    8: "guid",
    9: "serial_number",
    12: "timezone_utc_offset",
    15: "is_shared",
    16: "owner_account_name",
    17: "is_upnp",
    20: "location",
    21: "parent_camera_id",
    23: "is_hidden",
    27: "discovered_state",
    28: "flags",
}
MAX_NAME_LENGTH = 200


class UnreadableRow(ValueError):
    """A device row that cannot be understood (not an array, too short, no type)."""


def parse_device_row(row: object) -> Device:
    """Decode one ``/g/device/list`` row. Tolerates nulls and wrong types in every field;
    raises :class:`UnreadableRow` only when the row is not an array of at least 14 elements
    with a device type."""
    if not isinstance(row, list):
        raise UnreadableRow(f"a row is a {type(row).__name__}, not an array")
    if len(row) < MIN_ROW_LENGTH:
        raise UnreadableRow(f"a row has {len(row)} elements, fewer than {MIN_ROW_LENGTH}")
    device_type = _text(row[3])
    if not device_type:
        raise UnreadableRow("a row has no device type")
    # the id is an ESN or nothing: a row whose id is not one is kept (shown with --all) as a
    # device without an ESN, like the undiscovered (IGND) rows whose id is null
    text_id = _text(row[1]) if isinstance(row[1], str) else None
    device_id = text_id if text_id is not None and is_esn(text_id) else None
    is_bridge = device_type == "bridge"
    decoded = decode_status(row[10], is_bridge=is_bridge)
    extra = {name: row[i] for i, name in _EXTRA_FIELDS.items() if i < len(row)}
    extra["row_length"] = len(row)
    return Device(
        id=device_id,
        name=_text(row[2]) or (device_id or "(unnamed)"),
        type=device_type,
        status=decoded.status,
        recording=decoded.recording,
        status_bits=decoded.bits,
        account_id=_text(row[0]),
        bridges=_linked_esns(row[4]),
        service_status=_text(row[5]),
        tags=tuple(t for t in (_text(x) for x in _list(row[7])) if t),
        is_unsupported=_flag(row[13]),
        timezone=_text(row[11]),
        ip_address=_in_use_ip(row[14]) if len(row) > 14 else None,
        extra=extra,
    )


def parse_device_list(body: object) -> DeviceList:
    """Decode the whole ``/g/device/list`` answer. Rows that cannot be understood are skipped,
    logged and counted; only a body that is not an array raises (:class:`ProtocolError`)."""
    if not isinstance(body, list):
        raise ProtocolError(
            f"the device list is a {type(body).__name__}, not an array: not an EEN answer"
        )
    devices: list[Device] = []
    skipped = 0
    for index, row in enumerate(body):
        try:
            devices.append(parse_device_row(row))
        except UnreadableRow as exc:
            skipped += 1
            log.warning("device list row %d skipped: %s", index, exc)
        except Exception:  # a parser bug must not lose the whole list
            skipped += 1
            log.exception("device list row %d skipped: unexpected content", index)
    if skipped:
        log.warning("device list: %d of %d rows skipped", skipped, len(body))
    return DeviceList(devices=devices, skipped=skipped)


def _text(value: object) -> str | None:
    """A clean one-line string from a JSON value, or None. Control characters become spaces."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    return clean_text(value)[:MAX_NAME_LENGTH] or None


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _flag(value: object) -> bool:
    """EEN booleans come as 0/1, true/false or "1"/"0"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return False


def _linked_esns(value: object) -> tuple[str, ...]:
    """ESNs from ``[[esn, "ATTD"], ...]`` (or bare ESN strings), invalid entries dropped."""
    esns: list[str] = []
    for entry in _list(value):
        candidate = entry[0] if isinstance(entry, list) and entry else entry
        if is_esn(candidate) and candidate not in esns:
            esns.append(candidate)
    return tuple(esns)


def _in_use_ip(value: object) -> str | None:
    """The address marked ``*`` in the comma list (else the first one)."""
    text = _text(value)
    if not text:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    for part in parts:
        if part.startswith("*"):
            return part[1:] or None
    return parts[0] if parts else None
