"""`een-tui download` over a time range and/or many cameras: the camera selection and the run
(:class:`~een_tui.download.fleet.FleetRun`, one pool of W workers for all cameras). The options
and their checks are :mod:`een_tui.commands.download`'s."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from een_tui import exitcodes
from een_tui.api.model import Camera
from een_tui.api.status import CameraStatus
from een_tui.commands.common import connect
from een_tui.commands.run_end import RunEnd
from een_tui.download.camera_file import recording_camera_file
from een_tui.download.fleet import FleetRun
from een_tui.download.fleet_report import FleetPrinter, fleet_summary_dict
from een_tui.download.options import DownloadOptions

if TYPE_CHECKING:
    from een_tui.download.range_spec import RangeSpec


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


def run(args: argparse.Namespace, spec: RangeSpec | None) -> int:
    """Log in, choose the cameras, download, print the summary; returns the exit code."""
    options = DownloadOptions(count=args.count or 1, workers=args.workers, out_dir=args.out,
                              attempt_budget=args.max_attempts)
    printer = FleetPrinter(sys.stderr)
    end = RunEnd(args, _failure)
    try:
        with connect(args, pool_size=options.workers) as backend:
            listing = backend.list_cameras()
            cameras, problem = select(listing.cameras, listing.others, args)
            if problem is not None:
                return end.fail(exitcodes.NO_USABLE_CAMERA, problem)
            if not cameras:
                return end.fail(exitcodes.NO_USABLE_CAMERA, "no camera matches")
            on_event = recording_camera_file(  # camera.json beside each camera's images
                printer.handle, api=backend.api_version, cameras=cameras)
            fleet = FleetRun(backend, options, count=args.count, spec=spec, on_event=on_event)
            result = end.run(lambda: fleet.run(cameras), fleet.cancel)
    except (KeyboardInterrupt, Exception) as exc:  # one line on stderr, never a traceback
        return end.failed(exc)
    return end.finished(result, fleet_summary_dict)


def _failure(message: str) -> dict:
    """The ``--json`` summary of a run that never started (same keys as a run's)."""
    return {"outcome": "failed", "cameras": [], "saved": 0, "fetched": 0, "workers": None,
            "elapsed_s": 0.0, "images_per_s": None, "out_dir": None, "error": message}
