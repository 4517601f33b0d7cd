"""`een-tui download`: its options and their checks (usage errors, exit 2), and the run of
one camera, headless; a time range or several cameras run in
:mod:`een_tui.commands.download_many`.

Progress goes to stderr (a live line on a terminal, one line per file otherwise), the summary
too; ``--json`` prints the summary as JSON on stdout. Ctrl+C, SIGTERM and SIGHUP cancel cleanly:
saved files stay, ``.part`` files go, the summary is printed where there is somewhere to print
it, and the exit code is 128 + the signal number (130, 143, 129).
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from een_tui import exitcodes
from een_tui.api.status import CameraStatus
from een_tui.api.timestamps import is_esn
from een_tui.commands.arguments import (
    add_connection_options,
    add_download_options,
    bounded_int,
    describe,
)
from een_tui.download.options import MAX_COUNT, DownloadOptions

if TYPE_CHECKING:
    from een_tui.api.model import Camera
    from een_tui.download.range_spec import RangeSpec

log = logging.getLogger(__name__)

STATUSES = [s.value for s in CameraStatus]
RANGE_OPTIONS = ("since", "start", "end", "length", "every", "utc")

RANGE_HELP = """\
time range (times without an offset are in the camera's time zone; both ends included):
  --since 10m                              the last ten minutes
  --start 2026-12-01T09:00 --end 2026-12-01T09:05
  --start 2026-12-01T09:00 --length 5m     (or --end with --length; --length alone = the last)
  --every 10s                              at most one frame per 10 s (the first one kept)
  --count all                              every frame of the range (default: the first N)

many cameras (one pool of W workers for all of them, one folder per camera):
  --camera A,B,C   --all   --tag TAG   --status online   (--tag/--status also filter --all)
"""

DESCRIPTION = """\
Download N distinct preview images of one camera into DIR/<ESN>/<timestamp>.jpg with
W concurrent downloads. The camera is --camera ESN, or a random online camera that passes
a health check (--random, the default). With a time range or several cameras, one run
fetches from all of them with W downloads in flight in all; files already on disk are
not fetched again.

""" + RANGE_HELP


class OptionError(ValueError):
    """Options that do not parse or do not fit together: a usage error (exit 2)."""


def esn_list(text: str) -> list[str]:
    """``1000c4ae,1000c4af``: one or more ESNs, lower case, without repeats."""
    esns: list[str] = []
    for part in text.split(","):
        esn = part.strip().lower()
        if not is_esn(esn) or "\n" in part:
            raise argparse.ArgumentTypeError(f"{part.strip()!r} is not a camera ESN "
                                             "(8 hex characters)")
        if esn not in esns:
            esns.append(esn)
    return esns


def count_or_all(text: str) -> int | None:
    """``--count N`` (1 to MAX_COUNT) or ``all`` (None)."""
    if text.strip().lower() == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number nor 'all'") from None
    if not 1 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_COUNT}, or 'all'")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--camera", metavar="ESN[,ESN...]", type=esn_list,
                       help="the camera(s) to download from")
    which.add_argument(
        "--random",
        action="store_true",
        help="a random online camera that passes a health check (the default)",
    )
    add_selection_and_range(parser, which)
    add_download_options(parser, count_type=count_or_all)
    parser.add_argument(
        "--max-attempts",
        type=bounded_int(1, 10 * MAX_COUNT),
        default=None,
        metavar="N",
        help="total image requests allowed, retries included (default 3 x N + 10)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    add_connection_options(parser)


def add_selection_and_range(parser: argparse.ArgumentParser,
                            which: argparse._MutuallyExclusiveGroup) -> None:
    """The options of many cameras and of a time range (``--camera`` itself is the caller's)."""
    which.add_argument("--all", action="store_true",
                       help="every camera of the account (unusable ones reported and skipped)")
    parser.add_argument("--tag", action="append", metavar="TAG", default=None,
                        help="cameras with this tag (repeat for any of several)")
    parser.add_argument("--status", choices=STATUSES, default=None,
                        help="cameras in this state, e.g. online")
    group = parser.add_argument_group("time range")
    group.add_argument("--since", metavar="DURATION", help="the last DURATION (10m, 2h, 1d)")
    group.add_argument("--start", metavar="TIME", help="from TIME (2026-12-01T09:00[+01:00])")
    group.add_argument("--end", metavar="TIME", help="until TIME")
    group.add_argument("--length", metavar="DURATION", help="the range lasts DURATION")
    group.add_argument("--every", metavar="DURATION", help="at most one frame per DURATION")
    group.add_argument("--utc", action="store_true", help="times without an offset are UTC")


def range_spec(args: argparse.Namespace) -> RangeSpec | None:
    """The range of the command line (None: no range option given); OptionError on bad
    options."""
    if all(getattr(args, name) in (None, False) for name in RANGE_OPTIONS):
        return None  # the range parser and its time zones are loaded for a range only
    from een_tui.download.range_spec import RangeError, RangeSpec

    try:
        return RangeSpec.parse(since=args.since, start=args.start, end=args.end,
                               length=args.length, every=args.every, utc=args.utc)
    except RangeError as exc:
        raise OptionError(str(exc)) from None


def wants_fleet(args: argparse.Namespace, spec: RangeSpec | None) -> bool:
    """True when this run needs the many-camera runner; OptionError on bad combinations."""
    many = bool(args.all or args.tag or args.status or (args.camera and len(args.camera) > 1))
    if args.random and (many or spec is not None):
        raise OptionError("--random takes one camera and no range: use --camera, --all, --tag "
                          "or --status")
    if args.camera and (args.tag or args.status):
        raise OptionError("--tag and --status choose cameras: not with --camera")
    if args.count is None and spec is None:
        raise OptionError("--count all needs a time range (--since, --start ...)")
    if spec is not None and not (many or args.camera):
        raise OptionError("a time range needs --camera, --all, --tag or --status")
    return many or spec is not None


def configure(parser: argparse.ArgumentParser) -> None:
    """``een-tui download``: its help, options and ``run``."""
    describe(parser, DESCRIPTION, epilog=exitcodes.EPILOG)
    add_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Log in, pick the camera(s), download, print the summary; returns the exit code."""
    try:
        spec = range_spec(args)
        many = wants_fleet(args, spec)
    except OptionError as exc:
        print(f"een-tui download: error: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    if many:
        from een_tui.commands import download_many

        return download_many.run(args, spec)
    from een_tui.commands.common import connect
    from een_tui.commands.run_end import RunEnd
    from een_tui.download.camera_file import recording_camera_file
    from een_tui.download.engine import DownloadEngine
    from een_tui.download.headless import HeadlessPrinter, summary_dict
    from een_tui.download.plan_ahead import PlanAhead

    options = DownloadOptions(
        count=args.count,
        workers=args.workers,
        out_dir=args.out,
        attempt_budget=args.max_attempts,
    )
    printer = HeadlessPrinter(sys.stderr, summary=True)
    end = RunEnd(args, lambda message: _failure_summary(args, message))
    try:
        with connect(args, pool_size=options.workers) as backend:
            devices: list[Camera] = []
            camera = ahead = None
            if args.camera:  # one camera: its plan is asked for while it is looked up
                esn = args.camera[0]
                ahead = PlanAhead(backend, esn, options.count + options.spare_count)
                try:
                    camera = backend.find_device(esn)
                finally:
                    if camera is None:
                        ahead.cancel()
                if camera is None:
                    message = f"no camera with ESN {esn} in this account"
                    return end.fail(exitcodes.NO_USABLE_CAMERA, message)
            else:
                devices = list(backend.list_cameras().cameras)
            on_event = recording_camera_file(  # camera.json beside the images
                printer.handle, api=backend.api_version,
                on_error=lambda error: log.warning("cannot write camera.json: %s", error))
            engine = DownloadEngine(backend, options, on_event=on_event)
            result = end.run(
                lambda: engine.run(camera=camera, candidates=devices, plan_ahead=ahead),
                engine.cancel)
    except (KeyboardInterrupt, Exception) as exc:  # one line on stderr, never a traceback
        return end.failed(exc)
    return end.finished(result, summary_dict)


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
