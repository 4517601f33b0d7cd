"""Devices from ``GET /g/device/list``: the :class:`Device` model and the tolerant row parser."""

from __future__ import annotations

from dataclasses import dataclass, field

from een_tui.api.status import CameraStatus
from een_tui.api.timestamps import is_esn

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
        return self.type == "bridge"

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
