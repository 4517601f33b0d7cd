"""Memory over many download runs (issue 12): a finished run must not keep its data alive.

Thirty engine runs against the emulator (in this process, over loopback HTTP); tracemalloc
compares the Python heap after warm-up runs with the heap after the thirty, leaving out what
the emulator itself allocates (its rendered previews). The bound is generous: the leak the issue
describes (about 0.4 MB a run) would be ten times over it."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from een_tui.api.client import ConnectionSettings, EenClient
from een_tui.api.v1_backend import V1Backend
from een_tui.download import DownloadEngine, DownloadOptions
from een_tui.download.events import RunOutcome

RUNS = 30
BOUND_BYTES = 1_200_000


def python_heap_growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> int:
    """Bytes allocated between the snapshots and still alive, outside the emulator."""
    outside = [tracemalloc.Filter(False, "*/een_tui/emulator/*", all_frames=True),
               tracemalloc.Filter(False, "*/gevent/pywsgi.py", all_frames=True),
               tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = after.filter_traces(outside).compare_to(before.filter_traces(outside), "filename")
    return sum(stat.size_diff for stat in stats)


def test_many_runs_keep_no_memory_alive(emulator, tmp_path: Path):
    client = EenClient(ConnectionSettings(login_url=emulator.url, api_url=emulator.url),
                       pool_size=5)
    client.login(emulator.demo_username, emulator.demo_password)
    backend = V1Backend(client)
    cameras = backend.list_cameras().cameras
    saved_total = 0

    def one_run() -> None:
        nonlocal saved_total
        engine = DownloadEngine(backend, DownloadOptions(count=10, workers=5, out_dir=tmp_path))
        result = engine.run(candidates=cameras)
        assert result.outcome is RunOutcome.DONE, result.error
        saved_total += result.saved

    tracemalloc.start(25)
    try:
        for _ in range(5):  # warm-up: connection pool, caches, first imports
            one_run()
        gc.collect()
        before = tracemalloc.take_snapshot()
        for _ in range(RUNS):
            one_run()
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
        client.close()
    assert saved_total == 10 * (RUNS + 5)  # every run really downloaded
    growth = python_heap_growth(before, after)
    assert growth < BOUND_BYTES, f"{RUNS} runs kept {growth / 1e6:.2f} MB alive"
