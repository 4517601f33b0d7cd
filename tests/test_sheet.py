"""`een-tui sheet`: real JPEG frames in, one JPEG grid out; cells checked at positions worked
out by hand from the documented layout (cell width = width // columns, height from the first
frame's aspect ratio, no gaps, time label on a band along each cell's bottom edge)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from media_fakes import leftovers, nearest_colour, noise_frames, run_een, write_frames
from PIL import Image

BACKGROUND = (32, 32, 32)


def _is_background(pixel):
    return all(abs(a - b) <= 12 for a, b in zip(pixel, BACKGROUND, strict=True))


def _band_has_text(image, box):
    low, high = image.crop(box).convert("L").getextrema()
    return low < 40 and high > 200


def test_seven_frames_in_three_columns(tmp_path):
    frames = tmp_path / "out" / "100a2b3c"
    write_frames(frames, 7, size=(160, 120))
    (frames / "20261201080000.000.jpg.part").write_bytes(b"\xff\xd8\xff")
    output = tmp_path / "sheet.jpg"

    done = run_een("sheet", str(frames), "-o", str(output), "--columns", "3", "--width", "600")

    assert done.returncode == 0, done.stderr
    assert "7 frames, 3 x 3 cells of 200x150" in done.stderr
    assert "1 unfinished (.part)" in done.stderr
    with Image.open(output) as image:
        assert image.format == "JPEG"
        sheet = image.convert("RGB")
    # 600 / 3 = 200 px cells; 120/160 of 200 = 150 px high; 3 rows of 150 = 450
    assert sheet.size == (600, 450)
    centres = [(100, 60), (300, 60), (500, 60),
               (100, 210), (300, 210), (500, 210),
               (100, 360)]
    assert [nearest_colour(sheet.getpixel(xy)) for xy in centres] == list(range(7))
    assert _is_background(sheet.getpixel((300, 360)))
    assert _is_background(sheet.getpixel((500, 360)))
    # labels: text 15 px (150 / 10) with 3 px padding: a 21 px band from y = 129 in each cell
    for left, top in [(0, 0), (400, 150), (0, 300)]:
        assert _band_has_text(sheet, (left, top + 129, left + 200, top + 150))
    assert not _band_has_text(sheet, (0, 0, 200, 120))


def test_default_five_columns(tmp_path):
    frames = tmp_path / "cam"
    write_frames(frames, 12, size=(320, 180))
    output = tmp_path / "sheet.jpg"

    done = run_een("sheet", str(frames), "-o", str(output), "--width", "800")

    assert done.returncode == 0, done.stderr
    with Image.open(output) as image:
        sheet = image.convert("RGB")
    # 800 / 5 = 160 px cells, 180/320 of 160 = 90 px high, 12 frames -> 3 rows -> 270 px
    assert sheet.size == (800, 270)
    read = [nearest_colour(sheet.getpixel((col * 160 + 80, row * 90 + 35)))
            for row in range(3) for col in range(5)][:12]
    assert read == list(range(12))
    for col in (2, 3, 4):
        assert _is_background(sheet.getpixel((col * 160 + 80, 2 * 90 + 35)))


def test_fewer_frames_than_columns_make_one_row_of_wider_cells(tmp_path):
    write_frames(tmp_path / "cam", 2, size=(160, 120))
    output = tmp_path / "sheet.jpg"

    done = run_een("sheet", str(tmp_path / "cam"), "-o", str(output), "--width", "600")

    assert done.returncode == 0, done.stderr
    with Image.open(output) as image:
        sheet = image.convert("RGB")
    assert sheet.size == (600, 225)  # 2 columns of 300 x 225
    assert nearest_colour(sheet.getpixel((150, 100))) == 0
    assert nearest_colour(sheet.getpixel((450, 100))) == 1


def test_an_unreadable_frame_is_left_out_and_counted(tmp_path):
    paths = write_frames(tmp_path / "cam", 5, size=(160, 120))
    paths[2].write_bytes(paths[2].read_bytes()[:200])  # a JPEG cut short
    output = tmp_path / "sheet.jpg"

    done = run_een("sheet", str(tmp_path / "cam"), "-o", str(output),
                   "--columns", "2", "--width", "400")

    assert done.returncode == 0, done.stderr
    assert "4 frames" in done.stderr and "1 unreadable" in done.stderr
    with Image.open(output) as image:
        sheet = image.convert("RGB")
    assert sheet.size == (400, 300)  # 4 frames in 2 columns of 200 x 150: 2 rows
    centres = [(100, 60), (300, 60), (100, 210), (300, 210)]
    assert [nearest_colour(sheet.getpixel(xy)) for xy in centres] == [0, 1, 3, 4]


@pytest.mark.parametrize(("args", "phrase"), [
    (["-o", "{tmp}/sheet.png"], "name it .jpg"),
    (["-o", "{tmp}/sheet.jpg", "--columns", "0"], "--columns"),
    (["-o", "{tmp}/sheet.jpg", "--width", "10"], "--width"),
    (["-o", "{tmp}/sheet.jpg", "--width", "64", "--columns", "6"], "px wide"),
    # one column 16000 px wide: cells 12000 px high, 6 of them exceed JPEG's 65535 px
    (["-o", "{tmp}/sheet.jpg", "--width", "16000", "--columns", "1"], "more --columns"),
])
def test_bad_options_are_usage_errors(tmp_path, args, phrase):
    write_frames(tmp_path / "cam", 6, size=(160, 120))
    args = [arg.format(tmp=tmp_path) for arg in args]

    done = run_een("sheet", str(tmp_path / "cam"), *args)

    assert done.returncode == 2, done.stderr
    assert phrase in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "sheet.jpg").exists() and not (tmp_path / "sheet.png").exists()
    assert leftovers(tmp_path) == []


def test_empty_folder_and_unwritable_output(tmp_path):
    (tmp_path / "empty").mkdir()
    done = run_een("sheet", str(tmp_path / "empty"), "-o", str(tmp_path / "sheet.jpg"))
    assert done.returncode == 2 and "no JPEG frames" in done.stderr

    write_frames(tmp_path / "cam", 2)
    done = run_een("sheet", str(tmp_path / "cam"), "-o", str(tmp_path / "no" / "sheet.jpg"))
    assert done.returncode == 1 and "does not exist" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("signum", "code"), [
    pytest.param(signal.SIGINT, 130, id="SIGINT"), pytest.param(signal.SIGTERM, 143, id="SIGTERM"),
    pytest.param(signal.SIGHUP, 129, id="SIGHUP")])
def test_a_signal_while_the_sheet_is_written_leaves_no_partial_file(tmp_path, signum, code):
    """The sheet is written in well under a second after its frames are read: the signal is
    sent as soon as its temporary file appears, and tried again if the run ended first."""
    frames = tmp_path / "cam"
    noise_frames(frames, 100)
    result = tmp_path / "result"
    result.mkdir()
    argv = [sys.executable, "-m", "een_tui", "sheet", str(frames), "-o", str(result / "s.jpg"),
            "--columns", "10", "--width", "9000"]  # 9000x6750 px of noise to encode
    for _ in range(5):
        child = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
        try:
            while child.poll() is None and not leftovers(result):
                time.sleep(0.005)
            if child.poll() is not None:  # finished before the file was seen: again
                assert child.returncode == 0, child.stderr.read()
                (result / "s.jpg").unlink()
                continue
            child.send_signal(signum)
            _, stderr = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert "Traceback" not in stderr
        assert leftovers(result) == []
        if child.returncode == 0:  # the signal came after the sheet was complete
            with Image.open(result / "s.jpg") as sheet:
                assert sheet.size == (9000, 6750)
                sheet.load()
            (result / "s.jpg").unlink()
            continue
        assert child.returncode == code, stderr
        assert list(result.iterdir()) == []
        return
    pytest.fail("the sheet's temporary file was never seen in time to send the signal")
