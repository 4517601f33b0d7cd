"""Settings: command-line flags > environment > config file > defaults; XDG paths via platformdirs.

The config file is ``~/.config/een-tui/config.toml`` (``$XDG_CONFIG_HOME``), for example::

    login_url = "https://login.eagleeyenetworks.com"
    username = "me@example.com"
    timeout = 15

The password is never read from the config file: use ``EEN_PASSWORD``, ``--password-file`` or the
prompt. The same holds for the v3 client secret (``EEN_CLIENT_SECRET``, ``--client-secret-file``
or ``client_secret_file``) and ``EEN_ACCESS_TOKEN``.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, BinaryIO

import platformdirs

from een_tui.api.errors import ConfigurationError
from een_tui.api.settings import DEFAULT_LOGIN_URL, ConnectionSettings

APP_NAME = "een-tui"
log = logging.getLogger(__name__)

# environment variable -> setting name
ENVIRONMENT = {
    "EEN_LOGIN_URL": "login_url",
    "EEN_API_URL": "api_url",
    "EEN_USERNAME": "username",
    "EEN_API_KEY": "api_key",
    "EEN_TIMEOUT": "timeout",
    "EEN_API": "api",
    "EEN_AUTH_URL": "auth_url",
    "EEN_CLIENT_ID": "client_id",
    "EEN_REDIRECT_URI": "redirect_uri",
}
CONFIG_KEYS = {"login_url", "api_url", "username", "api_key", "timeout", "session_cache",
               "api", "auth_url", "client_id", "redirect_uri", "client_secret_file", "graphics"}


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/een-tui``."""
    return platformdirs.user_config_path(APP_NAME)


def config_file() -> Path:
    """The TOML config file (may not exist)."""
    return config_dir() / "config.toml"


def state_dir() -> Path:
    """``$XDG_STATE_HOME/een-tui``: session cache and log file."""
    return platformdirs.user_state_path(APP_NAME)


def session_cache_dir() -> Path:
    """Where cached sessions live (mode 0700, files 0600)."""
    return state_dir() / "sessions"


def log_file() -> Path:
    """The log file (the only place logs go)."""
    return state_dir() / "een-tui.log"


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    """The config file's known keys; {} when it does not exist. Bad TOML: ConfigurationError."""
    path = path or config_file()
    try:
        with path.open("rb") as handle:
            data = _load_toml(handle, path)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigurationError(f"cannot read the config file {path}: {exc}") from exc
    unknown = sorted(set(data) - CONFIG_KEYS)
    if unknown:
        log.warning("config file %s: unknown keys ignored: %s", path, ", ".join(unknown))
    if "password" in data:
        log.warning("config file %s: 'password' is ignored (use EEN_PASSWORD)", path)
    if "client_secret" in data:
        log.warning("config file %s: 'client_secret' is ignored (use EEN_CLIENT_SECRET or "
                    "client_secret_file)", path)
    return {k: v for k, v in data.items() if k in CONFIG_KEYS}


def _load_toml(handle: BinaryIO, path: Path) -> dict[str, Any]:
    """The TOML document in ``handle``; bad TOML is a ConfigurationError. The parser is
    imported here: most runs have no config file."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"cannot read the config file {path}: {exc}") from exc


def resolve(flags: dict[str, Any], *, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Merge the layers: flags (None = not given) > environment > config file > defaults."""
    environ = os.environ if environ is None else environ
    merged: dict[str, Any] = {
        "login_url": DEFAULT_LOGIN_URL,
        "api_url": None,
        "username": None,
        "api_key": None,
        "timeout": 15.0,
        "session_cache": True,
    }
    merged.update(read_config_file())
    for variable, name in ENVIRONMENT.items():
        value = environ.get(variable)
        if value:
            merged[name] = value
    merged.update({k: v for k, v in flags.items() if v is not None})
    return merged


def graphics_setting(flag: str | None, *, environ: dict[str, str] | None = None) -> str:
    """How the UI draws images (``--graphics`` > ``EEN_GRAPHICS`` > ``graphics`` in the config
    file > ``auto``), not yet checked (see :func:`een_tui.ui.graphics.check_choice`)."""
    if flag:
        return flag
    environ = os.environ if environ is None else environ
    if environ.get("EEN_GRAPHICS"):
        return environ["EEN_GRAPHICS"]
    value = read_config_file().get("graphics")
    if value is not None and not isinstance(value, str):
        raise ConfigurationError("graphics in the config file must be a string")
    return value or "auto"


def connection_settings(values: dict[str, Any]) -> ConnectionSettings:
    """Build :class:`ConnectionSettings` from merged values, with clear errors for bad ones."""
    try:
        raw = values.get("timeout")
        timeout = 15.0 if raw is None or raw == "" else float(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"the timeout must be a number: {values.get('timeout')!r}") from exc
    for name in ("login_url", "api_url", "api_key"):
        if values.get(name) is not None and not isinstance(values[name], str):
            raise ConfigurationError(f"{name} must be a string")
    return ConnectionSettings(
        login_url=values.get("login_url") or DEFAULT_LOGIN_URL,
        api_url=values.get("api_url") or None,
        api_key=values.get("api_key") or None,
        timeout=timeout,
    )
