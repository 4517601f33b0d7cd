"""`een-tui download` over a time range and/or many cameras: the options, their checks (usage
errors, exit 2), the camera selection and the run (:class:`~een_tui.download.fleet.FleetRun`,
one pool of W workers for all cameras)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from een_tui import exitcodes
from een_tui.api.model import Camera
from een_tui.api.status import CameraStatus
from een_tui.api.timestamps import is_esn
from een_tui.download.events import FailureKind, RunOutcome
from een_tui.download.options import MAX_COUNT, DownloadOptions
from een_tui.download.range_spec import RangeError, RangeSpec

if TYPE_CHECKING:  # the runner's modules are imported by run(), not by the parser
    from een_tui.download.fleet import FleetFinished

STATUSES = [s.value for s in CameraStatus]

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


def add_arguments(parser: argparse.ArgumentParser, which: argparse._MutuallyExclusiveGroup
                  ) -> None:
    """The range and selection options (``--camera`` itself is the caller's)."""
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
    """The range of the command line (None: no range); RangeError on bad options."""
    return RangeSpec.parse(since=args.since, start=args.start, end=args.end,
                           length=args.length, every=args.every, utc=args.utc)


def wants_fleet(args: argparse.Namespace, spec: RangeSpec | None) -> bool:
    """True when this run needs the many-camera runner; RangeError on bad combinations."""
    many = bool(args.all or args.tag or args.status or (args.camera and len(args.camera) > 1))
    if args.random and (many or spec is not None):
        raise RangeError("--random takes one camera and no range: use --camera, --all, --tag "
                         "or --status")
    if args.camera and (args.tag or args.status):
        raise RangeError("--tag and --status choose cameras: not with --camera")
    if args.count is None and spec is None:
        raise RangeError("--count all needs a time range (--since, --start ...)")
    if spec is not None and not (many or args.camera):
        raise RangeError("a time range needs --camera, --all, --tag or --status")
    return many or spec is not None


def select(cameras: Sequence[Camera], others: Sequence[Camera], args: argparse.Namespace
           ) -> tuple[list[Camera], str | None]:
    """The chosen cameras, in order; and an error when an explicit ESN is not in the account
    (an explicit ESN of another device is chosen, then skipped with its reason)."""
    if args.camera:
        by_id = {str(c.id or "").lower(): c for c in [*cameras, *others]}
        chosen = []
        for esn in args.camera:
            if esn not in by_id:
                return [], f"no camera with ESN {esn} in this account"
            chosen.append(by_id[esn])
        return chosen, None
    chosen = list(cameras)
    if args.tag:
        wanted = {t.lower() for t in args.tag}
        chosen = [c for c in chosen
                  if wanted & {str(t).lower() for t in c.tags}]
    if args.status:
        chosen = [c for c in chosen if c.status is CameraStatus(args.status)]
    return chosen, None


def exit_code(result: FleetFinished) -> int:
    """0 all done, 130 cancelled, 5 some camera short or skipped, 4 none usable, 3 auth."""
    if result.outcome is RunOutcome.DONE:
        return exitcodes.OK
    if result.outcome is RunOutcome.CANCELLED:
        return exitcodes.INTERRUPTED
    if result.outcome is RunOutcome.INCOMPLETE:
        return exitcodes.INCOMPLETE
    return {FailureKind.NO_USABLE_CAMERA: exitcodes.NO_USABLE_CAMERA,
            FailureKind.AUTH: exitcodes.AUTH_FAILED}.get(result.error_kind, exitcodes.ERROR)


def run(args: argparse.Namespace, spec: RangeSpec | None) -> int:
    """Log in, choose the cameras, download, print the summary; returns the exit code."""
    from een_tui.commands.common import connect, error_message, report_error
    from een_tui.download.camera_file import recording_camera_file
    from een_tui.download.fleet import FleetRun
    from een_tui.download.fleet_report import FleetPrinter, fleet_summary_dict
    from een_tui.signals import ending_signals

    options = DownloadOptions(count=args.count or 1, workers=args.workers, out_dir=args.out,
                              attempt_budget=args.max_attempts)
    printer = FleetPrinter(sys.stderr)
    ended_by: list[int] = []  # the signal that cancelled the run, if one did
    try:
        with connect(args, pool_size=options.workers) as backend:
            listing = backend.list_cameras()
            cameras, problem = select(listing.cameras, listing.others, args)
            if problem is not None:
                return _fail(args, exitcodes.NO_USABLE_CAMERA, problem)
            if not cameras:
                return _fail(args, exitcodes.NO_USABLE_CAMERA, "no camera matches")
            on_event = recording_camera_file(  # camera.json beside each camera's images
                printer.handle, api=backend.api_version, cameras=cameras)
            fleet = FleetRun(backend, options, count=args.count, spec=spec, on_event=on_event)

            def stop(signum: int) -> None:  # Ctrl+C, SIGTERM, SIGHUP: the same clean end
                ended_by.append(signum)
                fleet.cancel()

            with ending_signals(stop):
                result = fleet.run(cameras)
    except (KeyboardInterrupt, Exception) as exc:  # one line on stderr, never a traceback
        code = report_error(exc)
        if args.json:
            print(json.dumps(_failure(error_message(exc)), indent=2))
        return code
    if args.json:
        with contextlib.suppress(OSError):  # stdout may be a terminal that hung up
            print(json.dumps(fleet_summary_dict(result), indent=2))
    if ended_by and result.outcome is RunOutcome.CANCELLED:
        return exitcodes.for_signal(ended_by[0])
    return exit_code(result)


def _fail(args: argparse.Namespace, code: int, message: str) -> int:
    print(f"een-tui: error: {message}", file=sys.stderr)
    if args.json:
        print(json.dumps(_failure(message), indent=2))
    return code


def _failure(message: str) -> dict:
    """The ``--json`` summary of a run that never started (same keys as a run's)."""
    return {"outcome": "failed", "cameras": [], "saved": 0, "fetched": 0, "workers": None,
            "elapsed_s": 0.0, "images_per_s": None, "out_dir": None, "error": message}
