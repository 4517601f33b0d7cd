"""`een-tui emulator`: run the EEN emulator (v1 and v3 on one port) until Ctrl+C, printing its
URL, the demo credentials and the v3 demo client."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import TYPE_CHECKING

from een_tui import exitcodes
from een_tui.commands.arguments import bounded_float, bounded_int, describe

if TYPE_CHECKING:
    from een_tui.emulator import EmulatorConfig

LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}


PORT = bounded_int(0, 65535)
RATE = bounded_float(0.0, 1.0)
NON_NEGATIVE = bounded_float(0.0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command: one flag per emulator knob (its defaults are the emulator's)."""
    from een_tui.emulator import EmulatorConfig  # only this command needs the emulator

    d = EmulatorConfig()
    net = parser.add_argument_group("network")
    net.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    net.add_argument("--port", type=PORT, default=0,
                     help="port to bind (default 0 = any free port)")
    acc = parser.add_argument_group("account")
    acc.add_argument("--seed", type=int, default=d.seed,
                     help=f"seed of the deterministic demo account (default {d.seed})")
    acc.add_argument("--cameras", type=bounded_int(0), default=None, metavar="N",
                     help="N synthetic cameras (one bridge per 50) instead of the ~95-device "
                          "demo account, e.g. 10000 for scale tests")
    acc.add_argument("--test-mode", action="store_true",
                     help="fixed two-factor code 1234 and short proxy timeouts")
    acc.add_argument("--tfa-code", metavar="CODE", default=None,
                     help="fixed two-factor code (default: random, printed at start)")
    acc.add_argument("--preview-interval-ms", type=bounded_int(1), default=d.preview_interval_ms,
                     metavar="MS", help=f"one preview per MS per online camera "
                                        f"(default {d.preview_interval_ms})")
    acc.add_argument("--history", type=NON_NEGATIVE, default=d.history_s, metavar="SECONDS",
                     help=f"preview history per camera (default {d.history_s:g})")
    acc.add_argument("--session-lifetime", type=NON_NEGATIVE, default=d.session_lifetime_s,
                     metavar="SECONDS",
                     help=f"session lifetime (default {d.session_lifetime_s:g})")
    acc.add_argument("--token-lifetime", type=NON_NEGATIVE, default=d.token_lifetime_s,
                     metavar="SECONDS",
                     help=f"authenticate token lifetime (default {d.token_lifetime_s:g})")
    v3 = parser.add_argument_group("v3 (OAuth2 and /api/v3.0)")
    v3.add_argument("--v3-redirect-uri", action="append", default=None, metavar="URI",
                    help="a redirect URI registered for the demo client, compared as a string "
                         "(repeatable; default " + ", ".join(d.v3_redirect_uris) + ")")
    v3.add_argument("--v3-token-lifetime", type=NON_NEGATIVE,
                    default=d.v3_access_token_lifetime_s, metavar="SECONDS",
                    help=f"access token lifetime (default {d.v3_access_token_lifetime_s:g})")
    v3.add_argument("--v3-code-lifetime", type=NON_NEGATIVE, default=d.v3_code_lifetime_s,
                    metavar="SECONDS",
                    help=f"authorization code lifetime (default {d.v3_code_lifetime_s:g})")
    v3.add_argument("--v3-max-page-size", type=bounded_int(1), default=d.v3_max_page_size,
                    metavar="N", help=f"pageSize is clamped to 1..N (default {d.v3_max_page_size})")
    v3.add_argument("--v3-timestamps-z", action="store_true",
                    help="answer X-Een-Timestamp ending in Z instead of +00:00 (EEN uses both)")
    lat = parser.add_argument_group("latency")
    lat.add_argument("--latency-ms", type=NON_NEGATIVE, default=0.0, metavar="MS",
                     help="base latency of every request")
    lat.add_argument("--jitter-ms", type=NON_NEGATIVE, default=0.0, metavar="MS",
                     help="plus a random 0..MS per request")
    lat.add_argument("--image-latency-ms", type=NON_NEGATIVE, default=0.0, metavar="MS",
                     help="extra latency of image requests")
    lat.add_argument("--proxy-timeout", type=NON_NEGATIVE, default=None, metavar="SECONDS",
                     help="delay of the 504 for Internet Offline cameras "
                          "(default 10, 0.05 in test mode)")
    flt = parser.add_argument_group("faults (rates 0..1 per request on the fault paths)")
    flt.add_argument("--fault-5xx", type=RATE, default=0.0, metavar="RATE",
                     help="500/502/503/504 answers")
    flt.add_argument("--fault-401", type=RATE, default=0.0, metavar="RATE",
                     help="401 session expired mid-session")
    flt.add_argument("--fault-401-invalidates", action="store_true",
                     help="a faulted 401 also ends the session")
    flt.add_argument("--fault-429", type=RATE, default=0.0, metavar="RATE",
                     help="start a burst of 429 answers lasting --retry-after")
    flt.add_argument("--retry-after", type=NON_NEGATIVE, default=d.retry_after_s,
                     metavar="SECONDS", help=f"Retry-After of 429s (default {d.retry_after_s:g})")
    flt.add_argument("--fault-reset", type=RATE, default=0.0, metavar="RATE",
                     help="TCP connection reset")
    flt.add_argument("--fault-truncate", type=RATE, default=0.0, metavar="RATE",
                     help="truncated image body")
    flt.add_argument("--fault-non-jpeg", type=RATE, default=0.0, metavar="RATE",
                     help="200 image/jpeg answer whose body is not a JPEG")
    flt.add_argument("--fault-paths", default=",".join(d.fault_paths), metavar="PREFIXES",
                     help=f"comma-separated path prefixes the faults apply to "
                          f"(default {','.join(d.fault_paths)})")


