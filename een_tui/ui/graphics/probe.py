"""Ask the terminal what it can draw, with a short timeout, on a tty fd in raw mode (restored
after). Run it before urwid starts, so urwid does not read the answers as keys.

Queries, in order: kitty graphics (a 1x1 query image), XTVERSION, the cell size in pixels
(``CSI 16 t``) and last the primary device attributes (DA1), which every terminal answers, so
the DA1 answer ends the wait early; a terminal that answers nothing costs only the timeout."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import termios
import time
from dataclasses import dataclass

KITTY_QUERY = b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
XTVERSION_QUERY = b"\x1b[>0q"
CELL_QUERY = b"\x1b[16t"
DA1_QUERY = b"\x1b[c"
QUERIES = KITTY_QUERY + XTVERSION_QUERY + CELL_QUERY + DA1_QUERY
TIMEOUT = 0.15

_KITTY = re.compile(rb"\x1b_Gi=31;([^\x1b]*)\x1b\\")
_DA1 = re.compile(rb"\x1b\[\?([0-9;]*)c")
_XTVERSION = re.compile(rb"\x1bP>\|([^\x1b]*)\x1b\\")
_CELL = re.compile(rb"\x1b\[6;([0-9]{1,5});([0-9]{1,5})t")


@dataclass(frozen=True)
class CellSize:
    """One character cell in pixels."""

    width: int = 10
    height: int = 20


DEFAULT_CELL = CellSize()


@dataclass(frozen=True)
class Answers:
    """What the terminal said; ``da1`` is None when it said nothing in time."""

    kitty: bool = False
    da1: tuple[int, ...] | None = None
    version: str = ""
    cell: CellSize | None = None

    @property
    def sixel(self) -> bool:
        """Attribute 4 in the DA1 answer: the terminal draws Sixel."""
        return self.da1 is not None and 4 in self.da1


def parse_answers(data: bytes) -> Answers:
    """The answers found in what the terminal sent back (anything else is ignored)."""
    kitty = _KITTY.search(data)
    da1 = _DA1.search(data)
    version = _XTVERSION.search(data)
    cell = _CELL.search(data)
    size = None
    if cell:
        height, width = int(cell.group(1)), int(cell.group(2))
        if 0 < width <= 1000 and 0 < height <= 1000:
            size = CellSize(width, height)
    return Answers(
        kitty=bool(kitty and kitty.group(1) == b"OK"),
        da1=tuple(int(a) for a in da1.group(1).split(b";") if a) if da1 else None,
        version=version.group(1).decode("ascii", "replace")[:100] if version else "",
        cell=size,
    )


def winsize_cell(fd: int) -> CellSize | None:
    """The cell size from the kernel's window size (ws_xpixel/ws_ypixel), when the terminal
    fills it in; None otherwise."""
    try:
        packed = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
    except OSError:
        return None
    rows, cols, xpixel, ypixel = struct.unpack("HHHH", packed)
    if not (rows and cols and xpixel and ypixel):
        return None
    width, height = xpixel // cols, ypixel // rows
    return CellSize(width, height) if width and height else None


def _read_until_da1(fd: int, deadline: float) -> bytes:
    data = b""
    while not _DA1.search(data) and len(data) < 65536:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:  # the other end closed
            break
        data += chunk
    return data


def query_terminal(fd: int, timeout: float = TIMEOUT, queries: bytes = QUERIES) -> Answers:
    """Send the queries on tty ``fd`` and collect the answers for at most ``timeout`` seconds.

    The fd is put in raw mode (no echo, no line buffering, signals kept) and its mode restored
    afterwards, discarding unread input so no late answer reaches the UI as keys."""
    saved = termios.tcgetattr(fd)
    raw = termios.tcgetattr(fd)
    raw[3] &= ~(termios.ICANON | termios.ECHO)
    raw[6] = list(raw[6])
    raw[6][termios.VMIN] = 0
    raw[6][termios.VTIME] = 0
    deadline = time.monotonic() + timeout
    try:
        termios.tcsetattr(fd, termios.TCSANOW, raw)
        os.write(fd, queries)
        data = _read_until_da1(fd, deadline)
    finally:
        termios.tcsetattr(fd, termios.TCSAFLUSH, saved)
    answers = parse_answers(data)
    if answers.cell is None:
        cell = winsize_cell(fd)
        if cell is not None:
            answers = Answers(answers.kitty, answers.da1, answers.version, cell)
    return answers
