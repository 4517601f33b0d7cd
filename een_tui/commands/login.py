"""`een-tui login`: log in and cache the login, for the commands that follow.

v1: the user name and password (and a two-factor code on a terminal); the session is cached.
v3: the browser login (OAuth2): the authorize address is printed; the login completes when the
browser's redirect reaches een-tui's loopback listener (directly, or through ``ssh -L``), or
when the address the browser ended on (or just the code) is pasted on standard input, a
terminal or a pipe. The tokens are cached.
"""

from __future__ import annotations

import argparse
import sys

from een_tui import exitcodes
from een_tui.commands.arguments import add_connection_options, describe

DESCRIPTION = """\
Log in to EEN and cache the login for the other commands.
  v1: user name and password (EEN_USERNAME, EEN_PASSWORD or --password-file, or prompts).
  v3: prints an address to open in a browser; log in there. een-tui then completes the
      login by itself when the browser's redirect reaches it (on this machine, or over SSH
      with 'ssh -L 3333:127.0.0.1:3333 host'), or paste the address the browser ended on
      (or just the code) here, on standard input. The code lives 5 minutes."""


def configure(parser: argparse.ArgumentParser) -> None:
    """``een-tui login``: its help, options and ``run``."""
    describe(parser, DESCRIPTION, epilog=exitcodes.EPILOG, allow_abbrev=False)
    add_connection_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Log in (fresh, whatever is cached) and say who is logged in."""
    from een_tui.api.credentials import stdin_is_terminal  # what running needs: see cli.py
    from een_tui.commands.common import (
        ask_two_factor_code,
        print_warning,
        quiet_ctrl_c,
        report_error,
        show_login_line,
    )
    from een_tui.connect import AccountConnection
    from een_tui.connect_demo import DemoConnection, demo_api
    from een_tui.logsetup import setup_logging

    connection: AccountConnection | DemoConnection | None = None
    try:
        setup_logging()
        quiet_ctrl_c()
        if args.demo:
            connection = DemoConnection(timeout=args.timeout, api=demo_api(args), pool_size=1)
            connection.open()
        else:
            terminal = stdin_is_terminal()
            connection = AccountConnection(args, pool_size=1, prompt=terminal,
                                           warn=print_warning)
            connection.login_on_terminal(ask_two_factor_code if terminal else None,
                                         login_input=sys.stdin, show=show_login_line)
        who = connection.username or "the EEN account"
        print(f"een-tui: logged in as {who} (EEN API {connection.api_version})",
              file=sys.stderr)
        return exitcodes.OK
    except (Exception, KeyboardInterrupt) as exc:
        return report_error(exc)
    finally:
        if connection is not None:
            connection.close()
