"""`een-tui cameras`: the account's cameras with their decoded status (table or JSON)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from een_tui import exitcodes
from een_tui.api.status import STATUS_ORDER, CameraStatus
from een_tui.commands.arguments import add_connection_options, describe
from een_tui.termenv import no_color_requested
from een_tui.ui.glyphs import UNICODE

if TYPE_CHECKING:
    from een_tui.api.model import Camera

DESCRIPTION = """\
List the account's cameras with their status decoded from the EEN status bitmask,
sorted by status then name: a table and a summary line on stdout, or with --json
an array of objects with id, name, type, status (online, off, internet_offline,
offline, password_needed, unknown), recording, status_bits (v1) or
connection_status (v3: the API's own value), is_unsupported, bridges and
usable. Colour only on a terminal, never with NO_COLOR set."""

# ANSI SGR colours per status, used only on a terminal without NO_COLOR.
_COLOURS = {
    CameraStatus.ONLINE: "32",
    CameraStatus.OFF: "2",
    CameraStatus.INTERNET_OFFLINE: "35",
    CameraStatus.OFFLINE: "31",
    CameraStatus.PASSWORD_NEEDED: "33",
    CameraStatus.UNKNOWN: "2",
}
RECORDING_MARK = "REC"
UNKNOWN_RECORDING = " – "
NAME_WIDTH = 40


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""
    parser.add_argument("--all", action="store_true",
                        help="include bridges and other devices, not only cameras")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON array (one object per device) for scripts")
    add_connection_options(parser)


def configure(parser: argparse.ArgumentParser) -> None:
    """``een-tui cameras``: its help, options and ``run``."""
    describe(parser, DESCRIPTION, epilog=exitcodes.EPILOG, allow_abbrev=False)
    add_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Log in, fetch the device list, print it."""
    from een_tui.commands.common import connect, report_error  # what running needs

    try:
        with connect(args, pool_size=1) as backend:
            listing = backend.list_cameras()
    except (Exception, KeyboardInterrupt) as exc:
        return report_error(exc)
    devices = [*listing.cameras, *(listing.others if args.all else ())]
    devices.sort(key=sort_key)
    try:
        if args.json:
            write_json(devices, sys.stdout)
        else:
            write_table(devices, sys.stdout, colour=use_colour(sys.stdout))
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return exitcodes.OK
    if listing.skipped:
        print(f"een-tui: warning: {listing.skipped} device rows could not be read "
              "(details in the log file)", file=sys.stderr)
    return exitcodes.OK


def sort_key(device: Camera) -> tuple[int, str, str]:
    """Status (healthy first), then name (case-insensitive), then ESN."""
    return STATUS_ORDER[device.status], device.name.casefold(), device.id or ""


def device_json(device: Camera) -> dict:
    """One element of ``--json``: stable machine names, the API's own status kept
    (``status_bits`` for v1, ``connection_status`` for v3)."""
    raw = device.raw_status
    return {
        "id": device.id,
        "name": device.name,
        "type": device.kind,
        "status": device.status.value,
        "status_label": device.status.label,
        "recording": device.recording,
        "status_bits": device.status_bits,
        "connection_status": raw if isinstance(raw, str) else None,
        "status_bit_names": list(device.extra.get("status_bit_names") or ()),
        "is_unsupported": not device.supported,
        "bridges": list(device.bridges),
        "usable": device.usable,
        "unusable_reason": device.unusable_reason,
        "service_status": device.extra.get("service_status"),
        "tags": list(device.tags),
        "timezone": device.timezone,
    }


def write_json(devices: list[Camera], out: TextIO) -> None:
    """The JSON array, one object per device."""
    json.dump([device_json(d) for d in devices], out, indent=2, ensure_ascii=False)
    out.write("\n")


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    if no_color_requested():
        return False
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


def write_table(devices: list[Camera], out: TextIO, *, colour: bool) -> None:
    """The human table, then one summary line of counts per status."""
    show_type = any(not d.is_camera for d in devices)
    status_width = max([len("STATUS")] + [len(d.status.label) + 2 for d in devices])
    header = [_pad("STATUS", status_width), "REC", _pad("NAME", NAME_WIDTH), _pad("ESN", 8)]
    if show_type:
        header.append(_pad("TYPE", 16))
    header.append("BRIDGE")
    out.write("  ".join(header).rstrip() + "\n")
    for device in devices:
        status = _pad(f"{UNICODE.status(device.status)} {device.status.label}", status_width)
        if colour:
            status = f"\x1b[{_COLOURS[device.status]}m{status}\x1b[0m"
        cells = [
            status,
            _recording_mark(device.recording),
            _pad(_clip(device.name, NAME_WIDTH), NAME_WIDTH),
            _pad(device.id or "-", 8),
        ]
        if show_type:
            cells.append(_pad(_clip(device.kind, 16), 16))
        cells.append(",".join(device.bridges) or "-")
        out.write("  ".join(cells).rstrip() + "\n")
    out.write(summary_line(devices) + "\n")


def summary_line(devices: list[Camera]) -> str:
    """``76 online, 2 off, ... (87 cameras, 80 usable)``."""
    counts = Counter(d.status for d in devices)
    parts = [f"{counts[s]} {s.label.lower()}" for s in CameraStatus if counts[s]]
    noun = "camera" if all(d.is_camera for d in devices) else "device"
    total = f"{len(devices)} {noun}{'' if len(devices) == 1 else 's'}"
    usable = sum(d.usable for d in devices)
    if not parts:
        return f"no {noun}s"
    return f"{', '.join(parts)} ({total}, {usable} usable for download)"


def _recording_mark(recording: bool | None) -> str:
    """``REC``, blank, or ``–`` centred when the API does not say (v3)."""
    if recording is None:
        return UNKNOWN_RECORDING
    return RECORDING_MARK if recording else "   "


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - len(text))


def _silence_stdout() -> None:
    """After a closed pipe (``| head``), keep Python from complaining at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
