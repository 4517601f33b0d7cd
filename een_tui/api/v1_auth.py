"""The three v1 login calls of :class:`~een_tui.api.client.EenClient` (docs/een-api-v1.md §1):
authenticate (user name and password), the two-factor code's delivery, and authorize (which
opens the session). :class:`~een_tui.api.v1_login.V1LoginFlow` drives them."""

from __future__ import annotations

import logging
from typing import Any

import requests

from een_tui.api import errors
from een_tui.api.auth_challenge import TWO_FACTOR_METHODS, AuthChallenge
from een_tui.api.credentials import Credentials
from een_tui.api.responses import login_error, two_factor_destinations
from een_tui.api.secrets import register_secret
from een_tui.api.settings import ConnectionSettings
from een_tui.api.transport import session_cookie
from een_tui.api.v1_http import error_details, read_json

log = logging.getLogger("een_tui.api.client")


class V1LoginCalls:
    """Mixed into :class:`EenClient`: the calls that log in (none sends the session)."""

    settings: ConnectionSettings
    username: str | None
    _credentials: Credentials | None

    def _send(self, method: str, url: str, *, params: dict[str, Any] | None = None,
              body: dict[str, Any] | None = None, stream: bool = False,
              with_session: bool = True, accept: str | None = None) -> requests.Response:
        raise NotImplementedError

    def _login(self, path: str) -> str:
        raise NotImplementedError

    def _start_session(self, auth_key: str, max_age: float | None, user: dict[str, Any],
                       username: str | None) -> None:
        raise NotImplementedError

    def authenticate(self, username: str, password: str) -> AuthChallenge:
        """Step 1: user name + password -> a single-use token (and two-factor destinations)."""
        register_secret(password)
        log.info("authenticating %s at %s", username, self.settings.login_url)
        response = self._send("POST", self._login("/g/aaa/authenticate"),
                              body={"username": username, "password": password},
                              with_session=False)
        if response.status_code != 200:
            message = error_details(response)
            raise login_error("authenticate", response.status_code, message, response.headers)
        data = read_json(response, "authenticate")
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise errors.ProtocolError("the authenticate answer has no token")
        two_factor = two_factor_destinations(data.get("two_factor_authentication_code"))
        self._credentials = Credentials(username, password)
        self.username = username
        return AuthChallenge(token=token, two_factor=two_factor or None, username=username)

    def send_two_factor_code(self, challenge: AuthChallenge, method: str) -> None:
        """Step 1b (two-factor accounts): ask EEN to send the code by ``sms`` or ``email``."""
        if method not in TWO_FACTOR_METHODS:
            raise errors.ConfigurationError(
                f"two-factor delivery must be sms or email, not {method!r}")
        log.info("asking EEN to send the two-factor code by %s", method)
        response = self._send("POST", self._login("/g/aaa/two_factor_authenticate"),
                              body={"token": challenge.token,
                                    "two_factor_authentication_type": method},
                              with_session=False)
        if response.status_code not in (200, 201, 204):
            message = error_details(response)
            raise login_error("two_factor", response.status_code, message, response.headers)
        response.close()

    def authorize(self, challenge: AuthChallenge, code: str | None = None) -> dict:
        """Step 2: token (+ code) -> the user object; keeps the session and picks the API host."""
        body: dict[str, Any] = {"token": challenge.token}
        if code is not None:
            code = code.strip()
            if not (len(code) == 4 and code.isdigit()):
                raise errors.TwoFactorFailed("the two-factor code must be 4 digits")
            body["two_factor_authentication_code"] = code
        response = self._send("POST", self._login("/g/aaa/authorize"), body=body,
                              with_session=False)
        if response.status_code != 200:
            message = error_details(response)
            raise login_error("authorize", response.status_code, message, response.headers)
        auth_key, max_age = session_cookie(response)
        user = read_json(response, "authorize")
        if not isinstance(user, dict):
            raise errors.ProtocolError("the authorize answer is not a user object")
        if not auth_key:
            raise errors.ProtocolError("the authorize answer set no auth_key session cookie")
        self._start_session(auth_key, max_age, user, challenge.username)
        return user
