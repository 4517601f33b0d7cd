"""`een-tui download`: download N distinct preview images of one camera, headless.

Progress goes to stderr (a live line on a terminal, one line per file otherwise), the summary
too; ``--json`` prints the summary as JSON on stdout. Ctrl+C, SIGTERM and SIGHUP cancel cleanly:
saved files stay, ``.part`` files go, the summary is printed where there is somewhere to print
it, and the exit code is 128 + the signal number (130, 143, 129).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from typing import TYPE_CHECKING

from een_tui import exitcodes
from een_tui.commands import download_many
from een_tui.commands.arguments import add_connection_options, add_download_options, bounded_int
from een_tui.download.events import FailureKind, RunFinished, RunOutcome
from een_tui.download.options import MAX_COUNT, DownloadOptions
from een_tui.download.range_spec import RangeError

if TYPE_CHECKING:
    from een_tui.api.model import Camera

log = logging.getLogger(__name__)

DESCRIPTION = """\
Download N distinct preview images of one camera into DIR/<ESN>/<timestamp>.jpg with
W concurrent downloads. The camera is --camera ESN, or a random online camera that passes
a health check (--random, the default). With a time range or several cameras, one run
fetches from all of them with W downloads in flight in all; files already on disk are
not fetched again.

""" + download_many.RANGE_HELP


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--camera", metavar="ESN[,ESN...]", type=download_many.esn_list,
                       help="the camera(s) to download from")
    which.add_argument(
        "--random",
        action="store_true",
        help="a random online camera that passes a health check (the default)",
    )
    download_many.add_arguments(parser, which)
    add_download_options(parser, count_type=download_many.count_or_all)
    parser.add_argument(
        "--max-attempts",
        type=bounded_int(1, 10 * MAX_COUNT),
        default=None,
        metavar="N",
        help="total image requests allowed, retries included (default 3 x N + 10)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    add_connection_options(parser)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``een-tui download``."""
    p = sub.add_parser(
        "download",
        help="download distinct preview images of one camera",
        description=DESCRIPTION,
        epilog=exitcodes.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(p)
    p.set_defaults(run=run)


def exit_code_for_result(result: RunFinished) -> int:
    """0 all saved, 130 cancelled, 5 fewer than asked, 4 no camera, 3 auth, else 1."""
    if result.outcome is RunOutcome.DONE:
        return exitcodes.OK
    if result.outcome is RunOutcome.CANCELLED:
        return exitcodes.INTERRUPTED
    if result.outcome is RunOutcome.INCOMPLETE:
        return exitcodes.INCOMPLETE
    return {
        FailureKind.NO_USABLE_CAMERA: exitcodes.NO_USABLE_CAMERA,
        FailureKind.AUTH: exitcodes.AUTH_FAILED,
    }.get(result.error_kind, exitcodes.ERROR)


def _find_camera(devices: list[Camera], esn: str) -> Camera | None:
    for device in devices:
        if isinstance(device.id, str) and device.id.lower() == esn:
            return device
    return None


def run(args: argparse.Namespace) -> int:
    """Log in, pick the camera(s), download, print the summary; returns the exit code."""
    try:
        spec = download_many.range_spec(args)
        many = download_many.wants_fleet(args, spec)
    except RangeError as exc:
        print(f"een-tui download: error: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    if many:
        return download_many.run(args, spec)
    from een_tui.commands.common import connect, error_message, report_error
    from een_tui.download.camera_file import recording_camera_file
    from een_tui.download.engine import DownloadEngine
    from een_tui.download.headless import HeadlessPrinter, summary_dict
    from een_tui.signals import ending_signals

    options = DownloadOptions(
        count=args.count,
        workers=args.workers,
        out_dir=args.out,
        attempt_budget=args.max_attempts,
    )
    printer = HeadlessPrinter(sys.stderr, summary=True)
    ended_by: list[int] = []  # the signal that cancelled the run, if one did
    try:
        with connect(args, pool_size=options.workers) as backend:
            listing = backend.list_cameras()
            devices = list(listing.cameras)
            camera = None
            if args.camera:
                camera = _find_camera([*devices, *listing.others], args.camera[0])
                if camera is None:
                    message = f"no camera with ESN {args.camera[0]} in this account"
                    return _fail(args, exitcodes.NO_USABLE_CAMERA, message)
            on_event = recording_camera_file(  # camera.json beside the images
                printer.handle, api=backend.api_version,
                on_error=lambda error: log.warning("cannot write camera.json: %s", error))
            engine = DownloadEngine(backend, options, on_event=on_event)

            def stop(signum: int) -> None:  # Ctrl+C, SIGTERM, SIGHUP: the same clean end
                ended_by.append(signum)
                engine.cancel()

            with ending_signals(stop):
                result = engine.run(camera=camera, candidates=devices)
    except (KeyboardInterrupt, Exception) as exc:  # one line on stderr, never a traceback
        code = report_error(exc)
        if args.json:
            print(json.dumps(_failure_summary(args, error_message(exc)), indent=2))
        return code
    if args.json:
        with contextlib.suppress(OSError):  # stdout may be a terminal that hung up
            print(json.dumps(summary_dict(result), indent=2))
    if ended_by and result.outcome is RunOutcome.CANCELLED:
        return exitcodes.for_signal(ended_by[0])
    return exit_code_for_result(result)


def _fail(args: argparse.Namespace, code: int, message: str) -> int:
    print(f"een-tui: error: {message}", file=sys.stderr)
    if args.json:
        print(json.dumps(_failure_summary(args, message), indent=2))
    return code


def _failure_summary(args: argparse.Namespace, message: str) -> dict:
    """The ``--json`` summary of a run that never started (same keys as a run's)."""
    return {
        "outcome": "failed",
        "camera": None,
        "requested": args.count,
        "saved": 0,
        "new": 0,
        "already_on_disk": 0,
        "files": [],
        "new_files": [],
        "failures": {},
        "elapsed_s": 0.0,
        "images_per_s": None,
        "out_dir": None,
        "error": message,
    }
