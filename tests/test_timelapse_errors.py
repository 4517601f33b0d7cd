"""`een-tui timelapse` refusals: one clear line and a documented exit code, never a traceback,
never a partial or clobbered output (Ctrl+C included)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from media_fakes import START, een_name, leftovers, noise_frames, run_een, write_frames


def _refused(done, code, *phrases):
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("een-tui: error: "), done.stderr
    for phrase in phrases:
        assert phrase in lines[0]


def test_empty_folder_is_a_usage_error(tmp_path):
    (tmp_path / "cam").mkdir()
    _refused(run_een("timelapse", str(tmp_path / "cam"), "-o", str(tmp_path / "a.gif")),
             2, "no JPEG frames")
    assert not (tmp_path / "a.gif").exists()


def test_missing_folder_is_a_usage_error(tmp_path):
    _refused(run_een("timelapse", str(tmp_path / "nope"), "-o", str(tmp_path / "a.gif")),
             2, "is not a folder")


def test_the_output_folder_instead_of_a_camera_folder_gets_a_hint(tmp_path):
    write_frames(tmp_path / "out" / "100a2b3c", 2)
    write_frames(tmp_path / "out" / "100d4e5f", 2)
    _refused(run_een("timelapse", str(tmp_path / "out"), "-o", str(tmp_path / "a.gif")),
             2, "choose a camera folder", "100a2b3c", "100d4e5f")


def test_only_unfinished_files_are_counted_in_the_refusal(tmp_path):
    folder = tmp_path / "cam"
    folder.mkdir()
    (folder / "20261201090000.000.jpg.part").write_bytes(b"\xff\xd8\xff")
    _refused(run_een("timelapse", str(folder), "-o", str(tmp_path / "a.gif")),
             2, "1 unfinished (.part)")


@pytest.mark.parametrize("name", ["a.avi", "a", "a.jpg"])
def test_unknown_output_extension_is_a_usage_error(tmp_path, name):
    write_frames(tmp_path / "cam", 2)
    _refused(run_een("timelapse", str(tmp_path / "cam"), "-o", str(tmp_path / name)),
             2, ".gif, .webp or .mp4")
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("fps", ["0", "-1", "61", "fast"])
def test_fps_out_of_range_is_a_usage_error(tmp_path, fps):
    write_frames(tmp_path / "cam", 2)
    done = run_een("timelapse", str(tmp_path / "cam"), "-o", str(tmp_path / "a.gif"),
                   "--fps", fps)
    assert done.returncode == 2
    assert "--fps" in done.stderr and "Traceback" not in done.stderr


def test_unwritable_output_is_an_error(tmp_path):
    write_frames(tmp_path / "cam", 2)
    (tmp_path / "file").write_text("in the way")
    _refused(run_een("timelapse", str(tmp_path / "cam"), "-o", str(tmp_path / "file" / "a.gif")),
             1, "cannot write")
    _refused(run_een("timelapse", str(tmp_path / "cam"), "-o", str(tmp_path / "no" / "a.gif")),
             1, "does not exist")
    (tmp_path / "a.gif").mkdir()
    _refused(run_een("timelapse", str(tmp_path / "cam"), "-o", str(tmp_path / "a.gif")),
             1, "it is a folder")


def test_a_failed_run_leaves_the_previous_output_untouched(tmp_path):
    folder = tmp_path / "cam"
    folder.mkdir()
    (folder / een_name(START)).write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    result = tmp_path / "result"
    result.mkdir()
    (result / "a.gif").write_bytes(b"the old one")

    _refused(run_een("timelapse", str(folder), "-o", str(result / "a.gif")),
             2, "could be decoded")

    assert (result / "a.gif").read_bytes() == b"the old one"
    assert leftovers(result) == []


def test_mp4_without_pyav_says_how_to_install_it(tmp_path):
    write_frames(tmp_path / "cam", 2)
    blocker = tmp_path / "blocker" / "av"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('PyAV is not installed here')\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "blocker"), env.get("PYTHONPATH", "")])

    done = run_een("timelapse", str(tmp_path / "cam"), "-o", str(tmp_path / "a.mp4"), env=env)

    _refused(done, 2, "PyAV", "pip install 'een-tui[video]'")
    assert not (tmp_path / "a.mp4").exists()


def encoding_started(folder: Path) -> bool:
    """The temporary output exists and has bytes (a Ctrl+C now lands inside the work)."""
    for name in leftovers(folder):
        with contextlib.suppress(FileNotFoundError):
            if (folder / name).stat().st_size:
                return True
    return False


@pytest.mark.parametrize(("signum", "code", "said"), [
    pytest.param(signal.SIGINT, 130, "interrupted", id="SIGINT"),  # Ctrl+C
    pytest.param(signal.SIGTERM, 143, "ended by SIGTERM", id="SIGTERM"),
    # stderr is a pipe here, not the terminal that hung up: the line is still there
    pytest.param(signal.SIGHUP, 129, "ended by SIGHUP", id="SIGHUP"),
])
def test_a_signal_leaves_no_output_and_no_temporary_file(tmp_path, signum, code, said):
    folder = tmp_path / "cam"
    noise_frames(folder, 600)  # many seconds of GIF encoding
    result = tmp_path / "result"
    result.mkdir()
    child = subprocess.Popen([sys.executable, "-m", "een_tui", "timelapse", str(folder),
                              "-o", str(result / "a.gif")],
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        # the temporary file exists and has bytes: encoding has started
        while not encoding_started(result):
            assert child.poll() is None, child.stderr.read()
            assert time.monotonic() < deadline, "the temporary output never appeared"
            time.sleep(0.02)
        child.send_signal(signum)
        _, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == code, stderr
    assert said in stderr and "Traceback" not in stderr
    assert list(result.iterdir()) == []
