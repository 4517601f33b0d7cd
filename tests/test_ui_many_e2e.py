"""The UI over several cameras and a time range, in a real pseudo-terminal (pexpect + pyte):
mark cameras with Space, download from all of them with one pool of workers and a row per
camera; the range form on a camera."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from test_ui_e2e import IMAGE_LATENCY_MS, Terminal, five_workers_busy

from een_tui.api.timestamps import parse_een_timestamp


@pytest.fixture
def ui(tmp_path):
    terminals: list[Terminal] = []

    def start(*extra: str) -> Terminal:
        args = ["--demo", "--out", str(tmp_path / "out"),
                "--demo-image-latency-ms", str(IMAGE_LATENCY_MS), *extra]
        terminal = Terminal(args, cols=120, rows=40, term="xterm-256color", env={})
        terminals.append(terminal)
        return terminal

    yield start
    for terminal in terminals:
        terminal.close()


def folders(out: Path) -> dict[str, list[Path]]:
    return {d.name: sorted(d.glob("*.jpg")) for d in sorted(out.iterdir()) if d.is_dir()}


def test_marked_cameras_download_together(ui, tmp_path):
    t = ui("--count", "8")
    t.wait_for("cameras loaded")
    t.send("o")  # online cameras only
    t.wait_for("online only")
    t.send("   ")  # mark three, the cursor moves down after each
    t.wait_for("3 marked")
    assert t.text.count("✓") >= 3
    t.send("\r")
    text = t.wait_for("Cameras (3)")
    assert "3 cameras, 8 images each, 5 workers" in text
    t.wait_for(five_workers_busy)
    text = t.wait_for(lambda s: "Done:" in s)
    assert "Done: 24 saved" in text
    rows = [line for line in text.splitlines() if re.search(r"\b8/8 +done", line)]
    assert len(rows) == 3  # one row per camera
    files = folders(tmp_path / "out")
    assert len(files) == 3 and all(len(f) == 8 for f in files.values())
    assert not list((tmp_path / "out").rglob("*.part"))
    t.send("q")
    assert t.wait_exit() == 0


def range_form(ui):
    """The UI with the time range form open on the first online camera."""
    t = ui()
    t.wait_for("cameras loaded")
    t.send("o")
    t.wait_for("online only")
    t.send("t")
    t.wait_for("Time range of")
    return t


def test_range_form_downloads_every_10_s_of_the_last_two_minutes(ui, tmp_path):
    t = range_form(ui)
    t.send("2m\t\t10s\r")
    text = t.wait_for(lambda s: "Done:" in s or "Failed" in s or "Incomplete" in s)
    assert "Done:" in text, text
    [files] = folders(tmp_path / "out").values()
    times = [parse_een_timestamp(f.name[:18]) for f in files]
    assert 11 <= len(times) <= 13
    assert max(times) - min(times) <= timedelta(minutes=2)
    assert all(b - a >= timedelta(seconds=10) for a, b in pairwise(times))
    t.send("q")
    assert t.wait_exit() == 0


def test_range_form_says_what_is_wrong(ui):
    t = range_form(ui)
    t.send("yesterday\r")
    t.wait_for("not a date and time")
    t.send("\x1b")  # Esc closes the form
    t.wait_for(lambda s: "Time range of" not in s)
    t.send("q")
    assert t.wait_exit() == 0


def test_range_run_ends_offering_what_comes_next(ui, tmp_path):
    """After a range run: no "c cancel" in the footer, the folder as an absolute path, v views
    the camera's images, and the camera list marks the camera as having images on disk."""
    t = range_form(ui)
    t.send("20s\r")
    text = t.wait_for(lambda s: "Done:" in s or "Failed" in s or "Incomplete" in s)
    assert "Done:" in text, text
    text = t.wait_for(lambda s: "n another" in s.splitlines()[-1])  # the footer follows
    footer = text.splitlines()[-1]
    assert "cancel" not in footer and "v view" in footer, footer
    assert f"folder: {tmp_path / 'out'}" in text
    assert "1 camera, every frame of the range" in text and "from 1 camera in" in text
    [files] = folders(tmp_path / "out").values()
    t.send("v")
    text = t.wait_for("Viewer")
    assert f"{len(files)}/{len(files)}" in text
    assert str(files[-1]) in text  # the newest image first
    t.send("\x1b")  # the viewer: back to the download screen
    t.wait_for("Done:")
    t.send("\x1b")  # the download screen: back to the list, the camera marked
    text = t.wait_for(lambda s: "cameras loaded" in s or "Cameras" in s.splitlines()[0])
    t.wait_for("▣")
    t.send("q")
    assert t.wait_exit() == 0
