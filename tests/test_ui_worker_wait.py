"""A worker row stays alive during a long wait (issue 12: real cameras take 5-9 s per preview):
while fetching it shows the seconds waited, counted from the request's start."""

from __future__ import annotations

import re

from een_tui.download.events import WorkerState, WorkerUpdate
from een_tui.ui.download_screen import DownloadScreen, WorkerRow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def line_of(row: WorkerRow, width: int = 100) -> str:
    (line,) = row.render((width,)).text
    return line.decode()


def waited(line: str) -> int | None:
    """The seconds a row shows after "fetching", None when it shows none."""
    match = re.search(r"fetching (\d+)s", line)
    return int(match.group(1)) if match else None


def fetching(stamp: str, attempt: int = 1, received: int = 0) -> WorkerUpdate:
    return WorkerUpdate(worker=2, state=WorkerState.FETCHING, timestamp=stamp, attempt=attempt,
                        bytes_received=received)


def test_a_fetching_row_counts_the_seconds_of_its_request():
    clock = Clock()
    row = WorkerRow(2, clock=clock)
    row.set_update(fetching("20261202001500.000"))
    assert "fetching" in line_of(row) and waited(line_of(row)) is None  # under a second
    clock.now += 5.2
    row.tick()  # what the screen does once a second
    assert "fetching 5s" in line_of(row)
    row.set_update(fetching("20261202001500.000", received=4096))  # bytes: the same request
    assert "fetching 5s" in line_of(row)
    row.set_update(WorkerUpdate(worker=2, state=WorkerState.RETRYING, retry_in_s=2, attempt=1))
    clock.now += 2
    row.set_update(fetching("20261202001500.000", attempt=2))  # a new request starts at 0
    assert waited(line_of(row)) is None and "try 2" in line_of(row)
    clock.now += 7.6
    row.tick()
    assert "fetching 8s" in line_of(row)
    row.set_update(WorkerUpdate(worker=2, state=WorkerState.SAVED, attempt=2))
    assert "saved" in line_of(row) and waited(line_of(row)) is None


def test_the_screen_tick_redraws_a_waiting_row():
    screen = DownloadScreen(20, 5, colors=256, no_color=True)
    clock = Clock()
    row = screen.worker_rows[0] = WorkerRow(1, clock=clock)
    row.set_update(WorkerUpdate(worker=1, state=WorkerState.FETCHING, timestamp="x", attempt=1))
    first = row.render((100,))  # kept alive: urwid's canvas cache holds it for the row
    clock.now += 3
    assert row.render((100,)) is first  # unchanged rows are not redrawn...
    screen.tick()  # ...but the once-a-second tick redraws a fetching one
    (line,) = row.render((100,)).text
    assert waited(line.decode()) == 3
