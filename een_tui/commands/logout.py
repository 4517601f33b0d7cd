"""`een-tui logout`: end the cached EEN session on the server and delete the cache file."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from een_tui import exitcodes
from een_tui.commands.arguments import TIMEOUT_SECONDS, add_api_options, describe

if TYPE_CHECKING:
    from een_tui.api import errors
    from een_tui.api.session_cache import CachedSession, SessionCache
    from een_tui.api.settings import ConnectionSettings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""
    parser.add_argument("--login-url", metavar="URL", default=None,
                        help="EEN login host (default https://login.eagleeyenetworks.com)")
    parser.add_argument("--api-url", metavar="URL", default=None, help="EEN API host")
    parser.add_argument("--username", metavar="NAME", default=None,
                        help="log out this user only (default: every cached user of the host)")
    parser.add_argument("--timeout", metavar="SECONDS", type=TIMEOUT_SECONDS, default=None,
                        help="network timeout (default 15)")
    add_api_options(parser)


def configure(parser: argparse.ArgumentParser) -> None:
    """``een-tui logout``: its help, options and ``run``."""
    describe(parser, "End the cached EEN session on the server and delete the session cache "
                     "file.", allow_abbrev=False)
    add_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Log out every matching cached session; the cache files are removed in any case."""
    from een_tui import config, v3_config  # what running needs (not --help): see cli.py
    from een_tui.api.session_cache import SessionCache
    from een_tui.commands.common import connection_flags, quiet_ctrl_c, report_error
    from een_tui.logsetup import setup_logging

    try:
        setup_logging()
        quiet_ctrl_c()
        values = config.resolve(connection_flags(args))
        if v3_config.api_version(values) == "v3":
            return _logout_v3(values)
        settings = config.connection_settings(values)
        cache = SessionCache(config.session_cache_dir())
        sessions = cache.sessions_for(settings.login_url)
        if values.get("username"):
            sessions = [s for s in sessions if s.username == values["username"]]
        if not sessions:
            print("een-tui: no cached session to log out", file=sys.stderr)
            return exitcodes.OK
        failure: errors.EenError | None = None
        for session in sessions:
            failure = _logout_one(settings, cache, session) or failure
        if failure is not None:
            print("een-tui: the local session was deleted, but EEN could not be told: "
                  f"{failure.message}", file=sys.stderr)
            return exitcodes.ERROR
        names = ", ".join(s.username for s in sessions)
        print(f"een-tui: logged out {names}", file=sys.stderr)
        return exitcodes.OK
    except (Exception, KeyboardInterrupt) as exc:
        return report_error(exc)


def _logout_one(settings: ConnectionSettings, cache: SessionCache,
                session: CachedSession) -> errors.EenError | None:
    """Log one cached session out; returns the error when EEN could not be told."""
    from een_tui.api import errors
    from een_tui.api.client import EenClient

    client = EenClient(settings, session_cache=cache, pool_size=1)
    client.username = session.username
    try:
        if not session.is_expired():
            client.adopt_session(session)
        client.logout()
    except (errors.NetworkError, errors.ServerError, errors.RequestRejected,
            errors.RateLimited) as exc:
        return exc
    finally:
        cache.delete(session.login_url, session.username)
        client.close()
    return None


def _logout_v3(values: dict) -> int:
    """Revoke the cached v3 login at ``/oauth2/revoke`` and delete the cached tokens (they go
    whatever EEN answers)."""
    from een_tui import v3_config
    from een_tui.api import errors

    environ = {k: v for k, v in os.environ.items() if k != "EEN_ACCESS_TOKEN"}
    try:
        backend = v3_config.v3_backend(values, pool_size=1, environ=environ)
    except errors.MissingCredentials:  # no client id given, and none with cached tokens
        backend = None
    if backend is None or not backend.resume_cached_only():
        print("een-tui: no cached v3 login to log out", file=sys.stderr)
        return exitcodes.OK
    try:
        backend.logout()
    except (errors.NetworkError, errors.ServerError, errors.AuthError,
            errors.RateLimited) as exc:
        print("een-tui: the local login was deleted, but EEN could not be told: "
              f"{exc.message}", file=sys.stderr)
        return exitcodes.ERROR
    print("een-tui: logged out (EEN API v3; the login was revoked)", file=sys.stderr)
    return exitcodes.OK
