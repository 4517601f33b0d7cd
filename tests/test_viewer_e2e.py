"""The image viewer, the quit question and the end of a run, in a real pseudo-terminal
(``een-tui --demo`` driven with pexpect, the screen emulated with pyte; see test_ui_e2e)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from test_ui_e2e import IMAGE_LATENCY_MS, Terminal, five_workers_busy, jpegs_in

CLOSET = "10080c46"  # the demo account's first camera in the list


@pytest.fixture
def ui(tmp_path):
    terminals: list[Terminal] = []

    def start(cols: int, rows: int, *extra: str) -> Terminal:
        args = ["--demo", "--out", str(tmp_path / "out"), "--graphics", "blocks",
                "--demo-image-latency-ms", str(IMAGE_LATENCY_MS), *extra]
        terminal = Terminal(args, cols=cols, rows=rows, term="xterm-256color", env={})
        terminals.append(terminal)
        return terminal

    yield start
    for terminal in terminals:
        terminal.close()


def local_time(path: Path, zone: str) -> str:
    """The file's EEN timestamp (UTC) in ``zone``, as the viewer should print it."""
    moment = datetime.strptime(path.stem, "%Y%m%d%H%M%S.%f").replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


def flat(text: str) -> str:
    """The screen's text without line breaks (a long path wraps)."""
    return "".join(line.rstrip() for line in text.splitlines())


def test_viewer_from_the_download_screen_steps_in_time_order(ui, tmp_path):
    t = ui(160, 40, "--count", "5")
    t.wait_for("cameras loaded")
    t.send("r")
    text = t.wait_for(lambda s: "Done: 5/5 saved" in s and "folder: " in s
                      and s.splitlines()[-1].startswith("v view"))
    files = jpegs_in(tmp_path / "out")  # names are times: sorted by name = in time order
    assert len(files) == 5
    folder = files[0].parent
    assert f"folder: {folder}" in text and folder.is_absolute()  # the absolute folder
    footer = text.splitlines()[-1]
    assert footer.startswith("v view") and "n another" in footer and "cancel" not in footer
    info = json.loads((folder / "camera.json").read_text())
    assert info["esn"] == folder.name and info["api"] == "v1" and info["name"] in text
    zone = info["time_zone"]
    def showing(index: int):  # a frame may reach the screen in pieces: wait for all of it
        return lambda s: (f"{index + 1}/5 ·" in s and str(files[index]) in flat(s)
                          and local_time(files[index], zone) in s)

    t.send("v")
    text = t.wait_for(showing(4))  # the newest first
    assert "▀" * 20 in text  # the picture, large
    for key, index in (("\x1b[D", 3), ("h", 2), ("l", 3), ("\x1b[C", 4), ("l", 4)):
        t.send(key)
        t.wait_for(showing(index))
    t.send("\x1b[H")  # Home: the oldest
    t.wait_for(showing(0))
    t.send("\x1b")  # Esc: back to the download screen
    t.wait_for(lambda s: "Done: 5/5 saved" in s and "1/5 ·" not in s)
    t.send("q")
    assert t.wait_exit() == 0


def test_viewer_during_a_run_gets_the_new_images(ui, tmp_path):
    t = ui(100, 30, "--count", "300", "--workers", "2")
    t.wait_for("cameras loaded")
    t.send("r")
    t.wait_for(lambda s: "saved 2026" in s and "fetching" in s)
    t.send("v")
    text = t.wait_for(re.compile(r" \d+/\d+ · ").search)
    first = int(re.search(r" \d+/(\d+) · ", text).group(1))
    t.wait_for(lambda s: (m := re.search(r" \d+/(\d+) · ", s)) and int(m.group(1)) > first)
    t.send("\x1b")
    text = t.wait_for("Workers")
    t.send("c")
    text = t.wait_for(lambda s: "Cancelled: " in s and "retry missing" in s.splitlines()[-1])
    assert "cancel" not in text.splitlines()[-1]
    camera = re.search(r"Camera (.+?) 1[0-9a-f]{7} ", text).group(1)
    t.send("r")  # retry the missing ones: the same camera again
    t.wait_for(lambda s: f"Camera {camera} " in s and "running" in s
               and s.splitlines()[-1].startswith("c cancel"))
    t.send("c")
    t.wait_for("Cancelled: ")
    t.send("q")
    assert t.wait_exit() == 0


