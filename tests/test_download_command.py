"""`een-tui download` end to end against the emulator: exit codes, --json, Ctrl+C."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from een_tui import cli, exitcodes
from een_tui.api.client import ConnectionSettings, EenClient
from een_tui.api.status import CameraStatus
from een_tui.download import storage
from een_tui.download.events import RunFinished, RunOutcome
from een_tui.download.headless import summary_dict
from een_tui.emulator import EmulatorConfig, EmulatorServer


@pytest.fixture
def emu():
    with EmulatorServer(EmulatorConfig(seed=2, test_mode=True), host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def devices(emu):
    client = EenClient(ConnectionSettings(login_url=emu.url, api_url=emu.url), pool_size=1)
    client.login(emu.demo_username, emu.demo_password)
    return client.list_devices().devices


def download(emu, tmp_path, *extra: str, password: str | None = None) -> int:
    secret = tmp_path / "password"
    secret.write_text((password or emu.demo_password) + "\n")
    argv = [
        "download",
        "--login-url",
        emu.url,
        "--api-url",
        emu.url,
        "--username",
        emu.demo_username,
        "--password-file",
        str(secret),
        "--no-session-cache",
        "--out",
        str(tmp_path / "out"),
        *extra,
    ]
    return cli.main(argv)


def test_json_summary_and_exit_0(emu, tmp_path, capsys):
    code = download(emu, tmp_path, "--count", "7", "--workers", "3", "--json")
    out, err = capsys.readouterr()
    assert code == exitcodes.OK, err
    summary = json.loads(out)
    assert summary["requested"] == 7 and summary["saved"] == 7
    assert set(summary["camera"]) >= {"id", "name", "status"}
    assert summary["camera"]["status"] == "online"
    assert summary["failures"] == {} and summary["elapsed_s"] > 0
    for name in summary["files"]:
        Image.open(io.BytesIO(Path(name).read_bytes())).verify()
    assert len([line for line in err.splitlines() if line.endswith(" bytes)")]) == 7


def test_explicit_camera(emu, tmp_path, devices, capsys):
    camera = sorted(d.id for d in devices if d.usable)[-1]
    assert download(emu, tmp_path, "--camera", camera.upper(), "--count", "2") == exitcodes.OK
    assert len(list((tmp_path / "out" / camera).glob("*.jpg"))) == 2


def test_off_camera_exit_4_with_its_status(emu, tmp_path, devices, capsys):
    off = next(d for d in devices if d.is_camera and d.status is CameraStatus.OFF)
    code = download(emu, tmp_path, "--camera", off.id)
    err = capsys.readouterr().err
    assert code == exitcodes.NO_USABLE_CAMERA
    assert off.id in err and "Off" in err and "Traceback" not in err


def test_unknown_camera_exit_4(emu, tmp_path, capsys):
    assert download(emu, tmp_path, "--camera", "deadbeef") == exitcodes.NO_USABLE_CAMERA
    assert "no camera with ESN deadbeef" in capsys.readouterr().err
    code = download(emu, tmp_path, "--camera", "deadbeef", "--count", "4", "--json")
    assert code == exitcodes.NO_USABLE_CAMERA
    summary = json.loads(capsys.readouterr().out)
    # a run that never started has the same keys as one that did
    assert summary.keys() == summary_dict(RunFinished(RunOutcome.FAILED, None, 4, ())).keys()
    assert summary["requested"] == 4 and summary["saved"] == 0 and "deadbeef" in summary["error"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--camera", "../etc"],
        ["--count", "0"],
        ["--workers", "x"],
        ["--camera", "1000c4ae", "--random"],
        ["--timeout", "inf"],
        ["--timeout", "0"],
        ["--timeout", "nan"],
    ],
)
def test_usage_errors_exit_2(emu, tmp_path, argv, capsys):
    with pytest.raises(SystemExit) as stop:
        download(emu, tmp_path, *argv)
    assert stop.value.code == exitcodes.USAGE


def test_wrong_password_exit_3(emu, tmp_path, capsys):
    assert download(emu, tmp_path, password="wrong") == exitcodes.AUTH_FAILED
    assert "Traceback" not in capsys.readouterr().err


def test_output_under_a_file_exit_1_clear_error(emu, tmp_path, capsys):
    (tmp_path / "out").write_text("not a folder")
    assert download(emu, tmp_path, "--count", "2") == exitcodes.ERROR
    err = capsys.readouterr().err
    assert "a file is in the way" in err and "Traceback" not in err


def test_disk_full_exit_1_clear_error(emu, tmp_path, capsys, monkeypatch):
    import errno

    def full_disk(path, mode):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "open", full_disk, raising=False)
    assert download(emu, tmp_path, "--count", "3") == exitcodes.ERROR
    err = capsys.readouterr().err
    assert "disk full while writing" in err
    assert not list((tmp_path / "out").rglob("*.part"))


def test_every_camera_failing_the_health_check_exit_4(emu, tmp_path, capsys, monkeypatch):
    from functools import partial

    from een_tui.commands import download as command
    from een_tui.download.retry import RetryPolicy

    fast = RetryPolicy(backoff_base_s=0.001, backoff_max_s=0.002)
    monkeypatch.setattr(command, "DownloadOptions", partial(command.DownloadOptions, retry=fast))
    emu.config.fault_5xx = 1.0
    emu.config.fault_paths = ("/asset/asset/",)
    code = download(emu, tmp_path, "--count", "3", "--json")
    out, err = capsys.readouterr()
    assert code == exitcodes.NO_USABLE_CAMERA
    assert err.count("skipped camera") == 5  # bounded tries, each rejection reported
    assert json.loads(out)["saved"] == 0


def test_budget_exhausted_exit_5(emu, tmp_path, capsys, monkeypatch):
    from een_tui.download.events import RunPlanned
    from een_tui.download.headless import HeadlessPrinter

    real_handle = HeadlessPrinter.handle

    def handle(self, event):
        if isinstance(event, RunPlanned):  # the health check passed: now every image fails
            emu.config.fault_paths = ("/asset/asset/",)
            emu.config.fault_5xx = 1.0
        real_handle(self, event)

    monkeypatch.setattr(HeadlessPrinter, "handle", handle)
    code = download(emu, tmp_path, "--count", "5", "--max-attempts", "8", "--json")
    out, _ = capsys.readouterr()
    assert code == exitcodes.INCOMPLETE
    summary = json.loads(out)
    assert summary["saved"] == 1 and summary["outcome"] == "incomplete"  # the probe image
    assert sum(summary["failures"].values()) == 8
    assert "budget" in summary["error"]


def test_ctrl_c_cancels_keeps_files_removes_parts_exit_130(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "een_tui",
            "download",
            "--demo",
            "--count",
            "5000",
            "--out",
            str(out),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    saved_lines = 0
    for line in proc.stderr:
        if line.rstrip().endswith(" bytes)"):
            saved_lines += 1
            if saved_lines == 5:
                proc.send_signal(signal.SIGINT)
                break
    rest = proc.stderr.read()
    assert proc.wait(timeout=30) == exitcodes.INTERRUPTED, rest
    assert "[cancelled]" in rest
    files = list(out.rglob("*"))
    assert not [p for p in files if p.name.endswith(".part")]
    jpgs = [p for p in files if p.is_file() and p.name != "camera.json"]  # beside the images
    assert 5 <= len(jpgs) < 5000
    for path in jpgs:
        Image.open(io.BytesIO(path.read_bytes())).verify()


def test_the_entry_point_patches_gevent_before_requests_is_imported():
    probe = """
import sys
from importlib.abc import MetaPathFinder

seen = {}

class Watch(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in ("requests", "urllib3") and name not in seen:
            from gevent import monkey
            seen[name] = monkey.is_module_patched("socket") and monkey.is_module_patched("ssl")
        return None

sys.meta_path.insert(0, Watch())
import een_tui.cli  # noqa: F401
import een_tui.commands.common  # noqa: F401 (what a command imports when it runs)
print(sorted(seen.items()))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[('requests', True), ('urllib3', True)]"


def test_only_entry_points_call_patch_all():
    package = Path(__file__).resolve().parent.parent / "een_tui"
    callers = sorted(
        str(p.relative_to(package)) for p in package.rglob("*.py") if "patch_all(" in p.read_text()
    )
    assert callers == ["cli.py"]
