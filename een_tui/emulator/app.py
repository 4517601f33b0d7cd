"""The emulator's WSGI application: routing, login, device list, preview images, faults."""

from __future__ import annotations

import json
import logging
import random
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from ipaddress import ip_address
from typing import Any
from urllib.parse import parse_qsl

import gevent
from werkzeug.wrappers import Request

from een_tui.api.status import CameraStatus
from een_tui.api.timestamps import EEN_TIMESTAMP_RE, een_timestamp_to_ms, ms_to_een_timestamp
from een_tui.emulator.account import Account, Device
from een_tui.emulator.config import EmulatorConfig
from een_tui.emulator.faults import (
    RATE_LIMIT_MESSAGE,
    SERVER_ERRORS,
    FaultInjector,
    FaultKind,
)
from een_tui.emulator.previews import PreviewRenderer, Timeline
from een_tui.emulator.replies import (
    Reply,
    cookie_date,
    empty_reply,
    error_reply,
    image_reply,
    json_reply,
)
from een_tui.emulator.sessions import MAX_TFA_FAILURES, LoginState, Session
from een_tui.emulator.stats import Stats
from een_tui.emulator.userobject import user_object

log = logging.getLogger(__name__)

IMAGE_PATHS = {
    "/asset/asset/image.jpeg": "asset",
    "/asset/prev/image.jpeg": "prev",
    "/asset/next/image.jpeg": "next",
    "/asset/after/image.jpeg": "after",
}
LIST_PATHS = {"/asset/list/image", "/asset/list/image.jpeg"}
ASSET_CLASSES = {"all": "preview", "pre": "preview", "preview": "preview", "thumb": "thumb"}
MAX_LIST_ENTRIES = 10000
CONTROL_PREFIX = "/_emulator/"  # the emulator's own endpoints: not counted in the stats
NON_JPEG_BODY = b"<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>"
RELATIVE_MS_RE = re.compile(r"^[+-]\d+$")


class ConnectionResetRequested(Exception):
    """Raised by the app to make the server reset the TCP connection (fault_reset)."""


