"""The emulated EEN account: its devices (the demo sites, or N synthetic cameras) and users.

Everything is derived deterministically from the seed: the same seed gives the same ESNs, names,
states and timelines, so tests and the demo are reproducible.
"""

from __future__ import annotations

import random

from een_tui.emulator import demo_sites as demo
from een_tui.emulator.devices import (
    ACCOUNT_ID,
    ACCOUNT_NAME,
    OWNER_PERMISSIONS,
    TIMEZONE,
    UTC_OFFSET,
    Device,
    User,
)
from een_tui.emulator.states import Connection, Variant

__all__ = ["ACCOUNT_ID", "ACCOUNT_NAME", "OWNER_PERMISSIONS", "TIMEZONE", "UTC_OFFSET", "Account",
           "Device", "User"]

DEMO_USERNAME = "demo@een-tui.test"
DEMO_PASSWORD = "een-tui-demo"
TFA_USERNAME = "tfa@een-tui.test"
TFA_PASSWORD = "een-tui-tfa"

# The synthetic account's repeating pattern of 20 camera states (index -> spec).
_PATTERN: dict[int, demo.Spec] = {
    3: demo.OFF, 7: demo.DEVICE_OFFLINE, 11: demo.BRIDGE_OFFLINE, 13: demo.PASSWORD,
    17: demo.UNKNOWN, 5: demo.RECORDING, 15: demo.RECORDING, 9: demo.ERROR,
}
_ONLINE: demo.Spec = (Connection.ONLINE, False, Variant.PLAIN)


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

    def bridges(self) -> list[Device]:
        """Every bridge of the account."""
        return [d for d in self.devices if d.is_bridge and d.esn]

    def online_cameras(self) -> list[Device]:
        """Cameras that are online (they produce previews)."""
        return [d for d in self.cameras() if d.makes_previews]

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

    def _online_spec(self) -> demo.Spec:
        roll = self._rng.random()
        if roll < 0.13:
            return (Connection.ONLINE, True, Variant.PLAIN if roll < 0.11 else Variant.ALT)
        return (Connection.ONLINE, False, Variant.PLAIN if roll < 0.9 else Variant.ALT)

    def _size(self) -> tuple[int, int]:
        return (640, 360) if self._rng.random() < 0.25 else (320, 240)

    def _camera(self, name: str, spec: demo.Spec | None, bridge: str, **kw: object) -> Device:
        esn = self._new_esn()
        state, recording, variant = self._online_spec() if spec is None else spec
        fields: dict[str, object] = {
            "esn": esn, "name": name, "type": "camera", "state": state,
            "recording": recording, "variant": variant,
            "bridges": [[bridge, "ATTD"]], "guid": self._guid(), "ip_address": self._ip(),
            "discovered": self._discovered(), "size": self._size(),
        }
        fields.update(kw)
        return Device(**fields)  # type: ignore[arg-type]

    def _bridge(self, name: str, state: Connection, cameras: list[Device],
                spare: bool = False, **kw: object) -> Device:
        fields: dict[str, object] = {
            "esn": self._new_esn(), "name": name, "type": "bridge", "state": state,
            "variant": Variant.ALT if spare else Variant.PLAIN,
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
        for bridge_name, address, place, tags, cams in demo.SITES:
            location = [None, None, None, None, address, None, place]
            cameras = [
                self._camera(name, status, "", tags=list(tags), location=list(location))
                for name, status in cams
            ]
            devices.append(self._bridge(bridge_name, Connection.ONLINE, cameras,
                                        location=list(location)))
            devices.extend(cameras)
        # A site whose bridge is off the internet: unsupported HD-TVI cameras behind a multiview.
        jb_location = [None, None, None, None, "", None, "JB Bodyshop"]
        encoder = self._camera("HD-TVI Encoder", demo.BRIDGE_OFFLINE, "", type="multiview_camera",
                               tags=["hd-tvi"], unsupported=1, ip_address="",
                               location=list(jb_location))
        jb = [encoder]
        for n, name in enumerate(demo.JB_CAMERAS):
            jb.append(self._camera(name, demo.BRIDGE_OFFLINE, "", tags=["zz_hd-tvi"], unsupported=1,
                                   ip_address="", location=list(jb_location),
                                   parent_camera_id=encoder.esn,
                                   child_camera_view=f"Channel {n + 1}"))
        devices.append(self._bridge("JB Bodyshop (South Austin)", Connection.BRIDGE_OFFLINE, jb,
                                    unsupported=1, ip_address="", location=list(jb_location)))
        devices.extend(jb)
        # A spare bridge with no cameras attached, and two undiscovered (IGND) cameras near it.
        spare = self._bridge("z CFA spare bridge", Connection.ONLINE, [], spare=True,
                             location=[None, None, None, None, "", None, "16thFloor"])
        devices.append(spare)
        for name in demo.IGND_NAMES:
            devices.append(Device(
                esn=None, name=name, type="camera", state=Connection.UNKNOWN,
                bridges=[[spare.esn or "", "IGND"]], service="IGND", permissions="ws",
                guid=self._guid(), timezone=None, utc_offset=None, ip_address=self._ip(),
                owner=None,
            ))
        # Cameras other accounts share with this one.
        for owner, permissions, tag, cams in demo.SHARED:
            foreign_bridge = self._new_esn()
            for name, spec in cams:
                devices.append(self._camera(
                    name, spec, foreign_bridge, permissions=permissions, tags=[tag],
                    shared=1, owner=owner, ip_address="",
                    video_input="video_input_1" if tag == "analog" else None,
                    video_status="0x00000000" if tag == "analog" else None,
                    preview_interval_ms=demo.V3_INTERVALS_MS.get(name),
                    transmit_mode="onDemand" if name in demo.V3_ON_DEMAND else "always",
                ))
        return devices

    def _scaled_devices(self, count: int) -> list[Device]:
        """A large synthetic account: ``count`` cameras, one bridge per 50 cameras.

        Cheap by construction (no per-device randomness beyond index arithmetic), so 10,000
        cameras build in well under a second.
        """
        devices: list[Device] = []
        pattern = [_spec_fields(_PATTERN.get(n, _ONLINE)) for n in range(20)]
        per_bridge = 50
        for b in range((count + per_bridge - 1) // per_bridge):
            bridge_esn = f"{0x1F000000 + b:08x}"
            cams = []
            for i in range(b * per_bridge, min(count, (b + 1) * per_bridge)):
                esn = f"{0x10100000 + i:08x}"
                cams.append(Device(
                    esn=esn, name=f"Site {b + 1:03d} Camera {i - b * per_bridge + 1:02d}",
                    type="camera", **pattern[(i + self.seed) % 20],
                    bridges=[[bridge_esn, "ATTD"]], guid=f"00000000-0000-0000-0000-{i:012x}",
                    ip_address=f"*10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}",
                    discovered="20190101000000.000",
                ))
            devices.append(Device(
                esn=bridge_esn, name=f"Site {b + 1:03d} Bridge", type="bridge",
                state=Connection.ONLINE, bridges=[[c.esn or "", "ATTD"] for c in cams],
                guid=f"00000000-0000-0000-0001-{b:012x}", serial=f"EEN-BR401-{b:05d}",
                ip_address=f"192.168.{(b >> 8) & 255}.{b & 255}", discovered="20190101000000.000",
            ))
            devices.extend(cams)
        return devices


def _spec_fields(spec: demo.Spec) -> dict[str, object]:
    state, recording, variant = spec
    return {"state": state, "recording": recording, "variant": variant}
