"""The headless printer: one line per file off a terminal, a live line on one, the summary."""

from __future__ import annotations

import io
import json

from download_fakes import FakeSource, make_device

from een_tui.download import DownloadEngine, DownloadOptions
from een_tui.download.events import RunFinished, RunOutcome
from een_tui.download.headless import CLEAR_LINE, HeadlessPrinter, summary_dict, summary_lines
from een_tui.download.retry import RetryPolicy


def download(tmp_path, printer, count=4):
    opts = DownloadOptions(
        count=count,
        workers=2,
        out_dir=tmp_path / "out",
        retry=RetryPolicy(backoff_base_s=0.001, backoff_max_s=0.002),
    )
    return DownloadEngine(FakeSource(), opts, on_event=printer.handle).run(camera=make_device())


def test_one_line_per_saved_file_when_not_a_terminal(tmp_path):
    stream = io.StringIO()
    result = download(tmp_path, HeadlessPrinter(stream))
    text = stream.getvalue()
    assert "\r" not in text and "\x1b" not in text  # no animation in a pipe
    saved = [line for line in text.splitlines() if line.endswith(" bytes)")]
    assert [line.split()[1] for line in saved] == ["1/4", "2/4", "3/4", "4/4"]
    assert all(any(path in line for line in saved) for path in result.files)
    assert 'camera    1000c4ae "Lobby" (Online)' in text
    assert "saved     4/4 in " in text and "[done]" in text


def test_live_status_line_on_a_terminal(tmp_path):
    stream = io.StringIO()
    download(tmp_path, HeadlessPrinter(stream, live=True), count=6)
    text = stream.getvalue()
    assert CLEAR_LINE in text
    assert "6/6 saved" in text
    assert text.endswith("\n")
    tail = text[text.index("camera    ") :]
    assert CLEAR_LINE not in tail  # no live line drawn after the summary
    assert not any(line.startswith("saved 1/6") for line in text.splitlines())


def test_summary_dict_has_the_documented_keys():
    result = RunFinished(
        outcome=RunOutcome.INCOMPLETE,
        camera=make_device(),
        requested=3,
        files=("out/1000c4ae/a.jpg",),
        failures={"network error": 2},
        elapsed_s=0.5,
        error="attempt budget exhausted",
    )
    data = json.loads(json.dumps(summary_dict(result)))
    assert data["camera"] == {"id": "1000c4ae", "name": "Lobby", "status": "online"}
    assert data["requested"] == 3 and data["saved"] == 1
    assert data["files"] == ["out/1000c4ae/a.jpg"]
    assert data["failures"] == {"network error": 2}
    assert data["elapsed_s"] == 0.5 and data["outcome"] == "incomplete"


def test_summary_lines_name_the_error_once():
    failed = RunFinished(RunOutcome.FAILED, None, 3, (), error="disk full while writing x")
    assert summary_lines(failed)[-1] == "error     disk full while writing x"
    cancelled = RunFinished(RunOutcome.CANCELLED, None, 3, (), error="cancelled")
    lines = summary_lines(cancelled)
    assert "[cancelled]" in lines[0] and not any(line.startswith("error") for line in lines)
