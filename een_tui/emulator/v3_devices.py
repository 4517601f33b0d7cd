"""v3 ``/users/self``, ``/cameras`` (filters, include, sort, clamped pages), ``/cameras/{id}``,
``/cameras/{id}/settings`` and ``/bridges``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from werkzeug.routing import Rule

from een_tui.emulator.calls import Abort, Call
from een_tui.emulator.devices import ACCOUNT_ID, Device
from een_tui.emulator.replies import Reply
from een_tui.emulator.states import Connection
from een_tui.emulator.v3_auth import V3Auth
from een_tui.emulator.v3_params import csv, page, prev_token, query
from een_tui.emulator.v3_replies import bad_argument, not_found, v3_json
from een_tui.emulator.world import World

CAMERA_INCLUDES = {"status", "timeZone", "tags", "locationSummary", "deviceInfo"}
CAMERA_FILTERS = {"id__in", "id__notIn", "name", "name__contains", "name__in", "bridgeId__in",
                  "locationId__in", "tags__contains", "tags__any", "status__in", "status__ne",
                  "q"}
PAGING = {"pageSize", "pageToken"}
SORT_KEYS = {"name", "locationSummary.name", "bridgeSummary.name"}
ZONES = {"US/Central": "America/Chicago"}
STATUSES = {c.value for c in Connection}


class V3Devices:
    """The account's cameras and bridges as the v3 API shows them."""

    def __init__(self, world: World, auth: V3Auth) -> None:
        self.world = world
        self.auth = auth
        self._by_name: list[Device] | None = None

    def rules(self) -> list[Rule]:
        """The routes of this module."""
        base = "/api/v3.0"
        return [Rule(f"{base}/users/self", methods=["GET"], endpoint=self.user_self),
                Rule(f"{base}/cameras", methods=["GET"], endpoint=self.cameras),
                Rule(f"{base}/cameras/<camera_id>", methods=["GET"], endpoint=self.camera),
                Rule(f"{base}/cameras/<camera_id>/settings", methods=["GET"],
                     endpoint=self.settings),
                Rule(f"{base}/bridges", methods=["GET"], endpoint=self.bridges)]

    def user_self(self, call: Call) -> Reply:
        """The logged-in user (``include=timeZone,status``)."""
        user = self.auth.require(call)
        includes = self._includes(call, query(call, {"include"}), {"timeZone", "status"})
        answer: dict[str, object] = {
            "id": user.user_id, "firstName": user.first_name, "lastName": user.last_name,
            "email": user.username, "accountId": ACCOUNT_ID, "language": "en-us",
            "employeeId": None, "locationId": None,
            "createTimestamp": "2017-05-12T19:29:19.177+00:00",
        }
        if "timeZone" in includes:
            answer["timeZone"] = {"timeZone": "America/Chicago"}
        if "status" in includes:
            answer["status"] = {"loginStatus": "active"}
        return v3_json(answer)

    def cameras(self, call: Call) -> Reply:
        """Every camera through clamped pages; ``nextPageToken`` is ``""`` at the end."""
        self.auth.require(call)
        args = query(call, {"include", "sort"} | CAMERA_FILTERS | PAGING)
        includes = self._includes(call, args, CAMERA_INCLUDES)
        everything = self._cameras_by_name()
        matches = _camera_filter(call, args)
        chosen = [d for d in everything if matches(d)] if matches else list(everything)
        if args.get("sort", "+name") != "+name":
            bridge_names = {b.esn: b.name for b in self.world.account.bridges()}
            chosen.sort(key=_sort_key(call, args.get("sort"), bridge_names))
        return self._page(call, args, chosen, len(everything),
                          lambda d: self._camera(d, includes))

    def camera(self, call: Call) -> Reply:
        """One camera; 404 when there is no such camera."""
        self.auth.require(call)
        includes = self._includes(call, query(call, {"include"}), CAMERA_INCLUDES)
        return v3_json(self._camera(self._find(call), includes))

    def settings(self, call: Call) -> Reply:
        """``previewVideo.intervalMs`` and ``transmitMode`` of one camera."""
        self.auth.require(call)
        query(call, {"include"})
        device = self._find(call)
        return v3_json({"data": {"previewVideo": {
            "intervalMs": self.world.timelines.interval_ms(device),
            "transmitMode": device.transmit_mode}}})

    def bridges(self, call: Call) -> Reply:
        """Every bridge, same paging; ``include=status``."""
        self.auth.require(call)
        args = query(call, {"include", "id__in", "name__contains"} | PAGING)
        includes = self._includes(call, args, {"status"})
        everything = self.world.account.bridges()
        ids, fragment = set(csv(args.get("id__in"))), args.get("name__contains", "").lower()
        chosen = [b for b in everything if (not ids or b.esn in ids)
                  and fragment in b.name.lower()]
        chosen.sort(key=lambda b: b.name.lower())

        def shape(bridge: Device) -> dict[str, object]:
            answer = {"id": bridge.esn, "accountId": ACCOUNT_ID, "name": bridge.name,
                      "locationId": location_id(bridge), "createTimestamp": created(bridge)}
            if "status" in includes:
                state = bridge.state
                if state is Connection.BRIDGE_OFFLINE:  # a bridge's own cloud link is down
                    state = Connection.DEVICE_OFFLINE
                answer["status"] = {"connectionStatus": state.value}
            return answer

        return self._page(call, args, chosen, len(everything), shape)

    # -- helpers ---------------------------------------------------------------------------

    def _cameras_by_name(self) -> list[Device]:
        """Every camera in the default order (``+name``), computed once: the account is fixed."""
        if self._by_name is None:
            self._by_name = sorted(self.world.account.cameras(),
                                   key=lambda d: (d.name.lower(), d.esn or ""))
        return self._by_name

    def _page(self, call: Call, args: dict[str, str], chosen: list[Device], total: int,
              shape: Callable[[Device], dict[str, object]]) -> Reply:
        max_size = self.world.config.v3_max_page_size
        results, next_token = page(call, chosen, args, max_size)
        return v3_json({"totalSize": total, "nextPageToken": next_token,
                        "prevPageToken": prev_token(args, max_size),
                        "results": [shape(d) for d in results]})

    def _find(self, call: Call) -> Device:
        camera_id = call.args["camera_id"]
        device = self.world.account.by_esn.get(camera_id)
        if device is None or device.is_bridge:
            raise Abort(not_found(call.path, "camera", camera_id))
        return device

    @staticmethod
    def _includes(call: Call, args: dict[str, str], allowed: set[str]) -> set[str]:
        wanted = set(csv(args.get("include")))
        unknown = sorted(wanted - allowed)
        if unknown:
            raise Abort(bad_argument(call.path, f"Invalid include value: {unknown[0]}"))
        return wanted

    def _camera(self, device: Device, includes: set[str]) -> dict[str, object]:
        answer: dict[str, object] = {"id": device.esn, "accountId": ACCOUNT_ID,
                                     "name": device.name}
        bridge = bridge_of(device)
        if bridge:  # not reported for cameras connected straight to the cloud
            answer["bridgeId"] = bridge
        answer.update({"locationId": location_id(device),
                       "multiCameraId": device.parent_camera_id,
                       "createTimestamp": created(device)})
        if "status" in includes:
            answer["status"] = {"connectionStatus": device.state.value}
        if "timeZone" in includes:
            zone = device.timezone or "UTC"
            answer["timeZone"] = {"zone": ZONES.get(zone, zone)}
        if "tags" in includes:
            answer["tags"] = list(device.tags)
        if "locationSummary" in includes:
            place = device.location[6] if len(device.location) > 6 else None
            answer["locationSummary"] = ({"id": location_id(device), "name": place}
                                         if place else None)
        if "deviceInfo" in includes:
            answer["deviceInfo"] = {"make": None, "model": None, "type": device.type,
                                    "directToCloud": not bridge}
        return answer


