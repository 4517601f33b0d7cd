"""v1 preview images: ``/asset/{asset,prev,next,after}/image.jpeg`` and ``/asset/list/image``."""

from __future__ import annotations

import re
import time

import gevent
from werkzeug.routing import Rule

from een_tui.api.timestamps import EEN_TIMESTAMP_RE, een_timestamp_to_ms
from een_tui.emulator.calls import Abort, Call
from een_tui.emulator.devices import Device
from een_tui.emulator.previews import Timeline
from een_tui.emulator.replies import Reply, error_reply, image_reply, json_reply
from een_tui.emulator.states import Connection
from een_tui.emulator.v1_login import V1Login
from een_tui.emulator.world import World

IMAGE_PATHS = {
    "/asset/asset/image.jpeg": "asset",
    "/asset/prev/image.jpeg": "prev",
    "/asset/next/image.jpeg": "next",
    "/asset/after/image.jpeg": "after",
}
LIST_PATHS = ("/asset/list/image", "/asset/list/image.jpeg")
ASSET_CLASSES = {"all": "preview", "pre": "preview", "preview": "preview", "thumb": "thumb"}
MAX_LIST_ENTRIES = 10000
RELATIVE_MS_RE = re.compile(r"^[+-]\d+$")


class V1Assets:
    """Preview images and their timestamp list, over each online camera's timeline."""

    def __init__(self, world: World, login: V1Login) -> None:
        self.world = world
        self.login = login

    def rules(self) -> list[Rule]:
        """The routes of this module."""
        rules = [Rule(path, methods=["GET"], endpoint=self.image) for path in IMAGE_PATHS]
        rules += [Rule(path, methods=["GET"], endpoint=self.image_list) for path in LIST_PATHS]
        return rules

    def _camera(self, esn: str, call: Call) -> tuple[Device, Timeline]:
        """The camera for ``esn`` with previews, or the real service's error for it."""
        if not esn or esn in ("null", "None"):
            raise Abort(_error(call, 400, "Invalid Camera ID (c= or id=)"))
        device = self.world.account.by_esn.get(esn)
        if device is None:
            raise Abort(_error(call, 404, "camera not found"))
        if device.is_bridge:
            raise Abort(_error(call, 400, "esn not a camera"))
        if device.state is Connection.BRIDGE_OFFLINE:
            gevent.sleep(self.world.config.effective_proxy_timeout_s)
            raise Abort(_error(call, 504, "proxy destination node connect timeout"))
        timeline = self.world.timelines.v1(device)
        if timeline is None:
            raise Abort(_error(call, 400, "no matching asset"))
        return device, timeline

    def _moment(self, value: str | None, now_ms: int, call: Call) -> int | None:
        """Milliseconds for a timestamp parameter; None for ``now``."""
        if value is None or value == "" or value == "now":
            return None
        if RELATIVE_MS_RE.match(value):
            return now_ms + int(value)
        if EEN_TIMESTAMP_RE.fullmatch(value):
            try:
                return een_timestamp_to_ms(value)
            except ValueError:
                pass
        if re.fullmatch(r"\d{14}", value):
            try:
                return een_timestamp_to_ms(value + ".000")
            except ValueError:
                pass
        raise Abort(_error(call, 400, "invalid timestamp"))

    def _asset_class(self, params: dict[str, str], call: Call) -> str:
        value = params.get("asset_class") or params.get("a") or "pre"
        if value not in ASSET_CLASSES:
            raise Abort(_error(call, 400, "invalid asset_class"))
        return ASSET_CLASSES[value]

    def image(self, call: Call) -> Reply:
        """``/asset/{asset,prev,next,after}/image.jpeg``."""
        self.login.require_session(call)
        params = call.legacy_params()
        kind = self._asset_class(params, call)
        device, timeline = self._camera(params.get("id") or params.get("c") or "", call)
        now_ms = int(time.time() * 1000)
        moment = self._moment(params.get("timestamp") or params.get("t"), now_ms, call)
        mode = IMAGE_PATHS[call.path]
        latest = timeline.latest_index(now_ms)
        if mode == "asset":
            k = latest if moment is None else timeline.floor_index(min(moment, now_ms))
        elif mode == "prev":
            target = now_ms if moment is None else moment
            k = timeline.floor_index(min(target - 1, now_ms))
        else:
            k = timeline.floor_index(now_ms if moment is None else moment) + 1
            wait_ms = timeline.frame_ms(k) - now_ms
            if wait_ms > 0:
                if mode == "after" or wait_ms > timeline.interval_ms + 50:
                    return _error(call, 404, "Image not found")
                gevent.sleep(wait_ms / 1000.0)
                now_ms = int(time.time() * 1000)
                latest = max(k, timeline.latest_index(now_ms))
        if k < 0:
            return _error(call, 400, "no matching asset")
        stamp = timeline.timestamp(k)
        body = self.world.renderer.jpeg(device.esn or "", device.name, k, stamp, device.size,
                                  thumb=kind == "thumb")
        prev_ = f"{kind}-{timeline.timestamp(k - 1)}" if k > 0 else "unknown"
        next_ = f"{kind}-{timeline.timestamp(k + 1)}" if k < latest else "unknown"
        location = f"/asset/asset/image.jpeg?a={kind};t={stamp};c={device.esn}&tm=1"
        return image_reply(body, content_location=location, timestamp=f"{kind}-{stamp}",
                           next_=next_, prev=prev_, started=call.started)

    def image_list(self, call: Call) -> Reply:
        """``/asset/list/image``: timestamps between start and end, or ``count`` from start."""
        self.login.require_session(call)
        params = call.legacy_params()
        self._asset_class(params, call)
        _device, timeline = self._camera(params.get("id") or params.get("c") or "", call)
        now_ms = int(time.time() * 1000)
        if "start_timestamp" not in params:
            return _error(call, 400, "start_timestamp is required")
        start = self._moment(params["start_timestamp"], now_ms, call)
        start_ms = now_ms if start is None else start
        latest = timeline.latest_index(now_ms)
        if params.get("end_timestamp"):
            end = self._moment(params["end_timestamp"], now_ms, call)
            end_ms = now_ms if end is None else min(end, now_ms)
            first = timeline.floor_index(start_ms - 1) + 1
            last = timeline.floor_index(end_ms)
            indexes = range(max(0, first), min(last, first + MAX_LIST_ENTRIES - 1) + 1)
        elif params.get("count"):
            try:
                count = int(params["count"])
            except ValueError:
                return _error(call, 400, "invalid count")
            count = max(-MAX_LIST_ENTRIES, min(MAX_LIST_ENTRIES, count))
            if count < 0:
                top = timeline.floor_index(min(start_ms, now_ms))
                indexes = range(top, max(-1, top + count), -1)
            else:
                first = max(0, timeline.floor_index(start_ms - 1) + 1)
                indexes = range(first, min(latest, first + count - 1) + 1)
        else:
            return _error(call, 400, "end_timestamp or count is required")
        return json_reply([{"t": "PRFR", "s": timeline.timestamp(k)} for k in indexes])


def _error(call: Call, status: int, message: str) -> Reply:
    """The real service's error answer on the asset host."""
    return error_reply(status, message, path=call.path, started=call.started)
