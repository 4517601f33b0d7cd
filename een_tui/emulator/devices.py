"""One device of the emulated account (in its own state) and the users able to log in."""

from __future__ import annotations

from dataclasses import dataclass, field

from een_tui.emulator.states import V1_STATUS, Connection, V1Status, Variant, encode_v1

ACCOUNT_ID = "00001106"
ACCOUNT_NAME = "Capital Factory"
TIMEZONE = "US/Central"
UTC_OFFSET = -18000
OWNER_PERMISSIONS = "AGMLNSYZcgfhpswz"


@dataclass
class Device:
    """One device of the account; its v1 status bits are encoded from its :class:`Connection`."""

    esn: str | None
    name: str
    type: str  # camera, bridge, multiview_camera
    state: Connection = Connection.ONLINE
    recording: bool = False
    variant: Variant = Variant.PLAIN
    bridges: list[list[str]] = field(default_factory=list)
    service: str = "ATTD"
    permissions: str = OWNER_PERMISSIONS
    tags: list[str] = field(default_factory=list)
    guid: str = ""
    serial: str | None = None
    timezone: str | None = TIMEZONE
    utc_offset: int | None = UTC_OFFSET
    unsupported: int = 0
    ip_address: str = ""
    shared: int = 0
    owner: str | None = ACCOUNT_NAME
    video_input: str | None = None
    video_status: str | None = None
    location: list[object] = field(default_factory=lambda: [None] * 7)
    parent_camera_id: str | None = None
    child_camera_view: str | None = None
    discovered: str | None = None
    size: tuple[int, int] = (320, 240)
    preview_interval_ms: int | None = None  # v3 previewVideo.intervalMs (None: the default)
    transmit_mode: str = "always"  # v3 previewVideo.transmitMode

    @property
    def is_bridge(self) -> bool:
        """True for bridges (they have no previews)."""
        return self.type == "bridge"

    @property
    def status(self) -> int:
        """The v1 ``device_status`` bitmask, encoded from the state."""
        return encode_v1(self.state, recording=self.recording, variant=self.variant,
                         bridge=self.is_bridge)

    @property
    def overall_status(self) -> V1Status:
        """The v1 overall status this device's bits must decode to."""
        return V1_STATUS[self.state]

    @property
    def makes_previews(self) -> bool:
        """Online cameras make preview frames; nothing else does."""
        return not self.is_bridge and bool(self.esn) and self.state is Connection.ONLINE

    def row(self) -> list[object]:
        """The device-list row, in the documented index order (docs/een-api-v1.md §3)."""
        return [
            ACCOUNT_ID if self.service == "ATTD" else None,
            self.esn,
            self.name,
            self.type,
            self.bridges,
            self.service,
            self.permissions,
            self.tags,
            self.guid,
            self.serial,
            self.status,
            self.timezone,
            self.utc_offset,
            self.unsupported,
            self.ip_address,
            self.shared,
            self.owner,
            False,
            self.video_input,
            self.video_status,
            self.location,
            self.parent_camera_id,
            self.child_camera_view,
            0,
            [],
            0,
            {},
            self.discovered,
            [],
        ]


@dataclass(frozen=True)
class User:
    """A user able to log in; ``two_factor`` users need a code sent by sms or email."""

    username: str
    password: str
    user_id: str
    first_name: str
    last_name: str
    two_factor: bool = False
    sms_phone: str | None = None
