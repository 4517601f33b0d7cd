"""v1 devices: ``GET /g/device/list`` (29-element rows) and ``GET /g/device?id=``."""

from __future__ import annotations

import json
import time

from werkzeug.routing import Rule

from een_tui.api.timestamps import ms_to_een_timestamp
from een_tui.emulator.calls import Call
from een_tui.emulator.devices import Device
from een_tui.emulator.replies import Reply, error_reply, json_reply
from een_tui.emulator.states import v1_connect
from een_tui.emulator.v1_login import V1Login
from een_tui.emulator.world import World


class V1Devices:
    """The device list (cached body when unfiltered) and one device as an object."""

    def __init__(self, world: World, login: V1Login) -> None:
        self.world = world
        self.login = login
        self._list_body: bytes | None = None

    def rules(self) -> list[Rule]:
        """The routes of this module."""
        return [Rule("/g/device/list", methods=["GET"], endpoint=self.device_list),
                Rule("/g/device", methods=["GET"], endpoint=self.device)]

    def device_list(self, call: Call) -> Reply:
        """All devices as 29-element rows; filters ``e``, ``n``, ``t``, ``s``."""
        self.login.require_session(call)
        params = call.legacy_params()
        filters = {k: params[k] for k in ("e", "n", "t", "s") if params.get(k)}
        if not filters:
            if self._list_body is None:
                rows = [d.row() for d in self.world.account.devices]
                self._list_body = json.dumps(rows).encode()
            reply = json_reply([])
            reply.replace_body(self._list_body)
            return reply
        rows = [d.row() for d in self.world.account.devices if _matches(d, filters)]
        return json_reply(rows)

    def device(self, call: Call) -> Reply:
        """One device as an object (``GET /g/device?id=``)."""
        self.login.require_session(call)
        esn = call.legacy_params().get("id", "")
        if not esn:
            return error_reply(400, "id is required", path=call.path)
        device = self.world.account.by_esn.get(esn)
        if device is None:
            return error_reply(404, "device not found", path=call.path)
        return json_reply(self._device_object(device))

    def _device_object(self, device: Device) -> dict[str, object]:
        now_ms = int(time.time() * 1000)
        info: dict[str, object] = {
            "bridge": device.bridges[0][0] if device.bridges and not device.is_bridge else None,
            "connect": v1_connect(device.state),
            "uuid": device.guid,
            "service": device.service,
            "ipaddr": device.ip_address,
            "esn": device.esn,
            "status": str(device.status),
            "bridgeid": device.bridges[0][0] if device.bridges and not device.is_bridge else None,
            "now": ms_to_een_timestamp(now_ms),
            "class": "bridge" if device.is_bridge else "camera",
            "status_hex": f"{device.status:08x}",
        }
        timeline = self.world.timelines.v1(device)
        if timeline is not None:
            latest = timeline.latest_index(now_ms)
            if latest >= 0:
                info["camera_newest"] = timeline.timestamp(latest)
                info["camera_oldest"] = timeline.timestamp(0)
        return {
            "id": device.esn,
            "name": device.name,
            "utcOffset": device.utc_offset,
            "timezone": device.timezone,
            "guid": device.guid,
            "permissions": device.permissions,
            "tags": device.tags,
            "bridges": {b[0]: b[1] for b in device.bridges} if not device.is_bridge else {},
            "settings": {"bridge": device.bridges[0][0] if device.bridges else None,
                         "street_address": device.location[4] if device.location else None},
            "camera_info_status_code": 200,
            "camera_info": info,
            "camera_parameters_status_code": 200,
            "camera_parameters": {"active_settings": {"preview_interval_ms": {
                "max": 16000, "min": 250, "d": 1000, "v": self.world.config.preview_interval_ms}}},
        }


def _matches(device: Device, filters: dict[str, str]) -> bool:
    if "e" in filters and device.esn != filters["e"]:
        return False
    if "n" in filters and filters["n"].lower() not in device.name.lower():
        return False
    if "t" in filters and device.type not in filters["t"].split(","):
        return False
    return not ("s" in filters and device.service not in filters["s"].split(","))
