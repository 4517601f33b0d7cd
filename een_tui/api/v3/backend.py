"""EEN API v3 as a :class:`~een_tui.api.backend.Backend` (facts in docs/een-api-v3.md).

Timestamps cross this seam in the v1 text form the download layer names files by
(``YYYYMMDDhhmmss.mmm``, UTC): a planned timestamp is an *asked time* that
:meth:`V3Backend.open_image` sends as ``timestamp__lte``; the answer's ``X-Een-Timestamp``
comes back in the same form, so the engine deduplicates on the frame actually sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from een_tui.api import errors
from een_tui.api.backend import PreviewPlan, Retry
from een_tui.api.credentials import Credentials
from een_tui.api.model import Camera, CameraList
from een_tui.api.responses import ImageHeaders
from een_tui.api.retry_policy import RetryPolicy
from een_tui.api.secrets import register_secret
from een_tui.api.time_range import TimeRange
from een_tui.api.timestamps import format_een_timestamp, is_een_timestamp, parse_een_timestamp
from een_tui.api.v3.cameras import Bridge, bridge_from_row, camera_list
from een_tui.api.v3.client import V3Client
from een_tui.api.v3.login_flow import BrowserLogin, V3LoginFlow
from een_tui.api.v3.plan import V3Planner
from een_tui.api.v3.range import V3RangeCursor
from een_tui.api.v3.responses import DeviceUnavailable, FrameHeaders
from een_tui.api.v3.token_cache import TokenCache
from een_tui.api.v3.token_manager import TokenManager
from een_tui.api.v3.tokens import LoginNeeded, OAuthClient, TokenEndpoint

__all__ = ["V3Backend", "V3LoginFlow"]

log = logging.getLogger(__name__)

NEEDS_BROWSER = "EEN API v3 needs a login in a browser: run een-tui login"


class V3Backend:
    """EEN API v3 for one client id (or one static ``EEN_ACCESS_TOKEN``)."""

    api_version = "v3"

    def __init__(self, oauth: OAuthClient | None, *, cache: TokenCache | None = None,
                 api_url: str | None = None, static_token: str | None = None,
                 pool_size: int = 5, timeout: float = 15.0,
                 retry_policy: RetryPolicy | None = None,
                 browser_login: Callable[..., BrowserLogin] = BrowserLogin) -> None:
        if oauth is None and not static_token:
            raise errors.MissingCredentials("EEN API v3 needs a client id or EEN_ACCESS_TOKEN")
        self.oauth = oauth
        self.cache = cache
        self.api_url_override = api_url
        self.pool_size = pool_size
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy.for_json(4, 4.0, 30.0)
        self._browser_login = browser_login
        self.endpoint = TokenEndpoint(oauth) if oauth is not None else None
        self._client: V3Client | None = None
        self._planner: V3Planner | None = None
        self._user: dict[str, Any] | None = None
        if static_token:
            register_secret(static_token)
            self._adopt(TokenManager.static(static_token))

    # ------------------------------------------------------------------ login

    @property
    def client(self) -> V3Client:
        """The logged-in client; :class:`AuthError` before a login."""
        if self._client is None:
            raise errors.AuthError("not logged in to EEN (v3)")
        return self._client

    @property
    def username(self) -> str | None:
        """The login e-mail from ``/users/self``, once asked."""
        email = (self._user or {}).get("email")
        return email if isinstance(email, str) else None

    @property
    def display_name(self) -> str:
        """First and last name from ``/users/self`` (empty before it was asked)."""
        user = self._user or {}
        return " ".join(str(user.get(k) or "") for k in ("firstName", "lastName")).strip()

    def _adopt(self, tokens: TokenManager) -> None:
        if self._client is not None:
            self._client.close()
        self._client = V3Client(tokens, api_url=self.api_url_override, timeout=self.timeout,
                                pool_size=self.pool_size, retry_policy=self.retry_policy)
        self._planner = V3Planner(self._client)

    def resume(self) -> bool:
        """Use the static token, or the cached tokens when EEN still takes them (``/users/self``;
        a refresh on the way is fine). False when a login is needed."""
        if self._client is None and not self.resume_cached_only():
            return False
        try:
            self.user()
        except LoginNeeded:
            log.info("the cached v3 login is no longer valid")
            if self._client is not None:
                self._client.close()
            self._client = None
            return False
        return True

    def login(self, credentials: Credentials | None = None) -> None:
        """No v3 login works without a person: :class:`MissingCredentials` (exit code 3)."""
        raise errors.MissingCredentials(NEEDS_BROWSER)

    def login_flow(self, **options: Any) -> V3LoginFlow:
        """A fresh browser login; ``options`` go to :class:`BrowserLogin` (``listen``,
        ``listen_port``, ``env``, ``open_browser``)."""
        if self.oauth is None:
            raise errors.ConfigurationError("a v3 login needs a client id (EEN_CLIENT_ID)")
        login = self._browser_login(self.oauth, endpoint=self.endpoint, cache=self.cache,
                                    on_secret=register_secret, **options)
        return V3LoginFlow(login, self._adopt)

    def logout(self) -> None:
        """Revoke the login at EEN and delete the cached tokens."""
        if self._client is None and not self.resume_cached_only():
            return
        try:
            self.client.tokens.revoke()
        finally:
            self.close()
            self._client = None

    def resume_cached_only(self) -> bool:
        """Load the cached tokens without asking EEN (for logout); False when none."""
        if self.cache is None or self.oauth is None or self.endpoint is None:
            return False
        cached = self.cache.load(self.oauth.auth_url, self.oauth.client_id)
        if cached is None:
            return False
        self._adopt(TokenManager(cached.tokens, endpoint=self.endpoint, cache=self.cache,
                                 on_secret=register_secret))
        return True

    # ------------------------------------------------------------------ data

    def user(self) -> dict[str, Any]:
        """``/users/self`` (kept for "logged in as")."""
        self._user = self.client.user_self()
        return self._user

    def list_cameras(self) -> CameraList:
        """Every camera of every page, statuses mapped; the bridges (``/bridges``) as the
        list's other devices, like v1's (a bridge list EEN refuses leaves them out)."""
        listing = camera_list(self.client.camera_rows())
        try:
            bridges = self.list_bridges()
        except errors.EenError as exc:
            log.warning("no bridge list: %s", exc)
            return listing
        others = tuple(Camera(id=b.id, name=b.name, status=b.status, recording=None,
                              raw_status=b.raw_status, kind="bridge", is_camera=False)
                       for b in bridges)
        return replace(listing, others=others)

    def find_device(self, esn: str) -> Camera | None:
        """The camera or bridge with this id, from the full lists."""
        listing = self.list_cameras()
        wanted = esn.lower()
        return next((c for c in (*listing.cameras, *listing.others)
                     if isinstance(c.id, str) and c.id.lower() == wanted), None)

    def list_bridges(self) -> list[Bridge]:
        """Every bridge (bad rows skipped)."""
        bridges = []
        for row in self.client.bridge_rows():
            try:
                bridges.append(bridge_from_row(row))
            except ValueError:
                continue
        return bridges

    def plan_previews(self, esn: str, count: int, *, before: str | None = None,
                      exclude: Iterable[str] = (), call: Retry | None = None) -> PreviewPlan:
        """``count`` asked times, newest first (see :mod:`een_tui.api.v3.plan`); with
        ``before``: only older ones, empty when the camera has nothing older."""
        planner = self._require_planner()
        if before is None:
            live = (call or _direct)(self._live_frame_time, esn)
            times, source = planner.newest(esn, count, newest=live, call=call)
        else:
            if not is_een_timestamp(before):
                raise errors.ConfigurationError(f"{before!r} is not a timestamp")
            times, source = planner.before(esn, count, parse_een_timestamp(before), call=call)
        skip = set(exclude)
        stamps: list[str] = []
        for moment in times:
            stamp = format_een_timestamp(moment)
            if stamp not in skip and stamp not in stamps:
                stamps.append(stamp)
        return PreviewPlan(esn=esn, timestamps=tuple(stamps), source=source)

    def list_image_timestamps(self, esn: str, *, count: int, start: str = "now") -> list[str]:
        """The v1 planner's listing call, answered by the v3 plan (``count`` < 0: before
        ``start``), for download code that refills through it."""
        before = None if start == "now" else start
        return list(self.plan_previews(esn, abs(count), before=before).timestamps)

    @contextmanager
    def open_image(self, esn: str, timestamp: str
                   ) -> Iterator[tuple[ImageHeaders, Iterator[bytes]]]:
        """The newest preview at or before ``timestamp``, streamed; the headers name the frame
        actually sent."""
        if not is_een_timestamp(timestamp):
            raise errors.RequestRejected(f"{timestamp!r} is not a timestamp")
        asked = parse_een_timestamp(timestamp)
        with self.client.open_recorded_image(esn, at=asked) as (headers, chunks):
            # The frame's own time names the file and deduplicates: without it, or with one
            # after the asked time, the answer cannot be trusted to be a distinct frame.
            if headers.time is None:
                raise errors.ProtocolError("the image answer has no valid X-Een-Timestamp")
            if headers.time > asked + timedelta(milliseconds=1):
                raise errors.ProtocolError("the image answer is newer than the time asked for")
            yield _v1_headers(headers), chunks

    def plan_range(self, esn: str, time_range: TimeRange) -> V3RangeCursor:
        """The frames of ``esn`` in ``time_range``, walked W at a time; the cursor opens its
        own jobs (see :mod:`een_tui.api.v3.range`)."""
        planner = self._require_planner()
        return V3RangeCursor(self.client, esn, time_range, workers=self.pool_size,
                             settings=lambda call: planner.settings_of(esn, call))

    def shortfall_reason(self, esn: str) -> str | None:
        """Why the plan of ``esn`` found no more frames (e.g. an ``onDemand`` camera with few
        recorded previews), for the message of an incomplete run; None when it did not run
        out."""
        return self._planner.shortfall.get(esn) if self._planner is not None else None

    def check_live(self, esn: str) -> FrameHeaders:
        """The health check: ``liveImage`` answers (503 :class:`DeviceUnavailable` = the
        camera is not usable). The image itself is not read."""
        with self.client.open_live_image(esn) as (headers, _chunks):
            return headers

    def _live_frame_time(self, esn: str) -> datetime | None:
        """The health check before a plan: ``liveImage`` must answer (503: the camera is not
        usable, said at once, not retried); its frame time starts the plan (server clock)."""
        try:
            return self.check_live(esn).time
        except DeviceUnavailable as exc:
            raise errors.PlanFailed(f"the camera gives no live image: {exc}") from exc

    def close(self) -> None:
        """Close the connections (the cached login stays valid)."""
        if self._client is not None:
            self._client.close()

    def _require_planner(self) -> V3Planner:
        if self._planner is None:
            raise errors.AuthError("not logged in to EEN (v3)")
        return self._planner


def _direct(step: Callable[..., Any], *args: Any) -> Any:
    return step(*args)


def _v1_headers(headers: FrameHeaders) -> ImageHeaders:
    return ImageHeaders(
        timestamp=format_een_timestamp(headers.time) if headers.time is not None else None,
        prev=None, next=None, content_type=headers.content_type,
        content_length=headers.content_length)
