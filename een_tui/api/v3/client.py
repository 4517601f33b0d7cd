"""The v3 HTTP client: Bearer auth, every page of a list, typed errors, images as streams.

One :class:`V3Client` is one login (a :class:`TokenManager`) over one keep-alive session sized
to the workers. A 401 refreshes once for everyone (see :mod:`token_manager`) and the request is
sent again with the new token; 429/5xx/network failures of JSON calls are retried by the one
retry policy; image requests raise them for the caller's retries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import requests

from een_tui.api import errors
from een_tui.api.retry_policy import RetryPolicy
from een_tui.api.settings import checked_base_url
from een_tui.api.v3 import wire
from een_tui.api.v3.responses import FrameHeaders, frame_headers, v3_error
from een_tui.api.v3.timestamps import format_v3_timestamp
from een_tui.api.v3.token_manager import TokenManager
from een_tui.api.v3.tokens import api_url_from

log = logging.getLogger(__name__)

API = "/api/v3.0"
DEFAULT_API_ROOT = "https://api.eagleeyenetworks.com"  # only asked for clientSettings
PAGE_SIZE = 100  # the documented default; the server may clamp it further
MAX_PAGES = 10_000
MAX_PAGE_TOKEN = 4096
CAMERA_INCLUDE = "status,timeZone,tags"
TIME_PARAMS = frozenset({"timestamp", "timestamp__lt", "timestamp__lte", "timestamp__gt",
                         "timestamp__gte"})

ImageStream = Iterator[tuple[FrameHeaders, Iterator[bytes]]]


class V3Client:
    """EEN API v3 for one login. Safe to share between greenlets."""

    def __init__(self, tokens: TokenManager, *, api_url: str | None = None,
                 api_root: str = DEFAULT_API_ROOT, timeout: float = 15.0, pool_size: int = 5,
                 retry_policy: RetryPolicy | None = None) -> None:
        self.tokens = tokens
        self._api_url = checked_base_url(api_url) if api_url else None
        self._api_root = checked_base_url(api_root)
        self.timeout = timeout
        self.pool_size = max(1, int(pool_size))
        self.retry_policy = retry_policy or RetryPolicy.for_json(4, 4.0, 30.0)
        self._http = wire.new_session(self.pool_size + 2)
        self._http.headers["Accept"] = "application/json"

    # ------------------------------------------------------------------ plumbing

    @property
    def api_url(self) -> str:
        """The API base: the override, else the token answer's ``httpsBaseUrl``, else EEN's
        ``clientSettings`` answer (asked once)."""
        if self._api_url is None:
            self._api_url = self.tokens.tokens.api_url or self._client_settings()
        return self._api_url

    def close(self) -> None:
        """Close the pooled connections (the login stays valid)."""
        self._http.close()

    def __enter__(self) -> V3Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _client_settings(self) -> str:
        url = f"{self._api_root}{API}/clientSettings"
        body = self._json_answer(self._authorized("GET", url, None, media=False), "settings")
        found = api_url_from(body.get("httpsBaseUrl") if isinstance(body, dict) else None,
                             self._api_root)
        if found is None:
            raise errors.ProtocolError("EEN's clientSettings answer names no API host")
        return found

    def _authorized(self, method: str, url: str, params: dict[str, Any] | None, *,
                    media: bool, stream: bool = False, accept: str | None = None
                    ) -> requests.Response:
        """One request with the current token; on 401 a shared refresh and one more try."""
        for attempt in (1, 2):
            token, generation = self.tokens.access()
            headers = {"Accept": accept} if accept else {}
            cap = wire.MAX_IMAGE_BYTES if media else wire.MAX_JSON_BYTES
            response = wire.send(self._http, method, url, timeout=self.timeout, params=params,
                                 headers=headers, auth=wire.BearerAuth(token), redirects=True,
                                 max_bytes=cap)
            if response.status_code == 401 and attempt == 1:
                wire.read_error_body(response)
                self.tokens.after_401(generation)
                continue
            if not 200 <= response.status_code < 300:
                body = wire.read_error_body(response)
                raise v3_error(response.status_code, body, response.headers, media=media)
            return response
        raise AssertionError("unreachable")

    @staticmethod
    def _json_answer(response: requests.Response, what: str) -> Any:
        body = wire.read_body(response)
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise errors.ProtocolError(f"the {what} answer is not valid JSON") from exc

    def get_json(self, path: str, params: dict[str, Any] | None = None, *,
                 what: str = "API") -> Any:
        """``GET {api}/api/v3.0{path}`` as JSON, retried by the retry policy."""
        url = f"{self.api_url}{API}{path}"

        def attempt() -> Any:
            return self._json_answer(self._authorized("GET", url, params, media=False), what)

        return self.retry_policy.retrying(what=what)(attempt)

    def pages(self, path: str, params: dict[str, Any] | None = None, *,
              what: str = "list") -> Iterator[dict[str, Any]]:
        """Every result of a paged list: follows ``nextPageToken`` until it is empty or null
        (never stops on a short page); a token seen twice is a :class:`ProtocolError`."""
        seen: set[str] = set()
        token: str | None = None
        for _ in range(MAX_PAGES):
            query = {**(params or {}), "pageSize": PAGE_SIZE}
            if token:
                query["pageToken"] = token
            body = self.get_json(path, query, what=what)
            results = body.get("results") if isinstance(body, dict) else None
            if not isinstance(results, list):
                raise errors.ProtocolError(f"the {what} page has no results array")
            yield from (r for r in results if isinstance(r, dict))
            token = body.get("nextPageToken")
            if token is None or token == "":
                return
            if not isinstance(token, str) or len(token) > MAX_PAGE_TOKEN:
                raise errors.ProtocolError(f"the {what} page has an unusable nextPageToken")
            if token in seen:
                raise errors.ProtocolError(f"the {what} repeats a page token (the server loops)")
            seen.add(token)
        raise errors.ProtocolError(f"the {what} has more than {MAX_PAGES} pages")

    # ------------------------------------------------------------------ data

    def user_self(self) -> dict[str, Any]:
        """``/users/self``: who is logged in."""
        body = self.get_json("/users/self", what="user")
        if not isinstance(body, dict):
            raise errors.ProtocolError("the users/self answer is not an object")
        return body

    def camera_rows(self) -> list[dict[str, Any]]:
        """Every camera, with status, time zone and tags."""
        return list(self.pages("/cameras", {"include": CAMERA_INCLUDE}, what="camera list"))

    def bridge_rows(self) -> list[dict[str, Any]]:
        """Every bridge, with status."""
        return list(self.pages("/bridges", {"include": "status"}, what="bridge list"))

    def camera_settings(self, camera_id: str) -> dict[str, Any]:
        """``/cameras/{id}/settings`` (shape unconfirmed: callers look for what they need)."""
        body = self.get_json(f"/cameras/{_camera_path(camera_id)}/settings",
                             what="camera settings")
        if not isinstance(body, dict):
            raise errors.ProtocolError("the camera settings answer is not an object")
        return body

    @contextmanager
    def open_live_image(self, camera_id: str) -> ImageStream:
        """``media/liveImage.jpeg``: the camera's next preview (503 = the camera cannot)."""
        with self._image("liveImage.jpeg", {"deviceId": camera_id, "type": "preview"}) as got:
            yield got

    @contextmanager
    def open_recorded_image(self, camera_id: str, *, at: datetime | None = None,
                            side: str = "timestamp__lte", page_token: str | None = None
                            ) -> ImageStream:
        """``media/recordedImage.jpeg``: the first preview on ``side`` of ``at``
        (``timestamp__lte`` etc.), or the one a ``page_token`` names."""
        params: dict[str, Any] = {"deviceId": camera_id, "type": "preview"}
        if page_token is not None:
            params = {"pageToken": page_token}
        elif at is not None and side in TIME_PARAMS:
            params[side] = format_v3_timestamp(at)  # requests encodes "+" as %2B
        else:
            raise errors.ConfigurationError("a recorded image needs a time and side, or a token")
        with self._image("recordedImage.jpeg", params) as got:
            yield got

    @contextmanager
    def _image(self, name: str, params: dict[str, Any]) -> ImageStream:
        if "deviceId" in params:
            _camera_path(params["deviceId"])
        url = f"{self.api_url}{API}/media/{name}"
        response = self._authorized("GET", url, params, media=True, stream=True,
                                    accept="image/jpeg, */*")
        try:
            headers = frame_headers(response.headers)
            if not (headers.content_type or "").lower().startswith("image/"):
                raise errors.ProtocolError(
                    f"the image answer is {headers.content_type or 'untyped'}, not an image")
            yield headers, wire.body_chunks(response)
        finally:
            response.close()


def _camera_path(camera_id: object) -> str:
    """A camera id safe in a path and a query: 1..64 letters, digits, ``-`` or ``_``."""
    if not isinstance(camera_id, str) or not 0 < len(camera_id) <= 64 or not all(
            c.isascii() and (c.isalnum() or c in "-_") for c in camera_id):
        raise errors.RequestRejected(f"{camera_id!r} is not a camera id")
    return camera_id