class _Abort(Exception):
    """Internal: stop handling and answer ``reply``."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


class _TrackedBody:
    """The answer body; ``close()`` (called by the server when done or dropped) ends tracking."""

    def __init__(self, chunks: list[bytes], on_close: Callable[[], None] | None,
                 on_drained: Callable[[], None] | None = None) -> None:
        self._chunks = chunks
        self._on_close = on_close
        self._on_drained = on_drained

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks
        if self._on_drained is not None:
            self._on_drained()

    def close(self) -> None:
        if self._on_close is not None:
            callback, self._on_close = self._on_close, None
            callback()


class EmulatorApp:
    """A WSGI application faithful to the EEN v1 API (login, devices, previews)."""

    def __init__(self, config: EmulatorConfig, stats: Stats | None = None) -> None:
        self.config = config
        self.stats = stats or Stats()
        self.account = Account(config.seed, config.cameras)
        self.login = LoginState()
        self.renderer = PreviewRenderer()
        self.rng = random.Random(config.seed ^ 0x5EED)
        self.faults = FaultInjector(config, self.rng)
        self.started_ms = int(time.time() * 1000)
        self.tfa_code = config.tfa_code or (
            "1234" if config.test_mode else f"{secrets.randbelow(10000):04d}")
        self._timelines: dict[str, Timeline] = {}
        self._device_list_body: bytes | None = None
        self._routes = self._build_routes()

    # -- WSGI ------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.monotonic()
        request = Request(environ)
        path = request.path
        endpoint = f"{request.method} {path}"
        is_image = path in IMAGE_PATHS
        if is_image:
            self.stats.image_started()
        finish = self.stats.image_finished if is_image else None
        try:
            self._sleep_latency(is_image)
            try:
                reply = self._handle(request, path, started)
            except _Abort as abort:
                reply = abort.reply
        except ConnectionResetRequested:
            self.stats.record(endpoint, "reset")
            if finish:
                finish()
            raise
        except Exception:
            log.exception("emulator: unexpected error on %s", endpoint)
            reply = error_reply(500, "internal server error", path=path, started=started)
        except BaseException:
            if finish:
                finish()
            raise
        if not path.startswith(CONTROL_PREFIX):
            self.stats.record(endpoint, str(reply.status))
        if not _keeps_alive(environ):
            reply.headers = [(k, "close" if k == "Connection" else v) for k, v in reply.headers]
        start_response(reply.status_line, reply.headers)
        if reply.truncate:
            closer = environ.get("een.close_connection")
            part = reply.body[: max(1, len(reply.body) // 2)]
            return _TrackedBody([part], finish, closer)
        return _TrackedBody([reply.body] if reply.body else [], finish)

    # -- plumbing --------------------------------------------------------------------------

    def _sleep_latency(self, is_image: bool) -> None:
        cfg = self.config
        delay = cfg.latency_ms + (self.rng.uniform(0, cfg.jitter_ms) if cfg.jitter_ms > 0 else 0)
        if is_image:
            delay += cfg.image_latency_ms
        if delay > 0:
            gevent.sleep(delay / 1000.0)

    def _handle(self, request: Request, path: str, started: float) -> Reply:
        fault = self.faults.before(path)
        if fault is not None:
            if fault.kind is FaultKind.RESET:
                raise ConnectionResetRequested()
            if fault.kind is FaultKind.RATE_LIMITED:
                return error_reply(429, RATE_LIMIT_MESSAGE, path=path, started=started,
                                   retry_after=fault.retry_after)
            if fault.kind is FaultKind.SERVER_ERROR:
                return error_reply(fault.status, SERVER_ERRORS[fault.status], path=path,
                                   started=started)
            if fault.kind is FaultKind.SESSION_EXPIRED:
                if self.config.fault_401_invalidates:
                    key = self._session_key(request)
                    if key:
                        self.login.end(key)
                return error_reply(401, "session expired", path=path, started=started)
        route = self._route(request.method, path)
        if route is None:
            return self._no_route(request.method, path, started)
        reply = route(request, path, started)
        if path in IMAGE_PATHS and reply.status == 200:
            spoil = self.faults.after(path)
            if spoil is not None and spoil.kind is FaultKind.TRUNCATE:
                reply.truncate = True
            elif spoil is not None and spoil.kind is FaultKind.NON_JPEG:
                reply.body = NON_JPEG_BODY
                reply.headers = [(k, str(len(NON_JPEG_BODY)) if k == "Content-Length" else v)
                                 for k, v in reply.headers]
        return reply

    def _build_routes(self) -> dict[tuple[str, str], Callable[[Request, str, float], Reply]]:
        routes: dict[tuple[str, str], Callable[[Request, str, float], Reply]] = {
            ("POST", "/g/aaa/authenticate"): self.authenticate,
            ("POST", "/g/aaa/two_factor_authenticate"): self.two_factor_authenticate,
            ("POST", "/g/aaa/authorize"): self.authorize,
            ("GET", "/g/aaa/isauth"): self.isauth,
            ("POST", "/g/aaa/logout"): self.logout,
            ("GET", "/g/aaa/logout"): self.logout,
            ("GET", "/g/device/list"): self.device_list,
            ("GET", "/g/device"): self.device,
            ("GET", "/_emulator/stats"): self.stats_endpoint,
            ("DELETE", "/_emulator/stats"): self.stats_reset_endpoint,
        }
        for list_path in LIST_PATHS:
            routes[("GET", list_path)] = self.image_list
        for image_path in IMAGE_PATHS:
            routes[("GET", image_path)] = self.image
        return routes

    def _route(self, method: str, path: str) -> Callable[[Request, str, float], Reply] | None:
        return self._routes.get((method, path))

    def _no_route(self, method: str, path: str, started: float) -> Reply:
        if path.startswith("/g/") and path.endswith("/"):
            # A trailing slash: a third-party client saw 500s from the real service.
            return error_reply(500, "internal server error", path=path, started=started)
        if any(known == path for _, known in self._routes):
            return error_reply(405, "method not allowed", path=path, started=started)
        return error_reply(404, "not found", path=path, started=started)

    @staticmethod
    def _params(request: Request) -> dict[str, str]:
        """Query parameters, accepting the legacy ``;`` separator (``?t=now;c=1000c4ae;a=pre``)."""
        query = request.environ.get("QUERY_STRING", "")
        return dict(parse_qsl(query.replace(";", "&"), keep_blank_values=True))

    @staticmethod
    def _body(request: Request) -> dict[str, Any]:
        """A JSON or form body as a dict (empty when neither)."""
        data = request.get_data(cache=True)
        text = data.decode("utf-8", "replace").strip()
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except ValueError:
                return {}
            return value if isinstance(value, dict) else {}
        return dict(parse_qsl(text, keep_blank_values=True))

    def _session_key(self, request: Request) -> str | None:
        params = self._params(request)
        if params.get("A"):
            return params["A"]
        return request.cookies.get("auth_key") or request.cookies.get("videobank_sessionid")

    def _require_session(self, request: Request, path: str, started: float) -> Session:
        session = self.login.session(self._session_key(request))
        if session is None:
            raise _Abort(error_reply(401, "session expired", path=path, started=started))
        return session

    def _cookies(self, request: Request, value: str, max_age: int) -> list[str]:
        expires = cookie_date(time.time() + max_age)
        domain = _cookie_domain(request.host)
        domain_part = f"; Domain={domain}" if domain else ""
        return [f"{name}={value}{domain_part}; expires={expires}; httponly; Max-Age={max_age}; "
                f"Path=/" for name in ("auth_key", "videobank_sessionid")]

    # -- login -----------------------------------------------------------------------------

    def authenticate(self, request: Request, path: str, started: float) -> Reply:
        """Step 1: username + password -> single-use token (plus TFA hints)."""
        body = self._body(request)
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username:
            return error_reply(400, "username and password are required", path=path)
        user = self.account.users.get(username.lower())
        if user is None or not secrets.compare_digest(password, user.password):
            return error_reply(401, "invalid credentials", path=path)
        if user.username in self.login.locked:
            return error_reply(412, "user disabled", path=path)
        cfg = self.config
        lifetime = cfg.tfa_token_lifetime_s if user.two_factor else cfg.token_lifetime_s
        answer: dict[str, object] = {"token": self.login.new_token(user, lifetime)}
        if user.two_factor:
            answer["two_factor_authentication_code"] = {
                "sms": "*** *** " + (user.sms_phone or "")[-3:],
                "email": "***@" + user.username.split("@")[-1],
            }
        return json_reply(answer)

    def two_factor_authenticate(self, request: Request, path: str, started: float) -> Reply:
        """Step 1b (two-factor users): send the code by sms or email."""
        body = self._body(request)
        token = self.login.token(body.get("token"))
        if token is None:
            return error_reply(400, "invalid token", path=path)
        kind = body.get("two_factor_authentication_type")
        if kind not in ("sms", "email"):
            return error_reply(415, "two factor authentication type not supported", path=path)
        if not token.user.two_factor:
            return error_reply(400, "two factor authentication is not enabled", path=path)
        token.code_sent = True
        log.info("emulator: two-factor code for %s sent by %s", token.user.username, kind)
        return json_reply({})

    def authorize(self, request: Request, path: str, started: float) -> Reply:
        """Step 2: token (+ code) -> user object and the session cookies."""
        body = self._body(request)
        if not body.get("token"):
            return error_reply(400, "token is required", path=path)
        token = self.login.token(body.get("token"))
        if token is None:
            return error_reply(401, "invalid token", path=path)
        user = token.user
        if user.two_factor:
            if user.username in self.login.locked:
                return error_reply(429, "account locked", path=path)
            code = body.get("two_factor_authentication_code")
            if not code or not token.code_sent:
                return error_reply(401, "missing or expired two factor authentication code",
                                   path=path)
            if str(code) != self.tfa_code:
                failures = self.login.tfa_failures.get(user.username, 0) + 1
                self.login.tfa_failures[user.username] = failures
                if failures > MAX_TFA_FAILURES:
                    self.login.locked.add(user.username)
                    return error_reply(429, "account locked", path=path)
                return error_reply(406, "invalid two factor authentication code", path=path)
            self.login.tfa_failures.pop(user.username, None)
        token.used = True
        lifetime = self.config.session_lifetime_s
        session = self.login.new_session(user, lifetime)
        last_login = time.strftime("%Y%m%d%H%M%S.000", time.gmtime())
        answer = user_object(user, self.account.shared_camera_access(), last_login)
        cookies = self._cookies(request, session.key, max(0, int(lifetime) - 1))
        return json_reply(answer, cookies=cookies)

    def isauth(self, request: Request, path: str, started: float) -> Reply:
        """200 when the session is valid, 401 otherwise."""
        session = self._require_session(request, path, started)
        return json_reply({"user_id": session.user.user_id, "is_authenticated": True})

    def logout(self, request: Request, path: str, started: float) -> Reply:
        """End the session: 204 and cookies cleared."""
        key = self._session_key(request)
        if key:
            self.login.end(key)
        return empty_reply(204, cookies=self._cookies(request, "", 0))

    # -- devices ---------------------------------------------------------------------------

    def device_list(self, request: Request, path: str, started: float) -> Reply:
        """All devices as 29-element rows; filters ``e``, ``n``, ``t``, ``s``."""
        self._require_session(request, path, started)
        params = self._params(request)
        filters = {k: params[k] for k in ("e", "n", "t", "s") if params.get(k)}
        if not filters:
            if self._device_list_body is None:
                rows = [d.row() for d in self.account.devices]
                self._device_list_body = json.dumps(rows).encode()
            reply = json_reply([])
            reply.body = self._device_list_body
            reply.headers = [(k, str(len(reply.body)) if k == "Content-Length" else v)
                             for k, v in reply.headers]
            return reply
        rows = [d.row() for d in self.account.devices if _matches(d, filters)]
        return json_reply(rows)

    def device(self, request: Request, path: str, started: float) -> Reply:
        """One device as an object (``GET /g/device?id=``)."""
        self._require_session(request, path, started)
        esn = self._params(request).get("id", "")
        if not esn:
            return error_reply(400, "id is required", path=path)
        device = self.account.by_esn.get(esn)
        if device is None:
            return error_reply(404, "device not found", path=path)
        return json_reply(self._device_object(device))

    def _device_object(self, device: Device) -> dict[str, object]:
        now_ms = int(time.time() * 1000)
        info: dict[str, object] = {
            "bridge": device.bridges[0][0] if device.bridges and not device.is_bridge else None,
            "connect": "STRM" if device.overall_status is CameraStatus.ONLINE else "OFFL",
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
        timeline = self._timeline(device) if not device.is_bridge and device.esn else None
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
                "max": 16000, "min": 250, "d": 1000, "v": self.config.preview_interval_ms}}},
        }

    # -- previews --------------------------------------------------------------------------

    def _timeline(self, device: Device) -> Timeline | None:
        """The preview timeline of an online camera (None for the others)."""
        if device.is_bridge or not device.esn or device.overall_status is not CameraStatus.ONLINE:
            return None
        interval = max(1, int(self.config.preview_interval_ms))
        timeline = self._timelines.get(device.esn)
        if timeline is None or timeline.interval_ms != interval:
            phase = int(device.esn, 16) % interval
            origin = self.started_ms - int(self.config.history_s * 1000) + phase
            timeline = Timeline(device.esn, origin, interval)
            self._timelines[device.esn] = timeline
        return timeline

    def _camera(self, esn: str, path: str, started: float) -> tuple[Device, Timeline]:
        """The camera for ``esn`` with previews, or the real service's error for it."""
        if not esn or esn in ("null", "None"):
            raise _Abort(error_reply(400, "Invalid Camera ID (c= or id=)", path=path,
                                     started=started))
        device = self.account.by_esn.get(esn)
        if device is None:
            raise _Abort(error_reply(404, "camera not found", path=path, started=started))
        if device.is_bridge:
            raise _Abort(error_reply(400, "esn not a camera", path=path, started=started))
        if device.overall_status is CameraStatus.INTERNET_OFFLINE:
            gevent.sleep(self.config.effective_proxy_timeout_s)
            raise _Abort(error_reply(504, "proxy destination node connect timeout", path=path,
                                     started=started))
        timeline = self._timeline(device)
        if timeline is None:
            raise _Abort(error_reply(400, "no matching asset", path=path, started=started))
        return device, timeline

    def _moment(self, value: str | None, now_ms: int, path: str, started: float) -> int | None:
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
        raise _Abort(error_reply(400, "invalid timestamp", path=path, started=started))

    def _asset_class(self, params: dict[str, str], path: str, started: float) -> str:
        value = params.get("asset_class") or params.get("a") or "pre"
        if value not in ASSET_CLASSES:
            raise _Abort(error_reply(400, "invalid asset_class", path=path, started=started))
        return ASSET_CLASSES[value]

    def image(self, request: Request, path: str, started: float) -> Reply:
        """``/asset/{asset,prev,next,after}/image.jpeg``."""
        self._require_session(request, path, started)
        params = self._params(request)
        kind = self._asset_class(params, path, started)
        device, timeline = self._camera(params.get("id") or params.get("c") or "", path, started)
        now_ms = int(time.time() * 1000)
        moment = self._moment(params.get("timestamp") or params.get("t"), now_ms, path, started)
        mode = IMAGE_PATHS[path]
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
                    return error_reply(404, "Image not found", path=path, started=started)
                gevent.sleep(wait_ms / 1000.0)
                now_ms = int(time.time() * 1000)
                latest = max(k, timeline.latest_index(now_ms))
        if k < 0:
            return error_reply(400, "no matching asset", path=path, started=started)
        stamp = timeline.timestamp(k)
        body = self.renderer.jpeg(device.esn or "", device.name, k, stamp, device.size,
                                  thumb=kind == "thumb")
        prev_ = f"{kind}-{timeline.timestamp(k - 1)}" if k > 0 else "unknown"
        next_ = f"{kind}-{timeline.timestamp(k + 1)}" if k < latest else "unknown"
        location = f"/asset/asset/image.jpeg?a={kind};t={stamp};c={device.esn}&tm=1"
        return image_reply(body, content_location=location, timestamp=f"{kind}-{stamp}",
                           next_=next_, prev=prev_, started=started)

    def image_list(self, request: Request, path: str, started: float) -> Reply:
        """``/asset/list/image``: timestamps between start and end, or ``count`` from start."""
        self._require_session(request, path, started)
        params = self._params(request)
        self._asset_class(params, path, started)
        _device, timeline = self._camera(params.get("id") or params.get("c") or "", path, started)
        now_ms = int(time.time() * 1000)
        if "start_timestamp" not in params:
            return error_reply(400, "start_timestamp is required", path=path, started=started)
        start = self._moment(params["start_timestamp"], now_ms, path, started)
        start_ms = now_ms if start is None else start
        latest = timeline.latest_index(now_ms)
        if params.get("end_timestamp"):
            end = self._moment(params["end_timestamp"], now_ms, path, started)
            end_ms = now_ms if end is None else min(end, now_ms)
            first = timeline.floor_index(start_ms - 1) + 1
            last = timeline.floor_index(end_ms)
            indexes = range(max(0, first), min(last, first + MAX_LIST_ENTRIES - 1) + 1)
        elif params.get("count"):
            try:
                count = int(params["count"])
            except ValueError:
                return error_reply(400, "invalid count", path=path, started=started)
            count = max(-MAX_LIST_ENTRIES, min(MAX_LIST_ENTRIES, count))
            if count < 0:
                top = timeline.floor_index(min(start_ms, now_ms))
                indexes = range(top, max(-1, top + count), -1)
            else:
                first = max(0, timeline.floor_index(start_ms - 1) + 1)
                indexes = range(first, min(latest, first + count - 1) + 1)
        else:
            return error_reply(400, "end_timestamp or count is required", path=path,
                               started=started)
        return json_reply([{"t": "PRFR", "s": timeline.timestamp(k)} for k in indexes])

    # -- emulator control ------------------------------------------------------------------

    def stats_endpoint(self, request: Request, path: str, started: float) -> Reply:
        """``GET /_emulator/stats``."""
        return json_reply(self.stats.snapshot())

    def stats_reset_endpoint(self, request: Request, path: str, started: float) -> Reply:
        """``DELETE /_emulator/stats``: zero the counters."""
        self.stats.reset()
        return empty_reply(204)


def _matches(device: Device, filters: dict[str, str]) -> bool:
    if "e" in filters and device.esn != filters["e"]:
        return False
    if "n" in filters and filters["n"].lower() not in device.name.lower():
        return False
    if "t" in filters and device.type not in filters["t"].split(","):
        return False
    return not ("s" in filters and device.service not in filters["s"].split(","))


def _cookie_domain(host: str) -> str | None:
    """The cookie Domain for ``host``: none on loopback/IP/single-label hosts (cookie jars would
    drop a Domain cookie there), else the parent domain like ``.eagleeyenetworks.com``."""
    name = host.rsplit(":", 1)[0].strip("[]") if host else ""
    if not name or "." not in name or name == "localhost":
        return None
    try:
        ip_address(name)
        return None
    except ValueError:
        pass
    labels = name.split(".")
    return "." + ".".join(labels[1:] if len(labels) >= 3 else labels)


def _keeps_alive(environ: dict[str, Any]) -> bool:
    connection = environ.get("HTTP_CONNECTION", "").lower()
    if environ.get("SERVER_PROTOCOL") == "HTTP/1.0":
        return connection == "keep-alive"
    return connection != "close"