def bridge_of(device: Device) -> str | None:
    """The camera's bridge id, if it has one."""
    return device.bridges[0][0] if device.bridges and device.bridges[0][0] else None


def location_id(device: Device) -> str | None:
    """A stable UUID-like id for the device's site (None without one)."""
    place = device.location[6] if len(device.location) > 6 else None
    if not isinstance(place, str) or not place:
        return None
    h = hashlib.blake2b(place.encode(), digest_size=16).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def created(device: Device) -> str:
    """``createTimestamp``: when the device was discovered (ISO 8601, +00:00)."""
    stamp = device.discovered or "20190101000000.000"
    return (f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:"
            f"{stamp[12:14]}.{stamp[15:18]}+00:00")


def _camera_filter(call: Call, args: dict[str, str]) -> Callable[[Device], bool] | None:
    """One predicate for every filter argument given (None when there is none)."""
    for key in ("status__in", "status__ne"):
        bad = [s for s in csv(args.get(key)) if s not in STATUSES]
        if bad:
            raise Abort(bad_argument(call.path, f"Invalid {key} value: {bad[0]}"))

    def values(key: str) -> set[str]:
        return set(csv(args[key]))

    def lowered(key: str) -> set[str]:
        return {item.lower() for item in csv(args[key])}

    def tag_set(device: Device) -> set[str]:
        return {t.lower() for t in device.tags}

    given = args.keys()
    ids_in = values("id__in") if "id__in" in given else set()
    ids_out = values("id__notIn") if "id__notIn" in given else set()
    name = args.get("name", "").lower()
    fragment = args.get("name__contains", "").lower()
    names = lowered("name__in") if "name__in" in given else set()
    bridges = values("bridgeId__in") if "bridgeId__in" in given else set()
    locations = values("locationId__in") if "locationId__in" in given else set()
    all_tags = lowered("tags__contains") if "tags__contains" in given else set()
    any_tags = lowered("tags__any") if "tags__any" in given else set()
    states = values("status__in") if "status__in" in given else set()
    not_state = args.get("status__ne", "")
    q = args.get("q", "").lower()
    candidates: list[tuple[str, Callable[[Device], bool]]] = [
        ("id__in", lambda d: d.esn in ids_in),
        ("id__notIn", lambda d: d.esn not in ids_out),
        ("name", lambda d: d.name.lower() == name),
        ("name__contains", lambda d: fragment in d.name.lower()),
        ("name__in", lambda d: d.name.lower() in names),
        ("bridgeId__in", lambda d: bridge_of(d) in bridges),
        ("locationId__in", lambda d: location_id(d) in locations),
        ("tags__contains", lambda d: all_tags <= tag_set(d)),
        ("tags__any", lambda d: bool(any_tags & tag_set(d))),
        ("status__in", lambda d: d.state.value in states),
        ("status__ne", lambda d: d.state.value != not_state),
        ("q", lambda d: q in f"{d.name} {d.esn} {' '.join(d.tags)}".lower()),
    ]
    tests = [test for key, test in candidates if key in given]
    if not tests:
        return None
    return lambda device: all(test(device) for test in tests)