def configure(parser: argparse.ArgumentParser) -> None:
    """``een-tui emulator``: its help, options and ``run``."""
    describe(parser, "Serve a faithful EEN emulator (API v1, and v3 with its OAuth2 auth host) "
                     "on loopback until Ctrl+C. It prints its URL, the demo credentials and the "
                     "v3 demo client.", allow_abbrev=False)
    add_arguments(parser)
    parser.set_defaults(run=run)


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    """The :class:`EmulatorConfig` the command line asks for."""
    from een_tui.emulator import EmulatorConfig

    prefixes = tuple(p.strip() for p in args.fault_paths.split(",") if p.strip())
    return EmulatorConfig(
        seed=args.seed, test_mode=args.test_mode, latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms, image_latency_ms=args.image_latency_ms,
        fault_5xx=args.fault_5xx, fault_401=args.fault_401, fault_429=args.fault_429,
        retry_after_s=args.retry_after, fault_reset=args.fault_reset,
        fault_truncate=args.fault_truncate, fault_non_jpeg=args.fault_non_jpeg,
        session_lifetime_s=args.session_lifetime, preview_interval_ms=args.preview_interval_ms,
        cameras=args.cameras, fault_paths=prefixes,
        fault_401_invalidates=args.fault_401_invalidates, token_lifetime_s=args.token_lifetime,
        history_s=args.history, proxy_timeout_s=args.proxy_timeout, tfa_code=args.tfa_code,
        v3_redirect_uris=tuple(args.v3_redirect_uri or EmulatorConfig().v3_redirect_uris),
        v3_access_token_lifetime_s=args.v3_token_lifetime,
        v3_code_lifetime_s=args.v3_code_lifetime, v3_max_page_size=args.v3_max_page_size,
        v3_timestamps_z=args.v3_timestamps_z,
    )


def run(args: argparse.Namespace) -> int:
    """Start the emulator, print how to use it, serve until SIGINT/SIGTERM."""
    import gevent
    from gevent.event import Event

    from een_tui.emulator import EmulatorServer

    if args.host not in LOOPBACK_HOSTS:
        print(f"een-tui: warning: serving plain http on {args.host}, not loopback",
              file=sys.stderr)
    server = EmulatorServer(config_from_args(args), host=args.host, port=args.port)
    try:
        server.start()
    except OSError as exc:
        print(f"een-tui: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return exitcodes.ERROR
    stop = Event()
    handlers = [gevent.signal_handler(sig, stop.set) for sig in (signal.SIGINT, signal.SIGTERM)]
    try:
        print(f"EEN emulator listening on {server.url}")
        print(f"  login and API URL: {server.url}")
        print(f"  demo user:        {server.demo_username}")
        print(f"  demo password:    {server.demo_password}")
        print(f"  two-factor user:  {server.tfa_username}")
        print(f"  two-factor pass:  {server.tfa_password}")
        print(f"  two-factor code:  {server.tfa_code}")
        print(f"  stats:            {server.url}/_emulator/stats")
        print("API v3 (auth host and API host are this same URL; plain http):")
        print(f"  authorize:        {server.url}/oauth2/authorize")
        print(f"  redirect URIs:    {', '.join(server.config.v3_redirect_uris)}")
        print(f"  demo client id:   {server.config.v3_client_id}")
        print(f"  demo secret:      {server.config.v3_client_secret}")
        print("  use it with:")
        print(f"    export EEN_API=v3 EEN_AUTH_URL={server.url} EEN_API_URL={server.url}")
        print(f"    export EEN_CLIENT_ID={server.config.v3_client_id}")
        print(f"    export EEN_CLIENT_SECRET={server.config.v3_client_secret}")
        print("Press Ctrl+C to stop.", flush=True)
        stop.wait()
    finally:
        for handler in handlers:
            handler.cancel()
        server.stop()
    print("emulator stopped", file=sys.stderr)
    return exitcodes.OK
