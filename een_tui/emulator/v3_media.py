"""v3 media: ``liveImage.jpeg`` (waits for the next frame; 503 unless online) and
``recordedImage.jpeg`` (first frame on one side of a time, or one step with a page token)."""

from __future__ import annotations

import base64
import binascii
import json

import gevent
from werkzeug.routing import Rule

from een_tui.api.timestamps import ms_to_een_timestamp
from een_tui.emulator.calls import Abort, Call
from een_tui.emulator.devices import Device
from een_tui.emulator.previews import Timeline
from een_tui.emulator.replies import Reply
from een_tui.emulator.v3_auth import V3Auth
from een_tui.emulator.v3_params import format_iso_ms, parse_iso_ms, query
from een_tui.emulator.v3_replies import bad_argument, not_found, v3_error, v3_image
from een_tui.emulator.world import World

LIVE_PATH = "/api/v3.0/media/liveImage.jpeg"
RECORDED_PATH = "/api/v3.0/media/recordedImage.jpeg"
IMAGE_PATHS = (LIVE_PATH, RECORDED_PATH)
SIDES = ("timestamp", "timestamp__lt", "timestamp__lte", "timestamp__gt", "timestamp__gte")


class V3Media:
    """Preview frames of the v3 API over each camera's own timeline."""

    def __init__(self, world: World, auth: V3Auth) -> None:
        self.world = world
        self.auth = auth

    def rules(self) -> list[Rule]:
        """The routes of this module."""
        return [Rule(LIVE_PATH, methods=["GET"], endpoint=self.live),
                Rule(RECORDED_PATH, methods=["GET"], endpoint=self.recorded)]

    def live(self, call: Call) -> Reply:
        """Wait for the camera's next frame and answer it (503 when it is not online)."""
        self.auth.require(call)
        args = query(call, {"deviceId", "type"}, required=("deviceId", "type"))
        if args["type"] != "preview":
            raise Abort(bad_argument(call.path, f"Invalid type: {args['type']}"))
        device = self._device(call, args["deviceId"])
        recorded = self.world.timelines.v3(device)
        live = self.world.timelines.v3_live(device)
        if recorded is None or live is None:
            return v3_error(503, "The device is unavailable", path=call.path,
                            reason="deviceUnavailable")
        now_ms = self.world.now_ms()
        k = live.latest_index(now_ms) + 1
        wait_ms = live.frame_ms(k) - now_ms
        if wait_ms > 0:
            gevent.sleep(wait_ms / 1000.0)
        frame_ms = live.frame_ms(k)
        before = recorded.floor_index(frame_ms - 1)
        prev = self._token(device, before, "preview") if before >= 0 else None
        return self._image(device, live, k, prev, None)

    def recorded(self, call: Call) -> Reply:
        """``timestamp`` (exact) or one of ``__lt/__lte/__gt/__gte``, or a ``pageToken``."""
        self.auth.require(call)
        args = query(call, {"deviceId", "type", "pageToken", *SIDES})
        if args.get("pageToken"):  # "any other parameter sent will be ignored"
            device, k, kind = self._untoken(call, args["pageToken"])
        else:
            query(call, {"deviceId", "type", *SIDES}, required=("deviceId", "type"))
            kind = args["type"]
            if kind not in ("preview", "main"):
                raise Abort(bad_argument(call.path, f"Invalid type: {kind}"))
            sides = [s for s in SIDES if s in args]
            if len(sides) != 1:
                raise Abort(bad_argument(
                    call.path, "Exactly one timestamp parameter must be specified",
                    "missingRequiredArgument" if not sides else "wrongArgumentValue"))
            moment = parse_iso_ms(args[sides[0]])
            if moment is None:
                raise Abort(bad_argument(call.path, f"Invalid {sides[0]}: {args[sides[0]]}"))
            device = self._device(call, args["deviceId"])
            if kind == "main":  # the emulator records no full-resolution video
                raise Abort(not_found(call.path, "recording", device.esn or ""))
            timeline = self._timeline(call, device)
            k = _frame_on_side(timeline, sides[0], moment)
        timeline = self._timeline(call, device)
        now_ms = self.world.now_ms()
        if not timeline.exists(k, now_ms):
            raise Abort(not_found(call.path, "image", device.esn or ""))
        next_ = self._token(device, k + 1, kind) if timeline.exists(k + 1, now_ms) else None
        prev = self._token(device, k - 1, kind) if k > 0 else None
        return self._image(device, timeline, k, prev, next_)

    # -- helpers ---------------------------------------------------------------------------

    def _device(self, call: Call, device_id: str) -> Device:
        device = self.world.account.by_esn.get(device_id)
        if device is None or device.is_bridge:
            raise Abort(not_found(call.path, "camera", device_id))
        return device

    def _timeline(self, call: Call, device: Device) -> Timeline:
        timeline = self.world.timelines.v3(device)
        if timeline is None:  # only online cameras make (and so have recorded) previews
            raise Abort(not_found(call.path, "image", device.esn or ""))
        return timeline

    def _image(self, device: Device, timeline: Timeline, k: int, prev: str | None,
               next_: str | None) -> Reply:
        frame_ms = timeline.frame_ms(k)
        body = self.world.renderer.jpeg(device.esn or "", device.name, k,
                                        ms_to_een_timestamp(frame_ms), device.size)
        stamp = format_iso_ms(frame_ms)
        if self.world.config.v3_timestamps_z:
            stamp = stamp.replace("+00:00", "Z")
        return v3_image(body, timestamp=stamp, prev_token=prev, next_token=next_)

    def _token(self, device: Device, k: int, kind: str) -> str:
        interval = self.world.timelines.interval_ms(device)
        raw = json.dumps([device.esn, k, kind, interval], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _untoken(self, call: Call, token: str) -> tuple[Device, int, str]:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            esn, k, kind, interval = json.loads(raw)
        except (binascii.Error, ValueError, TypeError):
            raise Abort(bad_argument(call.path, "Invalid pageToken")) from None
        device = self.world.account.by_esn.get(esn) if isinstance(esn, str) else None
        if (device is None or not isinstance(k, int) or kind != "preview"
                or interval != self.world.timelines.interval_ms(device)):
            raise Abort(bad_argument(call.path, "Invalid pageToken"))
        return device, k, kind


def _frame_on_side(timeline: Timeline, side: str, moment: int) -> int:
    """The frame index asked for (may not exist: the caller checks)."""
    if side == "timestamp":
        k = timeline.floor_index(moment)
        return k if k >= 0 and timeline.frame_ms(k) == moment else -1
    if side == "timestamp__lt":
        return timeline.floor_index(moment - 1)
    if side == "timestamp__lte":
        return timeline.floor_index(moment)
    if side == "timestamp__gt":
        return timeline.floor_index(moment) + 1
    return timeline.floor_index(moment - 1) + 1  # __gte
