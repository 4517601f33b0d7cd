"""A small scripted EEN v3 server (auth host + API) on 127.0.0.1 for the v3 client tests:
rotating refresh tokens, Basic client auth, clamped pages, v3 error bodies, preview frames with
``X-Een-Timestamp``/``X-Een-PrevToken``/``X-Een-NextToken``, and counters (token calls, images
in flight, every request line) so tests can check what the client did."""

from __future__ import annotations

import base64
import io
import json
import secrets
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import gevent
from gevent.pywsgi import WSGIServer
from PIL import Image

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "s3cr3t-client-secret-value"
REDIRECT_URI = "http://127.0.0.1:3333/callback"


def _jpeg(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (shade % 256, 80, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def iso(ms: int, zulu: bool = False) -> str:
    text = (datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)).isoformat(
        timespec="milliseconds")
    return text.replace("+00:00", "Z") if zulu else text


def parse_iso(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(moment.timestamp() * 1000)


class FakeV3:
    """The server's state and WSGI app. Tweak attributes from a test."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: dict[str, float] = {}  # code -> issued (time.time)
        self.access: str | None = None
        self.refresh: str | None = None
        self.revoked: list[str] = []
        self.calls: Counter = Counter()
        self.request_lines: list[str] = []  # "METHOD /path?query" of every request
        self.token_bodies: list[dict] = []
        self.refresh_delay_s = 0.0
        self.code_error: tuple[int, dict] | None = None  # forced answer to a code exchange
        self.page_clamp = 3
        self.repeat_token = False
        self.short_first_page = False
        self.null_end_token = False
        self.cameras: list[dict] = []
        self.bridges: list[dict] = []
        self.settings: dict[str, dict] = {}
        now_ms = int(time.time() * 1000)
        self.frames: dict[str, list[int]] = {}  # camera id -> frame times (ms), ascending
        self.base_ms = now_ms - now_ms % 1000
        self.media_latency_s = 0.0
        self.in_flight = 0
        self.max_in_flight = 0
        self.zulu = False
        self.stamp_shift_ms: int | None = 0
        self.forced: dict[str, tuple[int, dict, dict]] = {}  # path -> (status, headers, body)
        self.https_base: dict | None = None

    # ------------------------------------------------------------------ helpers for tests

    def issue_code(self, age_s: float = 0.0) -> str:
        code = secrets.token_urlsafe(16)
        self.codes[code] = time.time() - age_s
        return code

    def expire_access(self) -> None:
        """The current access token stops working (as after its lifetime)."""
        self.access = "expired-" + secrets.token_hex(8)

    def add_camera(self, cam_id: str, status: str | None = "online", *, frames: int = 60,
                   step_ms: int = 1000, name: str | None = None, **extra) -> None:
        row = {"id": cam_id, "accountId": "00001106", "name": name or f"Camera {cam_id}",
               "bridgeId": "100062b4", **extra}
        if status is not None:
            row["status"] = {"connectionStatus": status}
        self.cameras.append(row)
        self.frames[cam_id] = [self.base_ms - k * step_ms for k in range(frames)][::-1]

    # ------------------------------------------------------------------ WSGI

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = environ.get("QUERY_STRING", "")
        method = environ["REQUEST_METHOD"]
        with self.lock:
            self.calls[path] += 1
            self.request_lines.append(f"{method} {path}?{query}")
        if path in self.forced:
            status, headers, body = self.forced[path]
            return self._json(start_response, status, body, headers)
        if path.startswith("/oauth2/"):
            return self._oauth(environ, start_response, path)
        if environ.get("HTTP_AUTHORIZATION") != f"Bearer {self.access}" or self.access is None:
            return self._error(start_response, 401, "unauthenticated",
                               "The client caller does not have a valid authentication credential")
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if path == "/api/v3.0/clientSettings":
            port = int(environ["SERVER_PORT"])
            return self._json(start_response, 200,
                              {"httpsBaseUrl": {"hostname": "127.0.0.1", "port": port}})
        if path == "/api/v3.0/users/self":
            return self._json(start_response, 200, {
                "id": "u1", "firstName": "Demo", "lastName": "User",
                "email": "demo@example.com", "accountId": "00001106", "language": "en",
                "employeeId": None})
        if path in ("/api/v3.0/cameras", "/api/v3.0/bridges"):
            rows = self.cameras if path.endswith("cameras") else self.bridges
            return self._page(start_response, rows, params)
        if path.startswith("/api/v3.0/cameras/") and path.endswith("/settings"):
            cam = path.split("/")[4]
            if cam not in self.settings:
                return self._error(start_response, 404, "notFound", "no such camera")
            return self._json(start_response, 200, self.settings[cam])
        if path.startswith("/api/v3.0/media/"):
            return self._media(start_response, path, params)
        return self._error(start_response, 404, "notFound", "endpointNotFound")

    def _oauth(self, environ, start_response, path):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if environ.get("HTTP_AUTHORIZATION") != expected:
            return self._json(start_response, 401, {"error": "invalid_client"})
        with self.lock:
            self.token_bodies.append(form)
        if path == "/oauth2/revoke":
            self.revoked.append(form.get("token", ""))
            if form.get("token") in (self.refresh, self.access):
                self.refresh = self.access = None
            return self._json(start_response, 200, {})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            if self.code_error is not None:
                return self._json(start_response, *self.code_error)
            issued = self.codes.pop(form.get("code", ""), None)
            if issued is None or time.time() - issued > 300:
                return self._json(start_response, 400, {"error": "invalid_grant"})
            if form.get("redirect_uri") != REDIRECT_URI or form.get("scope") != "vms.all":
                return self._json(start_response, 400, {"error": "invalid_request"})
        elif grant == "refresh_token":
            if self.refresh_delay_s:
                gevent.sleep(self.refresh_delay_s)
            if self.refresh is None or form.get("refresh_token") != self.refresh:
                return self._json(start_response, 401, {"error": "invalid_grant"})
        else:
            return self._json(start_response, 400, {"error": "unsupported_grant_type"})
        self.access = "acc-" + secrets.token_hex(12)
        self.refresh = "ref-" + secrets.token_hex(12)
        answer = {"access_token": self.access, "refresh_token": self.refresh,
                  "expires_in": 43198, "scope": "vms.all", "token_type": "Bearer"}
        if self.https_base is not None:
            answer["httpsBaseUrl"] = self.https_base
        return self._json(start_response, 200, answer)

    def _page(self, start_response, rows, params):
        size = min(int(params.get("pageSize", 100)), self.page_clamp)
        start = int(params.get("pageToken") or 0)
        if self.repeat_token:
            start = 0
        if start == 0 and self.short_first_page:
            size -= 1  # a short page that is not the last one
        chunk = rows[start:start + size]
        following = start + size
        end = None if self.null_end_token else ""
        token = end if following >= len(rows) else str(following)
        return self._json(start_response, 200, {"results": chunk, "nextPageToken": token,
                                                "prevPageToken": "", "totalSize": len(rows)})

    def _media(self, start_response, path, params):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.media_latency_s:
                gevent.sleep(self.media_latency_s)
            return self._image(start_response, path, params)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _image(self, start_response, path, params):
        if "pageToken" in params:
            cam, _, index = base64.urlsafe_b64decode(params["pageToken"]).decode().partition(":")
            frames = self.frames.get(cam, [])
            i = int(index)
        else:
            cam = params.get("deviceId", "")
            frames = self.frames.get(cam)
            if frames is None:
                return self._error(start_response, 404, "notFound", "resourceNotFound")
            if path.endswith("liveImage.jpeg"):
                row = next(c for c in self.cameras if c["id"] == cam)
                if row.get("status", {}).get("connectionStatus") != "online":
                    return self._error(start_response, 503, "unavailable", "deviceUnavailable")
                if not frames:  # live, but nothing recorded (onDemand nobody watched)
                    body = _jpeg(0)
                    start_response("200 OK", [
                        ("Content-Type", "image/jpeg"), ("Content-Length", str(len(body))),
                        ("X-Een-Timestamp", iso(self.base_ms, self.zulu))])
                    return [body]
                i = len(frames) - 1
            else:
                sides = [k for k in params if k.startswith("timestamp")]
                if len(sides) != 1:
                    return self._error(start_response, 400, "invalidArgument", "one timestamp")
                t = parse_iso(params[sides[0]])
                ops = {"timestamp__lte": lambda f: f <= t, "timestamp__lt": lambda f: f < t,
                       "timestamp__gte": lambda f: f >= t, "timestamp__gt": lambda f: f > t,
                       "timestamp": lambda f: f == t}
                hits = [j for j, f in enumerate(frames) if ops[sides[0]](f)]
                if not hits:
                    return self._error(start_response, 404, "notFound", "no image")
                i = hits[-1] if sides[0] in ("timestamp__lte", "timestamp__lt") else hits[0]
        if not 0 <= i < len(frames):
            return self._error(start_response, 404, "notFound", "no image")
        body = _jpeg(i)
        headers = [("Content-Type", "image/jpeg"), ("Content-Length", str(len(body)))]
        if self.stamp_shift_ms is not None:  # a broken server: None = no header at all
            headers.append(("X-Een-Timestamp", iso(frames[i] + self.stamp_shift_ms, self.zulu)))
        if i > 0:
            headers.append(("X-Een-PrevToken", _token(cam, i - 1)))
        if i + 1 < len(frames):
            headers.append(("X-Een-NextToken", _token(cam, i + 1)))
        start_response("200 OK", headers)
        return [body]

    def _error(self, start_response, code, status, message):
        body = {"code": code, "status": status, "message": message,
                "details": [{"type": "errorInfo", "reason": message, "domain": "apiv3"}]}
        return self._json(start_response, code, body)

    @staticmethod
    def _json(start_response, status, body, headers=None):
        raw = json.dumps(body).encode()
        head = [("Content-Type", "application/json"), ("Content-Length", str(len(raw)))]
        head += list((headers or {}).items())
        start_response(f"{status} X", head)
        return [raw]


def _token(cam: str, index: int) -> str:
    return base64.urlsafe_b64encode(f"{cam}:{index}".encode()).decode()


class RunningFake:
    """A :class:`FakeV3` served on an ephemeral loopback port."""

    def __init__(self) -> None:
        self.app = FakeV3()
        self.server = WSGIServer(("127.0.0.1", 0), self.app, log=None, error_log=None)

    def __enter__(self) -> RunningFake:
        self.server.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop(timeout=1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"
