"""The emulated EEN account: devices (modelled on the real 2019 demo list) and users.

Everything is derived deterministically from the seed: the same seed gives the same ESNs, names,
statuses and timelines, so tests and the demo are reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from een_tui.api.status import CameraStatus, bridge_status, camera_status

ACCOUNT_ID = "00001106"
ACCOUNT_NAME = "Capital Factory"
TIMEZONE = "US/Central"
UTC_OFFSET = -18000
OWNER_PERMISSIONS = "AGMLNSYZcgfhpswz"

# Raw device_status values seen in the real list (een-api.md §4), plus Password Needed.
ONLINE = 0x168037
ONLINE_ALT = 0x160037
ONLINE_RECORDING = 0x1E803F
ONLINE_RECORDING_ALT = 0x1E003F
OFF = 32803  # 0x8023: the deprecated "online" bit is set, the "on" bit is not
OFFLINE = 0x128405
INTERNET_OFFLINE = 0x22000
PASSWORD_NEEDED = 0x128105
UNKNOWN = 0
INVALID = 0x178037  # the invalid bit: the status rule says unknown
BRIDGE_ONLINE = 0x128001
BRIDGE_SPARE = 0x120001

DEMO_USERNAME = "demo@een-tui.test"
DEMO_PASSWORD = "een-tui-demo"
TFA_USERNAME = "tfa@een-tui.test"
TFA_PASSWORD = "een-tui-tfa"


@dataclass
class Device:
    """One device of the account, able to render itself as a 29-element device-list row."""

    esn: str | None
    name: str
    type: str  # camera, bridge, multiview_camera
    status: int
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

    @property
    def is_bridge(self) -> bool:
        """True for bridges (they have no previews)."""
        return self.type == "bridge"

    @property
    def overall_status(self) -> CameraStatus:
        """The documented overall status of this device."""
        if self.is_bridge:
            return bridge_status(self.status)
        return camera_status(self.status)

    def row(self) -> list[object]:
        """The device-list row, in the documented index order (een-api.md §3)."""
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


# (bridge name, address, location name, tags, [(camera name, status or None = online)])
_SITES: list[tuple[str, str, str, list[str], list[tuple[str, int | None]]]] = [
    (
        "CFA1 Capital Factory Austin Floor 1-a",
        "700 San Jacinto Blvd, Austin, TX 78701",
        "Omni1 Building",
        ["austin", "austin floor 1"],
        [
            ("CFA1 Terminator Room", None),
            ("CFA1 Wall-E Room", OFFLINE),
            ("CFA1 Robo Cop Room", None),
            ("CFA1 R2-D2 Room", None),
            ("CFA1 Data Room", None),
        ],
    ),
    (
        "CFA1 Capital Factory Austin Floor 1-b",
        "700 San Jacinto Blvd, Austin, TX 78701",
        "Omni2 Building",
        ["austin", "austin floor 1", "zz_hik"],
        [
            ("CFA1 Closet", None),
            ("CFA1 Network Closet 2", None),
            ("CFA1 Robo Cop Room Side Door", None),
            ("CFA1 Hallway", None),
            ("zz Astro_Boy (off)", OFF),
            ("CFA1 Exit", ONLINE_RECORDING),
            ("CFA1 Stage", None),
            ("CFA1 Front Desk", None),
            ("CFA1 Lobby", None),
            ("CFA1 Coffee Bar", None),
        ],
    ),
    (
        "CFA5 Capital Factory Austin Floor 5",
        "701 Brazos Street, Austin, TX 78701",
        "Omni5 Building",
        ["austin", "austin floor 5", "zz_axis"],
        [
            ("CFA5 VR Lab", None),
            ("CFA5 Device Lab", None),
            ("CFA5 Freight Elevator", None),
            ("CFA5 Shared Workspace", None),
            ("Example of Camera turned off", OFF),
            ("CFA5 Elevator Lobby 1", None),
            ("CFA5 Elevator Lobby 2", None),
            ("CFA5 Kitchen", None),
            ("CFA5 Mail Room", None),
            ("CFA5 Phone Booths", PASSWORD_NEEDED),
            ("CFA5 Conference Room", None),
            ("CFA5 Back Hallway", None),
        ],
    ),
    (
        "CFA8 Capital Factory Austin Floor 8",
        "",
        "Omni8 Building",
        [],
        [
            ("New Camera 1", None),
            ("New Camera 2", None),
            ("New Camera 3", None),
            ("New Camera 4", None),
            ("New Camera 5", None),
            ("New Camera 6", None),
            ("New Camera 7", PASSWORD_NEEDED),
            ("New Camera 8", None),
            ("New Camera 9", None),
            ("New Camera 11", OFFLINE),
        ],
    ),
    (
        "CFA16 Capital Factory Austin Floor 16",
        "700 San Jacinto Blvd, Austin, TX 78701",
        "Omni6 Building",
        ["austin", "austin floor 16"],
        [
            ("CFA16 Waiting Area", ONLINE_RECORDING),
            ("CFA16 Library", None),
            ("CFA16 Network Closet 2", None),
            ("CFA16 Kitchen", None),
            ("CFA16 Lockers", None),
            ("CFA16  Vending Area", None),
            ("CFA16 Board Room", None),
            ("CFA16 Lounge", None),
            ("CFA16 Game Room", None),
            ("CFA16 Event Space", None),
            ("CFA16 Front Desk", None),
            ("CFA16 Stairwell", None),
            ("CFA16 Patio", None),
        ],
    ),
    (
        "CFD1 Capital Factory Dallas Floor 1",
        "3102 Oak Lawn Ave, Dallas, TX",
        "Dallas1 Building",
        ["dallas", "dallas floor 1"],
        [
            ("CFD1 Front Event Space", None),
            ("CFD1 Common Space", None),
            ("CFD1 Network Closet", None),
            ("CFD1 Stairwell Entrance", None),
            ("CFD1 Large Classroom", None),
            ("CFD1 Small Classroom", None),
            ("CFD1 Reception", None),
            ("CFD1 Hallway East", None),
            ("CFD1 Hallway West", None),
            ("CFD1 Phone Room", None),
            ("CFD1 Elevators", None),
            ("CFD1 Loading Dock", OFFLINE),
        ],
    ),
    (
        "CFD2 Capital Factory Dallas Floor 2",
        "3102 Oak Lawn Ave, Dallas, TX",
        "Dallas2 Building",
        ["dallas", "dallas floor 2"],
        [
            ("CFD2 Kitchen", None),
            ("CFD2 Dedicated Desks", None),
            ("CFD2 Network Closet", None),
            ("CFD2 Mail Room", None),
            ("CFD2 Open Office", None),
            ("CFD2 Conference A", UNKNOWN),
            ("CFD2 Conference B", INVALID),
        ],
    ),
]

# Cameras shared with this account by other accounts (their bridges are not in the list).
_SHARED: list[tuple[str, str, str, list[tuple[str, int | None]]]] = [
    (
        "Papa Murphy's Lakeway (00003655)",
        "AcdghMps",
        "analog",
        [("Dough Machine", None), ("Make Line", ONLINE_RECORDING), ("Front Counter", None),
         ("Oven", None)],
    ),
    (
        "South Austin Marine (00010985)",
        "AcdhMps",
        "south austin marine",
        [("SAM Front Dock Gate", None), ("SAM Front Dock Center", None),
         ("SAM Showroom PTZ", None), ("SAM Front Door", None), ("SAM Service Bay", None)],
    ),
    (
        "CFA Southwest (00024171)",
        "AcdghMps",
        "counting",
        [("CFASW Lobby Overhead", None), ("CFASW Drive", None), ("CFASW Parking", None)],
    ),
]

_JB_CAMERAS = ["JB Bodyshop Bay 4 (1MP)", "JB Bodyshop Lobby (2MP)", "JB Bodyshop Bay 1 (1MP)",
               "JB Bodyshop Office (2MP)"]
_IGND_NAMES = ["AXIS|AXIS M1054|5.40.9.2", "Pavel Khlebovich|IP Webcam|608"]


class Account:
    """The devices and users of the emulated account, with fast lookup by ESN."""

    def __init__(self, seed: int = 1, cameras: int | None = None) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        self._used_esns: set[str] = set()
        if cameras is None:
            self.devices = self._demo_devices()
        else:
            self.devices = self._scaled_devices(max(0, int(cameras)))
        self.by_esn: dict[str, Device] = {d.esn: d for d in self.devices if d.esn}
        self.users = {
            DEMO_USERNAME: User(DEMO_USERNAME, DEMO_PASSWORD, "cafe8174", "Demo", "User"),
            TFA_USERNAME: User(TFA_USERNAME, TFA_PASSWORD, "cafe8175", "Twofactor", "User",
                               two_factor=True, sms_phone="+1 512 555 0779"),
        }

    # -- queries ---------------------------------------------------------------------------

    def cameras(self) -> list[Device]:
        """Every non-bridge device with an ESN."""
        return [d for d in self.devices if not d.is_bridge and d.esn]

    def online_cameras(self) -> list[Device]:
        """Cameras whose status decodes to Online (they produce previews)."""
        return [d for d in self.cameras() if d.overall_status is CameraStatus.ONLINE]

    def shared_camera_access(self) -> list[list[str]]:
        """The user object's ``camera_access``: the shared cameras, read-only."""
        return [[d.esn, "r"] for d in self.devices if d.shared and d.esn][:4]

    # -- generation ------------------------------------------------------------------------

    def _new_esn(self, prefix: str = "100") -> str:
        while True:
            tail = "".join(self._rng.choice("0123456789abcdef") for _ in range(8 - len(prefix)))
            esn = prefix + tail
            if esn not in self._used_esns:
                self._used_esns.add(esn)
                return esn

    def _guid(self) -> str:
        h = f"{self._rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _ip(self) -> str:
        return f"*10.143.{self._rng.randrange(1, 255)}.{self._rng.randrange(1, 255)}"

    def _discovered(self) -> str:
        year = self._rng.randrange(2014, 2019)
        return (f"{year}{self._rng.randrange(1, 13):02d}{self._rng.randrange(1, 29):02d}"
                f"{self._rng.randrange(0, 24):02d}{self._rng.randrange(0, 60):02d}"
                f"{self._rng.randrange(0, 60):02d}.000")

    def _online_status(self) -> int:
        roll = self._rng.random()
        if roll < 0.13:
            return ONLINE_RECORDING if roll < 0.11 else ONLINE_RECORDING_ALT
        return ONLINE if roll < 0.9 else ONLINE_ALT

    def _size(self) -> tuple[int, int]:
        return (640, 360) if self._rng.random() < 0.25 else (320, 240)

    def _camera(self, name: str, status: int | None, bridge: str, **kw: object) -> Device:
        fields: dict[str, object] = {
            "esn": self._new_esn(), "name": name, "type": "camera",
            "status": self._online_status() if status is None else status,
            "bridges": [[bridge, "ATTD"]], "guid": self._guid(), "ip_address": self._ip(),
            "discovered": self._discovered(), "size": self._size(),
        }
        fields.update(kw)
        return Device(**fields)  # type: ignore[arg-type]

    def _bridge(self, name: str, status: int, cameras: list[Device], **kw: object) -> Device:
        fields: dict[str, object] = {
            "esn": self._new_esn(), "name": name, "type": "bridge", "status": status,
            "guid": self._guid(), "serial": f"EEN-BR401-{self._rng.randrange(10000, 40000)}",
            "ip_address": f"192.168.{self._rng.randrange(1, 255)}.{self._rng.randrange(1, 255)}",
            "discovered": self._discovered(),
        }
        fields.update(kw)
        bridge = Device(**fields)  # type: ignore[arg-type]
        for cam in cameras:
            cam.bridges = [[bridge.esn or "", "ATTD"]]
        bridge.bridges = [[c.esn or "", "ATTD"] for c in cameras]
        return bridge

    def _demo_devices(self) -> list[Device]:
        devices: list[Device] = []
        for bridge_name, address, place, tags, cams in _SITES:
            location = [None, None, None, None, address, None, place]
            cameras = [
                self._camera(name, status, "", tags=list(tags), location=list(location))
                for name, status in cams
            ]
            devices.append(self._bridge(bridge_name, BRIDGE_ONLINE, cameras,
                                        location=list(location)))
            devices.extend(cameras)
        # A site whose bridge is off the internet: unsupported HD-TVI cameras behind a multiview.
        jb_location = [None, None, None, None, "", None, "JB Bodyshop"]
        encoder = self._camera("HD-TVI Encoder", INTERNET_OFFLINE, "", type="multiview_camera",
                               tags=["hd-tvi"], unsupported=1, ip_address="",
                               location=list(jb_location))
        jb = [encoder]
        for n, name in enumerate(_JB_CAMERAS):
            jb.append(self._camera(name, INTERNET_OFFLINE, "", tags=["zz_hd-tvi"], unsupported=1,
                                   ip_address="", location=list(jb_location),
                                   parent_camera_id=encoder.esn,
                                   child_camera_view=f"Channel {n + 1}"))
        devices.append(self._bridge("JB Bodyshop (South Austin)", INTERNET_OFFLINE, jb,
                                    unsupported=1, ip_address="", location=list(jb_location)))
        devices.extend(jb)
        # A spare bridge with no cameras attached, and two undiscovered (IGND) cameras near it.
        spare = self._bridge("z CFA spare bridge", BRIDGE_SPARE, [],
                             location=[None, None, None, None, "", None, "16thFloor"])
        devices.append(spare)
        for name in _IGND_NAMES:
            devices.append(Device(
                esn=None, name=name, type="camera", status=UNKNOWN,
                bridges=[[spare.esn or "", "IGND"]], service="IGND", permissions="ws",
                guid=self._guid(), timezone=None, utc_offset=None, ip_address=self._ip(),
                owner=None,
            ))
        # Cameras other accounts share with this one.
        for owner, permissions, tag, cams in _SHARED:
            foreign_bridge = self._new_esn()
            for name, status in cams:
                devices.append(self._camera(
                    name, status, foreign_bridge, permissions=permissions, tags=[tag],
                    shared=1, owner=owner, ip_address="",
                    video_input="video_input_1" if tag == "analog" else None,
                    video_status="0x00000000" if tag == "analog" else None,
                ))
        return devices

    def _scaled_devices(self, count: int) -> list[Device]:
        """A large synthetic account: ``count`` cameras, one bridge per 50 cameras.

        Cheap by construction (no per-device randomness beyond index arithmetic), so 10,000
        cameras build in well under a second.
        """
        devices: list[Device] = []
        pattern = [ONLINE] * 20
        pattern[3], pattern[7], pattern[11], pattern[13], pattern[17] = (
            OFF, OFFLINE, INTERNET_OFFLINE, PASSWORD_NEEDED, UNKNOWN)
        pattern[5] = pattern[15] = ONLINE_RECORDING
        per_bridge = 50
        for b in range((count + per_bridge - 1) // per_bridge):
            bridge_esn = f"{0x1F000000 + b:08x}"
            cams = []
            for i in range(b * per_bridge, min(count, (b + 1) * per_bridge)):
                esn = f"{0x10100000 + i:08x}"
                cams.append(Device(
                    esn=esn, name=f"Site {b + 1:03d} Camera {i - b * per_bridge + 1:02d}",
                    type="camera", status=pattern[(i + self.seed) % 20],
                    bridges=[[bridge_esn, "ATTD"]], guid=f"00000000-0000-0000-0000-{i:012x}",
                    ip_address=f"*10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}",
                    discovered="20190101000000.000",
                ))
            devices.append(Device(
                esn=bridge_esn, name=f"Site {b + 1:03d} Bridge", type="bridge",
                status=BRIDGE_ONLINE, bridges=[[c.esn or "", "ATTD"] for c in cams],
                guid=f"00000000-0000-0000-0001-{b:012x}", serial=f"EEN-BR401-{b:05d}",
                ip_address=f"192.168.{(b >> 8) & 255}.{b & 255}", discovered="20190101000000.000",
            ))
            devices.extend(cams)
        return devices
