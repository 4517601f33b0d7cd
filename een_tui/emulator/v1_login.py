"""v1 login: ``/g/aaa/{authenticate,two_factor_authenticate,authorize,isauth,logout}``."""

from __future__ import annotations

import logging
import secrets
import time
from ipaddress import ip_address

from werkzeug.routing import Rule

from een_tui.emulator.calls import Abort, Call
from een_tui.emulator.replies import Reply, cookie_date, empty_reply, error_reply, json_reply
from een_tui.emulator.sessions import MAX_TFA_FAILURES, Session
from een_tui.emulator.userobject import user_object
from een_tui.emulator.world import World

log = logging.getLogger(__name__)


def session_key(call: Call) -> str | None:
    """The v1 session key: the ``A`` parameter wins over the cookies."""
    params = call.legacy_params()
    if params.get("A"):
        return params["A"]
    cookies = call.request.cookies
    return cookies.get("auth_key") or cookies.get("videobank_sessionid")


class V1Login:
    """The v1 login endpoints and the session check every other v1 endpoint uses."""

    def __init__(self, world: World) -> None:
        self.world = world

    def rules(self) -> list[Rule]:
        """The routes of this module."""
        return [
            Rule("/g/aaa/authenticate", methods=["POST"], endpoint=self.authenticate),
            Rule("/g/aaa/two_factor_authenticate", methods=["POST"],
                 endpoint=self.two_factor_authenticate),
            Rule("/g/aaa/authorize", methods=["POST"], endpoint=self.authorize),
            Rule("/g/aaa/isauth", methods=["GET"], endpoint=self.isauth),
            Rule("/g/aaa/logout", methods=["GET", "POST"], endpoint=self.logout),
        ]

    def require_session(self, call: Call) -> Session:
        """The caller's live session; aborts with the real 401 when there is none."""
        session = self.world.login.session(session_key(call))
        if session is None:
            raise Abort(error_reply(401, "session expired", path=call.path, started=call.started))
        return session

    def _cookies(self, call: Call, value: str, max_age: int) -> list[str]:
        expires = cookie_date(time.time() + max_age)
        domain = cookie_domain(call.request.host)
        domain_part = f"; Domain={domain}" if domain else ""
        return [f"{name}={value}{domain_part}; expires={expires}; httponly; Max-Age={max_age}; "
                f"Path=/" for name in ("auth_key", "videobank_sessionid")]

    def authenticate(self, call: Call) -> Reply:
        """Step 1: username + password -> single-use token (plus TFA hints)."""
        body = call.body_dict()
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username:
            return error_reply(400, "username and password are required", path=call.path)
        user = self.world.account.users.get(username.lower())
        if user is None or not secrets.compare_digest(password, user.password):
            return error_reply(401, "invalid credentials", path=call.path)
        if user.username in self.world.login.locked:
            return error_reply(412, "user disabled", path=call.path)
        cfg = self.world.config
        lifetime = cfg.tfa_token_lifetime_s if user.two_factor else cfg.token_lifetime_s
        answer: dict[str, object] = {"token": self.world.login.new_token(user, lifetime)}
        if user.two_factor:
            answer["two_factor_authentication_code"] = {
                "sms": "*** *** " + (user.sms_phone or "")[-3:],
                "email": "***@" + user.username.split("@")[-1],
            }
        return json_reply(answer)

    def two_factor_authenticate(self, call: Call) -> Reply:
        """Step 1b (two-factor users): send the code by sms or email."""
        body = call.body_dict()
        token = self.world.login.token(body.get("token"))
        if token is None:
            return error_reply(400, "invalid token", path=call.path)
        kind = body.get("two_factor_authentication_type")
        if kind not in ("sms", "email"):
            return error_reply(415, "two factor authentication type not supported", path=call.path)
        if not token.user.two_factor:
            return error_reply(400, "two factor authentication is not enabled", path=call.path)
        token.code_sent = True
        log.info("emulator: two-factor code for %s sent by %s", token.user.username, kind)
        return json_reply({})

    def authorize(self, call: Call) -> Reply:
        """Step 2: token (+ code) -> user object and the session cookies."""
        body = call.body_dict()
        if not body.get("token"):
            return error_reply(400, "token is required", path=call.path)
        token = self.world.login.token(body.get("token"))
        if token is None:
            return error_reply(401, "invalid token", path=call.path)
        user = token.user
        if user.two_factor:
            if user.username in self.world.login.locked:
                return error_reply(429, "account locked", path=call.path)
            code = body.get("two_factor_authentication_code")
            if not code or not token.code_sent:
                return error_reply(401, "missing or expired two factor authentication code",
                                   path=call.path)
            if str(code) != self.world.tfa_code:
                failures = self.world.login.tfa_failures.get(user.username, 0) + 1
                self.world.login.tfa_failures[user.username] = failures
                if failures > MAX_TFA_FAILURES:
                    self.world.login.locked.add(user.username)
                    return error_reply(429, "account locked", path=call.path)
                return error_reply(406, "invalid two factor authentication code", path=call.path)
            self.world.login.tfa_failures.pop(user.username, None)
        token.used = True
        lifetime = self.world.config.session_lifetime_s
        session = self.world.login.new_session(user, lifetime)
        last_login = time.strftime("%Y%m%d%H%M%S.000", time.gmtime())
        answer = user_object(user, self.world.account.shared_camera_access(), last_login)
        cookies = self._cookies(call, session.key, max(0, int(lifetime) - 1))
        return json_reply(answer, cookies=cookies)

    def isauth(self, call: Call) -> Reply:
        """200 when the session is valid, 401 otherwise."""
        session = self.require_session(call)
        return json_reply({"user_id": session.user.user_id, "is_authenticated": True})

    def logout(self, call: Call) -> Reply:
        """End the session: 204 and cookies cleared."""
        key = session_key(call)
        if key:
            self.world.login.end(key)
        return empty_reply(204, cookies=self._cookies(call, "", 0))


def cookie_domain(host: str) -> str | None:
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