def _sort_key(call: Call, sort: str | None,
              bridge_names: dict[str | None, str]) -> Callable[[Device], tuple[object, ...]]:
    """``sort=±name,±locationSummary.name,±bridgeSummary.name`` (default ``+name``)."""
    if sort is None:
        items = ["+name"]
    else:
        items = sort.split(",")
        keys = [item[1:] for item in items]
        if (len(items) > 3 or any(not i or i[0] not in "+-" for i in items)
                or any(k not in SORT_KEYS for k in keys) or len(set(keys)) != len(keys)):
            raise Abort(bad_argument(call.path, f"Invalid sort: {sort}"))

    def value(device: Device, key: str) -> str:
        if key == "name":
            return device.name.lower()
        if key == "locationSummary.name":
            return str(device.location[6] or "").lower() if len(device.location) > 6 else ""
        return bridge_names.get(bridge_of(device), "").lower()

    def sort_key(device: Device) -> tuple[object, ...]:
        parts: list[object] = []
        for item in items:
            text = value(device, item[1:])
            parts.append(text if item[0] == "+" else _Reverse(text))
        return (*parts, device.esn or "")

    return sort_key


class _Reverse:
    """Sorts descending inside an ascending tuple sort."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __lt__(self, other: _Reverse) -> bool:
        return self.text > other.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.text == other.text
