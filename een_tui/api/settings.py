"""Connection settings of the EEN client and the rule that keeps plain HTTP on loopback."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from een_tui.api.credentials import check_secret
from een_tui.api.errors import ConfigurationError

DEFAULT_LOGIN_URL = "https://login.eagleeyenetworks.com"
EEN_DOMAIN = "eagleeyenetworks.com"


@dataclass(frozen=True)
class ConnectionSettings:
    """Where and how the client talks to EEN. ``api_url`` None = derived after login."""

    login_url: str = DEFAULT_LOGIN_URL
    api_url: str | None = None
    api_key: str | None = None
    timeout: float = 15.0  # seconds, connect and read, on every request
    retry_attempts: int = 4  # JSON calls: attempts in all (1 = no retry)
    retry_wait_max: float = 4.0  # seconds, the longest wait between JSON retries
    retry_after_max: float = 30.0  # seconds, the longest Retry-After honoured

    def __post_init__(self) -> None:
        object.__setattr__(self, "login_url", checked_base_url(self.login_url))
        if self.api_url is not None:
            object.__setattr__(self, "api_url", checked_base_url(self.api_url))
        if self.api_key is not None:
            check_secret(self.api_key, "the EEN API key (EEN_API_KEY or api_key)")
        if not 0 < self.timeout < math.inf:  # NaN fails too: every request has a timeout
            raise ConfigurationError("the timeout must be a positive number of seconds")

    def __repr__(self) -> str:  # never show the API key
        key = "set" if self.api_key else "none"
        return (
            f"ConnectionSettings(login_url={self.login_url!r}, api_url={self.api_url!r}, "
            f"api_key={key}, timeout={self.timeout})"
        )


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host.lower() in {"localhost", "localhost."}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def checked_base_url(url: str) -> str:
    """Validate a base URL (scheme, host, no credentials) and strip the trailing ``/``.

    Plain ``http://`` is refused for every host that is not loopback: the password and the
    session key would cross the network in clear text."""
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError("an EEN URL is empty")
    parts = urlsplit(url.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ConfigurationError(f"not an http(s) URL: {url!r}")
    if parts.username or parts.password:
        raise ConfigurationError("an EEN URL must not carry a user name or password")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigurationError(
            f"refusing plain http:// to {parts.hostname}: use https:// "
            "(plain http is allowed only to this machine, e.g. the emulator)"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def branded_api_url(login_url: str, subdomain: object) -> str:
    """The API base after authorize: ``https://{subdomain}.eagleeyenetworks.com`` when the login
    host is EEN's; any other login host (the emulator, a proxy) serves the API itself."""
    host = urlsplit(login_url).hostname or ""
    on_een = host == EEN_DOMAIN or host.endswith("." + EEN_DOMAIN)
    if on_een and isinstance(subdomain, str) and _is_dns_label(subdomain):
        return f"https://{subdomain.lower()}.{EEN_DOMAIN}"
    return login_url


def _is_dns_label(value: str) -> bool:
    return 0 < len(value) <= 63 and all(c.isalnum() or c == "-" for c in value)
