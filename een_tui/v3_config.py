"""Which EEN API a command uses, and the v3 settings: client id and secret, redirect URI, auth
host, a static ``EEN_ACCESS_TOKEN``, the token cache (flags > environment > config file).

``--api`` / ``EEN_API`` / ``api`` choose; without a choice it is v3 when a v3 client id, an
``EEN_ACCESS_TOKEN`` or cached v3 tokens exist, else v1. Secrets never come from the command
line or the config file's text: the client secret from ``EEN_CLIENT_SECRET`` or a file
(``--client-secret-file``, ``client_secret_file``), the access token from ``EEN_ACCESS_TOKEN``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from een_tui import config
from een_tui.api import errors
from een_tui.api.credentials import Warn, check_secret, read_password_file
from een_tui.api.settings import checked_base_url
from een_tui.api.v3 import TOKEN_FILE_PREFIX

if TYPE_CHECKING:  # the v3 modules are imported when v3 is used, not by every v1 command
    from een_tui.api.v3.backend import V3Backend
    from een_tui.api.v3.token_cache import TokenCache
    from een_tui.api.v3.tokens import OAuthClient

API_VERSIONS = ("v1", "v3")
DEFAULT_REDIRECT_URI = "http://127.0.0.1:3333/callback"  # what EEN's samples register
NO_CLIENT = ("EEN API v3 needs a client id: set EEN_CLIENT_ID or --client-id (the README says "
             "how to get one from EEN), or a token in EEN_ACCESS_TOKEN; or use --api v1")


def token_cache() -> TokenCache:
    """The v3 token files (beside the v1 sessions, mode 0700/0600)."""
    from een_tui.api.v3.token_cache import TokenCache

    return TokenCache(config.session_cache_dir())


def auth_url(values: Mapping[str, Any]) -> str:
    """The v3 auth host (default ``https://auth.eagleeyenetworks.com``), checked."""
    from een_tui.api.v3.tokens import DEFAULT_AUTH_URL

    url = values.get("auth_url") or DEFAULT_AUTH_URL
    if not isinstance(url, str):
        raise errors.ConfigurationError("auth_url must be a string")
    return checked_base_url(url)


def api_version(values: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> str:
    """``v1`` or ``v3`` (see the module docstring); a bad value is a ConfigurationError."""
    environ = os.environ if environ is None else environ
    chosen = values.get("api")
    if chosen:
        if chosen not in API_VERSIONS:
            raise errors.ConfigurationError(f"the API must be v1 or v3, not {chosen!r}")
        return str(chosen)
    if values.get("client_id") or environ.get("EEN_ACCESS_TOKEN"):
        return "v3"
    if not any(config.session_cache_dir().glob(f"{TOKEN_FILE_PREFIX}*.json")):
        return "v1"  # no v3 token file: the token cache (a v3 module) is not even imported
    return "v3" if token_cache().client_ids() else "v1"


def client_secret(values: Mapping[str, Any], environ: Mapping[str, str],
                  warn: Warn | None = None) -> str | None:
    """The client secret from ``--client-secret-file`` / ``client_secret_file`` or
    ``EEN_CLIENT_SECRET``; None for a public client."""
    path = values.get("client_secret_file")
    if path:
        try:
            return read_password_file(str(path), warn=warn)
        except errors.MissingCredentials as exc:
            raise errors.MissingCredentials(
                exc.message.replace("password", "client secret")) from None
    secret = environ.get("EEN_CLIENT_SECRET")
    return check_secret(secret, "EEN_CLIENT_SECRET") if secret else None


def oauth_client(values: Mapping[str, Any], *, timeout: float,
                 environ: Mapping[str, str] | None = None,
                 warn: Warn | None = None) -> OAuthClient | None:
    """Who een-tui is to EEN's auth host; the client id from the settings, else the only one
    with cached tokens; None when there is none."""
    environ = os.environ if environ is None else environ
    host = auth_url(values)
    client_id = values.get("client_id")
    if not client_id:
        cached = token_cache().client_ids(host)
        client_id = cached[0] if len(cached) == 1 else None
    if not client_id:
        return None
    redirect_uri = values.get("redirect_uri") or DEFAULT_REDIRECT_URI
    if not isinstance(redirect_uri, str) or not redirect_uri.startswith(("http://", "https://")):
        raise errors.ConfigurationError("the redirect URI must be an http:// or https:// address")
    from een_tui.api.v3.tokens import OAuthClient

    return OAuthClient(client_id=str(client_id),
                       client_secret=client_secret(values, environ, warn),
                       redirect_uri=redirect_uri, auth_url=host, timeout=timeout)


def v3_backend(values: Mapping[str, Any], *, pool_size: int, use_cache: bool = True,
               environ: Mapping[str, str] | None = None,
               warn: Warn | None = None) -> V3Backend:
    """A :class:`V3Backend` from merged settings (not logged in yet)."""
    environ = os.environ if environ is None else environ
    settings = config.connection_settings(dict(values))
    static = environ.get("EEN_ACCESS_TOKEN") or None
    if static:
        check_secret(static, "EEN_ACCESS_TOKEN")
    oauth = oauth_client(values, timeout=settings.timeout, environ=environ, warn=warn)
    if oauth is None and not static:
        raise errors.MissingCredentials(NO_CLIENT)
    from een_tui.api.v3.backend import V3Backend

    return V3Backend(oauth, cache=token_cache() if use_cache else None,
                     api_url=settings.api_url, static_token=static, pool_size=pool_size,
                     timeout=settings.timeout)
