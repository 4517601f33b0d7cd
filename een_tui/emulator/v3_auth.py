"""v3 auth host: ``/oauth2/authorize`` (a tiny login page), ``/oauth2/token``, ``/oauth2/revoke``,
and the bearer check every ``/api/v3.0`` endpoint uses."""

from __future__ import annotations

import secrets
from html import escape
from urllib.parse import urlencode

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from een_tui.emulator.calls import Abort, Call
from een_tui.emulator.devices import User
from een_tui.emulator.oauth import SCOPE, OAuthError, Tokens
from een_tui.emulator.replies import Reply
from een_tui.emulator.v3_replies import (
    html_reply,
    oauth_error,
    redirect_reply,
    v3_error,
    v3_json,
)
from een_tui.emulator.world import World

FORM_TYPE = "application/x-www-form-urlencoded"
_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Eagle Eye Networks (emulator) - sign in</title></head>
<body><h1>Sign in to Eagle Eye Networks (emulator)</h1>
<p>{message}</p>
<form method="post" action="/oauth2/authorize">
{hidden}
<label>Email <input name="username" value="{username}"></label>
<label>Password <input name="password" type="password"></label>
<button name="decision" value="approve" type="submit">Sign in and allow access</button>
<button name="decision" value="deny" type="submit">Deny</button>
</form></body></html>
"""
_AUTHORIZE_FIELDS = ("client_id", "response_type", "scope", "redirect_uri", "state")


class V3Auth:
    """The OAuth2 endpoints and the bearer check of the v3 API."""

    def __init__(self, world: World) -> None:
        self.world = world

    def rules(self) -> list[Rule]:
        """The routes of this module."""
        return [Rule("/oauth2/authorize", methods=["GET", "POST"], endpoint=self.authorize),
                Rule("/oauth2/token", methods=["POST"], endpoint=self.token),
                Rule("/oauth2/revoke", methods=["POST"], endpoint=self.revoke)]

    # -- bearer ----------------------------------------------------------------------------

    @staticmethod
    def bearer(request: Request) -> str | None:
        """The bearer token of the request, if any."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        return header[7:].strip() or None

    def require(self, call: Call) -> User:
        """The user of the request's live access token; aborts with the v3 401 otherwise."""
        user = self.world.oauth.user_of(self.bearer(call.request))
        if user is None:
            raise Abort(v3_error(401, path=call.path, method=call.request.method))
        return user

    # -- authorize (the browser step) ------------------------------------------------------

    def authorize(self, call: Call) -> Reply:
        """GET: the sign-in page; POST (the page's form): approve -> 302 with code and state."""
        request = call.request
        source = request.form if request.method == "POST" else request.args
        fields = {name: source.get(name, "") for name in _AUTHORIZE_FIELDS}
        client_id, redirect_uri = fields["client_id"], fields["redirect_uri"]
        if not self.world.oauth.known_redirect(client_id, redirect_uri):
            # Never redirect to an unregistered URI (RFC 6749 §4.1.2.1): say so on the page.
            return html_reply(400, _PAGE.format(
                message="Unknown client_id, or a redirect_uri that is not registered for it.",
                hidden="", username=""))
        if fields["response_type"] != "code":
            return self._back(fields, error="unsupported_response_type")
        if fields["scope"] != SCOPE:
            return self._back(fields, error="invalid_scope")
        hidden = "\n".join(f'<input type="hidden" name="{n}" value="{escape(fields[n])}">'
                           for n in _AUTHORIZE_FIELDS)
        if request.method == "GET":
            return html_reply(200, _PAGE.format(message="Sign in to allow een-tui to access "
                                                "your cameras.", hidden=hidden, username=""))
        if request.form.get("decision") == "deny":
            return self._back(fields, error="access_denied")
        username = request.form.get("username", "").strip().lower()
        user = self.world.account.users.get(username)
        password = request.form.get("password", "")
        if user is None or not secrets.compare_digest(password, user.password):
            return html_reply(401, _PAGE.format(message="Wrong email or password.",
                                                hidden=hidden, username=escape(username)))
        code = self.world.oauth.new_code(user, client_id, redirect_uri)
        return self._back(fields, code=code)

    @staticmethod
    def _back(fields: dict[str, str], **answer: str) -> Reply:
        """302 to the redirect URI with ``answer`` and the echoed ``state``."""
        params = dict(answer)
        if fields["state"]:
            params["state"] = fields["state"]
        uri = fields["redirect_uri"]
        return redirect_reply(uri + ("&" if "?" in uri else "?") + urlencode(params))

    # -- token and revoke ------------------------------------------------------------------

    def token(self, call: Call) -> Reply:
        """``authorization_code`` and ``refresh_token`` grants, Basic client authentication."""
        request = call.request
        try:
            client_id = self.world.oauth.client_from_basic(request.headers.get("Authorization"))
            form = self._form(request)
            if form.get("scope", SCOPE) != SCOPE:
                raise OAuthError(403, "invalid_scope", f"scope must be {SCOPE}")
            grant = form.get("grant_type", "")
            if grant == "authorization_code":
                if not form.get("code") or not form.get("redirect_uri"):
                    raise OAuthError(400, "invalid_request", "code and redirect_uri are required")
                tokens = self.world.oauth.redeem(form["code"], client_id, form["redirect_uri"])
            elif grant == "refresh_token":
                if not form.get("refresh_token"):
                    raise OAuthError(400, "invalid_request", "refresh_token is required")
                tokens = self.world.oauth.rotate(form["refresh_token"], client_id)
            else:
                raise OAuthError(400, "unsupported_grant_type", "unsupported grant_type")
        except OAuthError as exc:
            return oauth_error(exc.status, exc.error, exc.description)
        return self._tokens_reply(request, tokens)

    def revoke(self, call: Call) -> Reply:
        """Revoke a refresh token (and its access token) or an access token: 200."""
        request = call.request
        try:
            self.world.oauth.client_from_basic(request.headers.get("Authorization"))
        except OAuthError as exc:
            return oauth_error(exc.status, exc.error, exc.description)
        # The form body is the documented way; older docs put ?token= in the URL (still
        # accepted, and counted in the stats as a secret in a URL).
        token = request.form.get("token") or request.args.get("token")
        if not token:
            return oauth_error(400, "invalid_request", "token is required")
        self.world.oauth.revoke(token)
        return v3_json({})

    @staticmethod
    def _form(request: Request) -> dict[str, str]:
        if request.args:
            raise OAuthError(400, "invalid_request", "parameters belong in the form body")
        if request.mimetype != FORM_TYPE:
            raise OAuthError(400, "invalid_request", f"Content-Type must be {FORM_TYPE}")
        return {key: request.form[key] for key in request.form}

    def _tokens_reply(self, request: Request, tokens: Tokens) -> Reply:
        host, _, port = request.host.rpartition(":")
        if not host or not port.isdigit():
            host, port = request.host, "80"
        reply = v3_json({
            "access_token": tokens.access_token, "expires_in": tokens.expires_in,
            "refresh_token": tokens.refresh_token,
            "httpsBaseUrl": {"hostname": host.strip("[]"), "port": int(port)},
            "scope": SCOPE, "token_type": "Bearer",
        })
        reply.headers["Cache-Control"] = "no-store"
        return reply
