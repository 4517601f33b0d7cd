"""v3 tokens: the token endpoint (code exchange, refresh, revoke) and the one shared refresh.

Refresh tokens rotate: a refresh kills the old refresh token and the access token made with it.
So :class:`TokenManager` refreshes once for every caller that saw the same token (a generation
counter under a gevent lock); requests that were in flight with the old token simply retry with
the new one. The new tokens reach the cache before anyone can use them. The client secret goes
only into a Basic ``Authorization`` header, codes and tokens only into form bodies.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from een_tui.api import errors
from een_tui.api.secrets import register_secret
from een_tui.api.settings import checked_base_url, is_loopback_host
from een_tui.api.v3 import wire
from een_tui.api.v3.responses import read_problem
from een_tui.api.v3.token_cache import TokenSet

log = logging.getLogger(__name__)

DEFAULT_AUTH_URL = "https://auth.eagleeyenetworks.com"
SCOPE = "vms.all"
CODE_LIFETIME_S = 300.0  # an authorization code lives 5 minutes
DEFAULT_EXPIRES_IN_S = 3600.0  # when the answer has no usable expires_in
QUICK_REFRESH_WINDOW_S = 30.0
QUICK_REFRESHES_MAX = 2
_HOSTNAME_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
_TOKEN_RE = re.compile(r"[\x21-\x7e]{1,8192}")  # visible ASCII, no spaces


class CodeRejected(errors.AuthError):
    """The token endpoint refused the authorization code (wrong, used, or expired)."""


class LoginNeeded(errors.AuthError):
    """The tokens are gone (refresh refused, revoked, static token refused): log in again."""


@dataclass(frozen=True)
class OAuthClient:
    """Who we are to EEN's auth host. ``client_secret`` None = a public client (the id goes in
    the form body instead of Basic auth: how EEN authenticates public clients is unconfirmed)."""

    client_id: str
    client_secret: str | None
    redirect_uri: str
    auth_url: str = DEFAULT_AUTH_URL
    timeout: float = 15.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "auth_url", checked_base_url(self.auth_url))
        if not self.client_id or not _TOKEN_RE.fullmatch(self.client_id):
            raise errors.ConfigurationError("the v3 client id is empty or has odd characters")
        if not 0 < self.timeout < math.inf:
            raise errors.ConfigurationError("the timeout must be a positive number of seconds")

    def __repr__(self) -> str:  # never show the secret
        secret = "set" if self.client_secret else "none"
        return (f"OAuthClient(client_id={self.client_id!r}, client_secret={secret}, "
                f"redirect_uri={self.redirect_uri!r}, auth_url={self.auth_url!r})")


def api_url_from(base: object, auth_url: str) -> str | None:
    """``https://{hostname}[:port]`` from a ``httpsBaseUrl`` object; None when unusable. A
    loopback host named by a plain-http loopback auth host (the emulator) is reached over http."""
    if not isinstance(base, dict):
        return None
    host, port = base.get("hostname"), base.get("port", 443)
    if not isinstance(host, str) or not _HOSTNAME_RE.fullmatch(host):
        return None
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        return None
    scheme = "https"
    if is_loopback_host(host) and auth_url.startswith("http://"):
        scheme = "http"
    default = 443 if scheme == "https" else 80
    return checked_base_url(f"{scheme}://{host}" + ("" if port == default else f":{port}"))


class TokenEndpoint:
    """``/oauth2/token`` and ``/oauth2/revoke`` of one auth host, for one client."""

    def __init__(self, client: OAuthClient, *, session: requests.Session | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        register_secret(client.client_secret)  # never quoted by a log line or an error
        self._http = session or wire.new_session(2)
        self._clock = clock
        self.calls = 0  # token endpoint requests made (refresh sharing is visible here)

    def close(self) -> None:
        """Close the pooled connections."""
        self._http.close()

    def exchange_code(self, code: str, *, code_age_s: float) -> TokenSet:
        """Trade an authorization code for tokens; ``code_age_s`` (at most how old the code
        is) turns a refusal after 5 minutes into "the code expired"."""
        answer = self._post("token", {"grant_type": "authorization_code", "scope": SCOPE,
                                      "code": code, "redirect_uri": self.client.redirect_uri})
        status, body = answer
        if status in (400, 401):
            problem = read_problem(body)
            words = problem.message or problem.status
            said = f": {words}" if words else ""
            if code_age_s > CODE_LIFETIME_S or "expire" in (said or "").lower():
                raise CodeRejected("the login code expired (a code lives 5 minutes); "
                                   "run een-tui login again", status_code=status)
            raise CodeRejected(f"EEN refused the login code ({status}{said}); "
                               "run een-tui login again", status_code=status)
        return self._tokens(status, body, "code exchange")

    def refresh(self, refresh_token: str) -> TokenSet:
        """New tokens for a refresh token (which dies by this call: tokens rotate)."""
        status, body = self._post("token", {"grant_type": "refresh_token", "scope": SCOPE,
                                            "refresh_token": refresh_token})
        if status in (400, 401):
            raise LoginNeeded(f"the EEN login expired or was revoked ({status}); "
                              "run een-tui login again", status_code=status)
        return self._tokens(status, body, "token refresh")

    def revoke(self, token: str) -> None:
        """Revoke a token (a refresh token takes its access token with it)."""
        status, body = self._post("revoke", {"token": token})
        if status != 200:
            problem = read_problem(body)
            said = f": {problem.message}" if problem.message else ""
            raise errors.AuthError(f"EEN did not revoke the login ({status}{said})",
                                   status_code=status)

    def _post(self, what: str, form: dict[str, str]) -> tuple[int, bytes]:
        client = self.client
        auth: tuple[str, str] | None = None
        if client.client_secret:
            auth = (client.client_id, client.client_secret)
        else:
            form = {**form, "client_id": client.client_id}
        self.calls += 1
        response = wire.send(self._http, "POST", f"{client.auth_url}/oauth2/{what}",
                             timeout=client.timeout, data=form, auth=auth,
                             headers={"Accept": "application/json"})
        status = response.status_code
        body = wire.read_body(response, limit=256 * 1024)  # (no redirects: see send)
        if status == 429:
            raise errors.RateLimited("the EEN auth host says too many requests (429)")
        if status >= 500:
            raise errors.ServerError(f"the EEN auth host failed ({status})", status_code=status)
        if status == 403:
            raise errors.AuthError("EEN does not allow this client the vms.all scope (403)",
                                   status_code=403)
        return status, body

    def _tokens(self, status: int, body: bytes, what: str) -> TokenSet:
        if status != 200:
            raise errors.AuthError(f"the EEN {what} failed ({status})", status_code=status)
        data = _json_object(body, what)
        access, refresh = data.get("access_token"), data.get("refresh_token")
        if not isinstance(access, str) or not _TOKEN_RE.fullmatch(access):
            raise errors.ProtocolError(f"the {what} answer has no usable access_token")
        if refresh is not None and not (isinstance(refresh, str) and _TOKEN_RE.fullmatch(refresh)):
            raise errors.ProtocolError(f"the {what} answer has an unusable refresh_token")
        kind = data.get("token_type")
        if isinstance(kind, str) and kind.lower() != "bearer":
            raise errors.ProtocolError(f"the {what} answer is not a Bearer token")
        expires_in = data.get("expires_in")
        if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)) \
                or not 0 < expires_in < 366 * 86400:
            expires_in = DEFAULT_EXPIRES_IN_S
        now = self._clock()
        return TokenSet(access_token=access, refresh_token=refresh or None,
                        expires_at=now + float(expires_in), issued_at=now,
                        api_url=api_url_from(data.get("httpsBaseUrl"), self.client.auth_url))


def _json_object(body: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise errors.ProtocolError(f"the {what} answer is not valid JSON") from exc
    if not isinstance(data, dict):
        raise errors.ProtocolError(f"the {what} answer is not a JSON object")
    return data
