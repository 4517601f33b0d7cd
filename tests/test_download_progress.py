"""The one reducer of download events: counts, worker rows, saved and given-up lists, rates.
The headless printer and the UI's download screen both render from it."""

from __future__ import annotations

import io

from download_fakes import make_device

from een_tui.download.events import (
    CameraRejected,
    ImageFailed,
    ImageSaved,
    RunFinished,
    RunOutcome,
    RunPlanned,
    WorkerState,
    WorkerUpdate,
)
from een_tui.download.headless import HeadlessPrinter
from een_tui.download.progress import DownloadProgress
from een_tui.ui.download_screen import DownloadScreen

CAM = make_device()
TS = "20190409024212.000"


def a_run() -> list:
    """Four images wanted, one on disk, the probe, one retry, one given up, one saved."""
    return [
        CameraRejected(camera=make_device("10009999", name="Broken"), reason="no previews"),
        RunPlanned(
            camera=CAM, requested=4, workers=2, timestamps=("a", "b", "c", "d", "e"),
            out_dir="/out/1000c4ae", already_saved=("/out/1000c4ae/a.jpg",),
        ),
        ImageSaved(worker=0, timestamp="b", path="/out/1000c4ae/b.jpg", size=100, saved=2,
                   requested=4),
        WorkerUpdate(worker=1, state=WorkerState.FETCHING, timestamp="c"),
        WorkerUpdate(worker=2, state=WorkerState.FETCHING, timestamp="d"),
        ImageFailed(worker=2, timestamp="d", reason="network error", final=False),
        WorkerUpdate(worker=2, state=WorkerState.RETRYING, timestamp="d", attempt=1),
        ImageSaved(worker=1, timestamp="c", path="/out/1000c4ae/c.jpg", size=250, saved=3,
                   requested=4),
        WorkerUpdate(worker=1, state=WorkerState.SAVED, timestamp="c", bytes_received=250),
        ImageFailed(worker=2, timestamp="d", reason="bad image", final=True),
        WorkerUpdate(worker=1, state=WorkerState.STOPPED),
    ]


def test_counts_rows_and_lists():
    p = DownloadProgress(4, 2)
    assert [p.rows[n].state for n in (1, 2)] == [WorkerState.IDLE, WorkerState.IDLE]
    for event in a_run():
        p.apply(event)
    assert p.requested == 4 and p.saved == 3
    assert p.bytes_saved == 350  # the file already on disk was not fetched
    assert p.retries == 1 and p.failures == 1
    assert p.saved_paths == ["/out/1000c4ae/a.jpg", "/out/1000c4ae/b.jpg", "/out/1000c4ae/c.jpg"]
    assert p.given_up == [("d", "bad image")]
    assert p.last_saved is not None and p.last_saved.timestamp == "c"
    assert p.camera == CAM and p.out_dir == "/out/1000c4ae"
    # worker 1 stopped after a save: its row keeps the save
    assert p.rows[1].state is WorkerState.SAVED and p.rows[1].bytes_received == 250
    assert p.rows[2].state is WorkerState.RETRYING
    assert p.count(WorkerState.RETRYING) == 1 and p.count(WorkerState.FETCHING) == 0
    assert p.running


def test_the_end_stops_busy_rows_and_fixes_the_figures():
    p = DownloadProgress(4, 2)
    for event in a_run():
        p.apply(event)
    p.apply(
        RunFinished(
            outcome=RunOutcome.INCOMPLETE, camera=CAM, requested=4,
            files=("/out/1000c4ae/a.jpg", "/out/1000c4ae/b.jpg", "/out/1000c4ae/c.jpg"),
            elapsed_s=2.0, out_dir="/out/1000c4ae",
        )
    )
    assert not p.running
    assert p.rows[2] == WorkerUpdate(worker=2, state=WorkerState.STOPPED)
    assert p.rows[1].state is WorkerState.SAVED
    assert p.elapsed == 2.0 and p.rate == 1.5  # 3 images in 2 s


def test_a_run_that_never_planned_takes_its_camera_from_the_end():
    p = DownloadProgress(20, 5)
    p.apply(WorkerUpdate(worker=3, state=WorkerState.FETCHING, timestamp=TS))
    p.apply(RunFinished(RunOutcome.CANCELLED, CAM, 20, (), elapsed_s=0.5, error="cancelled"))
    assert p.camera == CAM and p.out_dir is None and p.saved == 0
    assert p.rows[3].state is WorkerState.STOPPED
    assert p.rate == 0.0


def test_the_download_rate_counts_from_the_plan():
    p = DownloadProgress()
    p.apply(a_run()[1])
    assert p.planned_at is not None
    p.apply(a_run()[2])
    assert p.download_rate(p.planned_at + 4.0) == 0.5  # 2 saved in 4 s


def test_the_printer_and_the_screen_fold_events_alike():
    screen = DownloadScreen(4, 2, colors=256, no_color=False)
    printer = HeadlessPrinter(io.StringIO(), live=False)
    for event in a_run():
        screen.apply(event)
        printer.handle(event)

    def state(p: DownloadProgress) -> tuple:
        return (p.saved, p.requested, p.bytes_saved, p.retries, p.failures, p.saved_paths,
                p.given_up, p.rows[1], p.rows[2])

    assert state(screen.progress) == state(printer.progress)
    assert [row.update for row in screen.worker_rows] == [printer.progress.rows[n] for n in (1, 2)]