def test_viewer_from_the_camera_list_for_images_on_disk(ui, tmp_path):
    folder = tmp_path / "out" / CLOSET
    folder.mkdir(parents=True)
    stamps = ["20261130080000.000", "20261130090000.500", "20261130100000.250"]
    for n, stamp in enumerate(stamps):
        Image.new("RGB", (64, 48), (80 * n, 120, 200)).save(folder / f"{stamp}.jpg")
    t = ui(100, 30)
    text = t.wait_for(lambda s: "cameras loaded" in s and "▣ CFA1 Closet" in s)
    assert "▣ CFA1 Coffee Bar" not in text  # only cameras with images are marked
    t.send("v")
    newest = folder / f"{stamps[2]}.jpg"
    t.wait_for(lambda s: "3/3 ·" in s and str(newest) in flat(s)
               and local_time(newest, "US/Central") in s)  # in the camera's zone
    t.send("h")
    t.wait_for(lambda s: "2/3 ·" in s and str(folder / f"{stamps[1]}.jpg") in flat(s))
    t.send("\x1b")
    t.wait_for(lambda s: "een-tui · Cameras" in s and "2/3 ·" not in s)
    t.send("j")  # the next camera has nothing on disk: the viewer says so instead
    t.send("v")
    said = f"no images of CFA1 Coffee Bar in {tmp_path}/out/100f7212"
    t.wait_for(lambda s: said in " ".join(s.split()))  # a line may break at a space
    t.send("q")
    assert t.wait_exit() == 0


def test_q_asks_first_while_a_download_runs(ui, tmp_path):
    t = ui(80, 24, "--count", "100")
    t.wait_for("cameras loaded")
    t.send("r")
    t.wait_for(five_workers_busy)
    t.send("q")
    t.wait_for(lambda s: "Quit now?" in s and "A download is running" in flat(s)
               and "images saved in" in flat(s))
    t.send("x")  # any other key: still asking
    t.send("n")
    t.wait_for(lambda s: "Quit now?" not in s and five_workers_busy(s))
    t.send("q")
    t.wait_for("Quit now?")
    t.send("y")
    assert t.wait_exit() == 0
    out = tmp_path / "out"
    assert not list(out.rglob("*.part"))
    assert 0 < len(jpegs_in(out)) < 100


def test_viewer_timelapse_key_writes_a_gif_of_the_images_in_time_order(ui, tmp_path):
    t = ui(120, 30, "--count", "4")
    t.wait_for("cameras loaded")
    t.send("r")
    t.wait_for(lambda s: "Done: 4/4 saved" in s)
    files = jpegs_in(tmp_path / "out")
    assert len(files) == 4
    t.send("v")
    t.wait_for("4/4 ·")
    t.send("T")
    expected = files[0].parent / f"timelapse-{files[0].stem}-{files[-1].stem}.gif"
    t.wait_for(lambda s: "timelapse: " in s and str(expected) in flat(s))
    with Image.open(expected) as gif:  # one frame per image, each like its JPEG, in time order
        assert gif.n_frames == 4
        for index, source in enumerate(files):
            gif.seek(index)
            frame = gif.convert("RGB").resize((32, 18))
            with Image.open(source) as jpeg:
                original = jpeg.convert("RGB").resize((32, 18))
            difference = sum(abs(a - b) for a, b in zip(frame.tobytes(), original.tobytes(),
                                                        strict=True)) / (32 * 18 * 3)
            assert difference < 24, (index, difference)
    t.send("q")
    assert t.wait_exit() == 0
