"""The command-line options the commands share (``--count --workers --out``, the connection
options) and bounded number types for argparse. Cheap to import: building the parser must not
load what running a command needs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from een_tui.download.limits import (
    DEFAULT_COUNT,
    DEFAULT_OUT_DIR,
    DEFAULT_WORKERS,
    MAX_COUNT,
    MAX_WORKERS,
)

CONNECTION_OPTIONS = "connection"


def _bounded(convert: Callable[[str], Any], noun: str, low: float,
             high: float | None) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
        if not (low <= value and (high is None or value <= high)):  # NaN fails too
            bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise argparse.ArgumentTypeError(f"must be {bounds}")
        return value

    return parse


def bounded_int(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (no upper bound when None)."""
    return _bounded(int, "a whole number", low, high)


def bounded_float(low: float, high: float | None = None) -> Callable[[str], float]:
    """An argparse type: a number from ``low`` to ``high`` (no upper bound when None)."""
    return _bounded(float, "a number", low, high)


TIMEOUT_SECONDS = bounded_float(0.001, 3600.0)  # every request has a finite timeout


def describe(parser: argparse.ArgumentParser, description: str, *, epilog: str | None = None,
             allow_abbrev: bool = True) -> None:
    """What a sub-command's ``--help`` says: ``description``, and when an ``epilog`` is given
    (the exit codes) both are printed as written. ``allow_abbrev`` False: no option may be
    shortened."""
    parser.description = description
    if epilog is not None:
        parser.epilog = epilog
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.allow_abbrev = allow_abbrev


def add_download_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup, *,
                         count_type: Callable[[str], Any] | None = None) -> None:
    """``--count --workers --out``: shared by ``een-tui download`` and the terminal UI
    (``count_type``: another parser of ``--count``, e.g. one that accepts ``all``)."""
    parser.add_argument("--count", type=count_type or bounded_int(1, MAX_COUNT),
                        default=DEFAULT_COUNT, metavar="N",
                        help=f"distinct images to save, 1 to {MAX_COUNT} (default {DEFAULT_COUNT})")
    parser.add_argument("--workers", type=bounded_int(1, MAX_WORKERS), default=DEFAULT_WORKERS,
                        metavar="W",
                        help=f"concurrent downloads, 1 to {MAX_WORKERS} "
                             f"(default {DEFAULT_WORKERS})")
    parser.add_argument("--out", type=output_folder, default=DEFAULT_OUT_DIR, metavar="DIR",
                        help="output folder; images go to DIR/<ESN>/ "
                             f"(default ./{DEFAULT_OUT_DIR})")


def output_folder(text: str) -> Path:
    """An argparse type: a folder name, never empty (``.`` names the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder (use . for the current one)")
    return Path(text)


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """``--login-url --api-url --username --password-file --no-session-cache --demo --timeout``."""
    group = parser.add_argument_group(
        CONNECTION_OPTIONS,
        "The password comes from EEN_PASSWORD, --password-file, or a prompt on a terminal "
        "(there is no --password flag). EEN_USERNAME, EEN_API_KEY, EEN_LOGIN_URL and "
        "EEN_API_URL are read too; flags win over the environment, which wins over "
        "~/.config/een-tui/config.toml.",
    )
    group.add_argument("--login-url", metavar="URL", default=None,
                       help="EEN login host (default https://login.eagleeyenetworks.com)")
    group.add_argument("--api-url", metavar="URL", default=None,
                       help="EEN API host (default: the account's branded host after login)")
    group.add_argument("--username", metavar="NAME", default=None, help="EEN user name")
    group.add_argument("--password-file", metavar="FILE", default=None,
                       help="read the password from the first line of FILE")
    group.add_argument("--no-session-cache", action="store_true", default=False,
                       help="neither reuse nor store the session")
    group.add_argument("--timeout", metavar="SECONDS", type=TIMEOUT_SECONDS, default=None,
                       help="network timeout of every request (default 15)")
    group.add_argument("--demo", action="store_true", default=False,
                       help="use the embedded EEN emulator and its demo account (no network)")
    group.add_argument("--password", nargs="?", action=RefusePasswordFlag, help=argparse.SUPPRESS)
    add_api_options(group)


def add_api_options(group: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--api --auth-url --client-id --client-secret-file --redirect-uri`` (EEN API v3)."""
    group.add_argument("--api", choices=("v1", "v3"), default=None,
                       help="EEN API version (EEN_API; default v3 when a v3 client id, "
                            "EEN_ACCESS_TOKEN or a cached v3 login exists, else v1)")
    group.add_argument("--auth-url", metavar="URL", default=None,
                       help="v3 auth host (EEN_AUTH_URL; default "
                            "https://auth.eagleeyenetworks.com)")
    group.add_argument("--client-id", metavar="ID", default=None,
                       help="v3 client id of your EEN application (EEN_CLIENT_ID)")
    group.add_argument("--client-secret-file", metavar="FILE", default=None,
                       help="read the v3 client secret from the first line of FILE "
                            "(or EEN_CLIENT_SECRET; never on the command line)")
    group.add_argument("--redirect-uri", metavar="URI", default=None,
                       help="v3 redirect URI registered with EEN (EEN_REDIRECT_URI; default "
                            "http://127.0.0.1:3333/callback)")
    group.add_argument("--client-secret", nargs="?", action=RefuseSecretFlag,
                       help=argparse.SUPPRESS)


class RefuseSecretFlag(argparse.Action):
    """``--client-secret`` exists only to say no, like ``--password``."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error("there is no --client-secret option (it would show in ps and shell "
                     "history): use EEN_CLIENT_SECRET or --client-secret-file FILE")


class RefusePasswordFlag(argparse.Action):
    """``--password`` exists only to say no (a password on the command line shows in ``ps``
    and in shell history) and to keep argparse from reading it as ``--password-file``."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error("there is no --password option (it would show in ps and shell history): "
                     "use EEN_PASSWORD, --password-file FILE, or the prompt")
