"""v3 OAuth2 state: authorization codes, access tokens, rotating refresh tokens, revocation.

Codes live ``v3_code_lifetime_s`` (5 min) and work once; a refresh rotates the refresh token and
kills the access token issued with the old one (een-api-v3.md §2). Every secret handed out is
remembered so the emulator can count those that later show up in a request URL.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import time
from dataclasses import dataclass

from een_tui.emulator.config import EmulatorConfig
from een_tui.emulator.devices import User

SCOPE = "vms.all"
_WORD = re.compile(r"[A-Za-z0-9._~-]+")


class OAuthError(Exception):
    """A refused token request: HTTP status, RFC 6749 ``error`` code and description."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


@dataclass
class Code:
    """An authorization code: single use, short-lived, bound to client and redirect URI."""

    user: User
    client_id: str
    redirect_uri: str
    expires_at: float
    used: bool = False
    refresh_token: str | None = None  # what it was exchanged for (revoked if it is replayed)


@dataclass
class Grant:
    """A live refresh token and the access token issued with it."""

    user: User
    client_id: str
    access_token: str


@dataclass
class Access:
    """A live access token."""

    user: User
    expires_at: float
    refresh_token: str


@dataclass(frozen=True)
class Tokens:
    """What the token endpoint answers."""

    access_token: str
    refresh_token: str
    expires_in: int


class OAuthState:
    """All v3 login state, in memory."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.codes: dict[str, Code] = {}
        self.grants: dict[str, Grant] = {}
        self.access: dict[str, Access] = {}
        self._secrets: dict[str, str] = {}  # every secret handed out -> its kind

    # -- clients ---------------------------------------------------------------------------

    def client_from_basic(self, header: str | None) -> str:
        """The client id of a valid ``Authorization: Basic`` header; OAuthError otherwise."""
        if not header or not header.startswith("Basic "):
            raise OAuthError(401, "invalid_client", "client authentication required")
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError(401, "invalid_client", "malformed client credentials") from None
        client_id, _, secret = decoded.partition(":")
        cfg = self.config
        if not (secrets.compare_digest(client_id, cfg.v3_client_id)
                and secrets.compare_digest(secret, cfg.v3_client_secret)):
            raise OAuthError(401, "invalid_client", "invalid client credentials")
        return client_id

    def known_redirect(self, client_id: str, redirect_uri: str) -> bool:
        """True when ``redirect_uri`` is registered for ``client_id`` (string comparison)."""
        cfg = self.config
        return client_id == cfg.v3_client_id and redirect_uri in cfg.v3_redirect_uris

    # -- codes and tokens ------------------------------------------------------------------

    def new_code(self, user: User, client_id: str, redirect_uri: str) -> str:
        """Issue an authorization code."""
        code = self._secret("code", 24)
        self.codes[code] = Code(user, client_id, redirect_uri,
                                time.time() + self.config.v3_code_lifetime_s)
        return code

    def redeem(self, code: str, client_id: str, redirect_uri: str) -> Tokens:
        """Exchange a code for tokens (once); a replayed code also revokes what it gave."""
        entry = self.codes.get(code)
        if entry is None or entry.client_id != client_id:
            raise OAuthError(401, "invalid_grant", "invalid authorization code")
        if entry.used:
            if entry.refresh_token:
                self.revoke(entry.refresh_token)
            raise OAuthError(401, "invalid_grant", "authorization code already used")
        if entry.expires_at <= time.time():
            raise OAuthError(401, "invalid_grant", "authorization code expired")
        if redirect_uri != entry.redirect_uri:
            raise OAuthError(400, "invalid_grant", "redirect_uri does not match")
        entry.used = True
        tokens = self._issue(entry.user, client_id)
        entry.refresh_token = tokens.refresh_token
        return tokens

    def rotate(self, refresh_token: str, client_id: str) -> Tokens:
        """Use a refresh token: it dies, so does its access token; a new pair is issued."""
        grant = self.grants.get(refresh_token)
        if grant is None or grant.client_id != client_id:
            raise OAuthError(401, "invalid_grant", "invalid, revoked or already used refresh token")
        self.revoke(refresh_token)
        return self._issue(grant.user, client_id)

    def revoke(self, token: str) -> None:
        """Revoke a refresh token (and its access token) or one access token; unknown: no-op."""
        grant = self.grants.pop(token, None)
        if grant is not None:
            self.access.pop(grant.access_token, None)
            return
        self.access.pop(token, None)

    def user_of(self, access_token: str | None) -> User | None:
        """The user of a live access token; None when unknown, revoked or expired."""
        if not access_token:
            return None
        entry = self.access.get(access_token)
        if entry is None or entry.expires_at <= time.time():
            return None
        return entry.user

    def _issue(self, user: User, client_id: str) -> Tokens:
        lifetime = self.config.v3_access_token_lifetime_s
        access = self._secret("access token", 32, prefix="eyJraWQiOiJlbXUifQ.")
        refresh = self._secret("refresh token", 32)
        self.access[access] = Access(user, time.time() + lifetime, refresh)
        self.grants[refresh] = Grant(user, client_id, access)
        return Tokens(access, refresh, max(0, int(lifetime) - 2))

    # -- secrets in URLs -------------------------------------------------------------------

    def _secret(self, kind: str, size: int, prefix: str = "") -> str:
        value = prefix + secrets.token_urlsafe(size)
        self._secrets[value] = kind
        return value

    def secret_kinds_in(self, text: str) -> list[str]:
        """Kinds of the secrets (ours or the client secret) that appear in ``text``."""
        kinds = [self._secrets[w] for w in _WORD.findall(text) if w in self._secrets]
        if self.config.v3_client_secret and self.config.v3_client_secret in text:
            kinds.append("client secret")
        return kinds
