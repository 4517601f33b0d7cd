"""v3 camera and bridge rows as the version-neutral :class:`~een_tui.api.model.Camera`.

``status.connectionStatus`` maps to the same :class:`CameraStatus` as v1's status bits (the
table of issue 10); the raw value is kept. v3 has no recording flag: ``recording`` is None.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from een_tui.api.model import Camera, CameraList, Esn
from een_tui.api.status import CameraStatus
from een_tui.api.text import clean_text

log = logging.getLogger(__name__)

CONNECTION_STATUS: dict[str, CameraStatus] = {
    "online": CameraStatus.ONLINE,
    "off": CameraStatus.OFF,
    "bridgeOffline": CameraStatus.INTERNET_OFFLINE,
    "deviceOffline": CameraStatus.OFFLINE,
    "error": CameraStatus.OFFLINE,
    "invalidCredentials": CameraStatus.PASSWORD_NEEDED,
    "unknown": CameraStatus.UNKNOWN,
}
MAX_NAME = 200
MAX_TAGS = 100


@dataclass(frozen=True)
class Bridge:
    """A v3 bridge: id, name and status (the camera list's bridge column)."""

    id: Esn
    name: str
    status: CameraStatus
    raw_status: str | None


def connection_status(row: dict[str, Any]) -> tuple[CameraStatus, str | None]:
    """The mapped status and the raw ``connectionStatus`` (None when absent or not text).
    An unknown value is UNKNOWN, its text kept."""
    status = row.get("status")
    raw = status.get("connectionStatus") if isinstance(status, dict) else None
    if not isinstance(raw, str) or not raw or len(raw) > 64 or not raw.isprintable():
        return CameraStatus.UNKNOWN, None
    return CONNECTION_STATUS.get(raw, CameraStatus.UNKNOWN), raw


def camera_from_row(row: object) -> Camera:
    """One ``/cameras`` result as a :class:`Camera`; ValueError when it has no usable id."""
    if not isinstance(row, dict):
        raise ValueError("a camera row is not an object")
    esn = Esn.parse(row.get("id"))
    status, raw = connection_status(row)
    bridge = Esn.parse_or_none(row.get("bridgeId"))
    return Camera(id=esn, name=_text(row.get("name")), status=status, recording=None,
                  raw_status=raw, timezone=_zone(row.get("timeZone")),
                  bridges=(bridge,) if bridge else (), tags=_tags(row.get("tags")))


def bridge_from_row(row: object) -> Bridge:
    """One ``/bridges`` result; ValueError when it has no usable id."""
    if not isinstance(row, dict):
        raise ValueError("a bridge row is not an object")
    status, raw = connection_status(row)
    return Bridge(id=Esn.parse(row.get("id")), name=_text(row.get("name")), status=status,
                  raw_status=raw)


def camera_list(rows: Iterable[object]) -> CameraList:
    """Every understood, distinct camera; the others counted in ``skipped`` (and logged)."""
    cameras: list[Camera] = []
    seen: set[str] = set()
    skipped = 0
    for row in rows:
        try:
            camera = camera_from_row(row)
        except ValueError:
            skipped += 1
            continue
        if camera.id in seen:
            skipped += 1
            continue
        seen.add(str(camera.id))
        cameras.append(camera)
    if skipped:
        log.warning("camera list: %d rows skipped (no usable id, or repeated)", skipped)
    return CameraList(cameras=tuple(cameras), skipped=skipped)


def _text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return clean_text(value, squeeze=True)[:MAX_NAME]


def _zone(value: object) -> str | None:
    """``{"zone": "America/Chicago"}`` (cameras) or ``{"timeZone": ...}`` (users)."""
    if isinstance(value, dict):
        value = value.get("zone") or value.get("timeZone")
    if isinstance(value, str) and 0 < len(value) <= 64 and value.isprintable():
        return value
    return None


def _tags(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(_text(t) for t in value[:MAX_TAGS] if isinstance(t, str) and _text(t))
