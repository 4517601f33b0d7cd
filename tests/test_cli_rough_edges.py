"""Rough edges of the command line found by trying it as a newcomer: options before the
sub-command, an empty ``--out``, the limits in ``--help``."""

from __future__ import annotations

import json

import pytest
from test_cameras_cmd import run_cli

from een_tui.cli import build_parser
from een_tui.commands.early_options import command_index
from een_tui.download.options import MAX_COUNT, MAX_WORKERS


def test_demo_before_the_command_is_honoured(capsys):
    code, out, err = run_cli(capsys, "--demo", "cameras", "--json")
    assert code == 0, err
    assert len(json.loads(out)) > 10  # the demo account's cameras


def test_login_url_before_the_command_is_where_the_password_goes(capsys, emulator, monkeypatch):
    monkeypatch.setenv("EEN_USERNAME", emulator.demo_username)
    monkeypatch.setenv("EEN_PASSWORD", emulator.demo_password)
    code, out, err = run_cli(capsys, "--login-url", emulator.url, "cameras", "--json",
                             "--no-session-cache")
    assert code == 0, err  # (the real EEN host would be off loopback: the test would fail)
    assert json.loads(out)  # the emulator's cameras


def test_count_before_download_is_honoured(capsys, tmp_path):
    out_dir = tmp_path / "out"
    code, _out, err = run_cli(capsys, "--count", "3", "download", "--demo", "--out", str(out_dir),
                             "--json")
    assert code == 0, err
    assert len(list(out_dir.rglob("*.jpg"))) == 3


@pytest.mark.parametrize("argv", [
    ["--count", "3", "cameras", "--demo"],  # cameras has no --count
    ["--workers", "2", "emulator"],
    ["--count", "3", "download", "--demo", "--count", "4"],  # which one?
    ["--count", "3", "download", "--demo", "--count", "20"],  # the default, but given
])
def test_an_early_option_the_command_cannot_take_is_a_usage_error(capsys, argv):
    with pytest.raises(SystemExit) as exited:
        run_cli(capsys, *argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and argv[0] in err


def test_the_command_is_found_behind_options_and_their_values():
    parser = build_parser()
    assert command_index(parser, ["--out", "cameras", "download"]) == 2  # a folder named so
    assert command_index(parser, ["--out=x", "--demo", "cameras"]) == 2
    assert command_index(parser, ["--dem", "cameras"]) == 1  # an abbreviation argparse takes
    assert command_index(parser, ["--demo"]) is None  # the terminal UI


def test_empty_out_is_a_usage_error(capsys):
    for argv in (["download", "--demo", "--out", ""], ["--out", " ", "download", "--demo"]):
        with pytest.raises(SystemExit) as exited:
            run_cli(capsys, *argv)
        assert exited.value.code == 2
        assert "--out: must name a folder" in capsys.readouterr().err


def test_help_shows_the_limits_of_count_and_workers(capsys):
    for argv in (["--help"], ["download", "--help"]):
        with pytest.raises(SystemExit):
            run_cli(capsys, *argv)
        text = " ".join(capsys.readouterr().out.split())
        assert f"1 to {MAX_COUNT}" in text and f"1 to {MAX_WORKERS}" in text


# ---- connection errors in words ------------------------------------------------------------


def _wrapped(cause: BaseException) -> Exception:
    """``cause`` as requests raises it: ConnectionError(MaxRetryError(reason=...))."""
    import requests
    import urllib3.exceptions

    inner = urllib3.exceptions.MaxRetryError(None, "/g/aaa/authenticate", cause)
    return requests.ConnectionError(inner)


def test_connection_errors_are_said_in_words():
    import socket
    import ssl

    import urllib3.exceptions

    from een_tui.api import errors
    from een_tui.api.transport_errors import transport_errors

    resolve = urllib3.exceptions.NameResolutionError(
        "login.eagleeyenetworks.com", None, socket.gaierror(-2, "Name or service not known"))
    cert = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cert.verify_message = "self-signed certificate"
    cases = [
        (resolve, "cannot resolve login.eagleeyenetworks.com: check the network, or the host "
                  "name (--login-url, --api-url)"),
        (ConnectionRefusedError(111, "Connection refused"),
         "cannot reach login.eagleeyenetworks.com: the connection was refused (check the port)"),
        (cert, "cannot reach login.eagleeyenetworks.com: its certificate is not trusted "
               "(self-signed certificate)"),
        (OSError(101, "Network is unreachable"),
         "cannot reach login.eagleeyenetworks.com: no route to it (check the network)"),
    ]
    for cause, said in cases:
        url = "https://login.eagleeyenetworks.com/g/aaa/authenticate"
        with pytest.raises(errors.NetworkError) as raised, transport_errors(url):
            raise _wrapped(cause)
        assert raised.value.message == said
        assert "(" not in said.split(":")[0] and "Error(" not in said  # no exception repr


# ---- a rerun into the same folder --------------------------------------------------------------


def test_a_rerun_reports_new_and_existing_files_apart(capsys, tmp_path, emulator):
    from test_download_command import download

    code = download(emulator, tmp_path, "--random", "--count", "3", "--json")
    first = json.loads(capsys.readouterr().out)
    assert code == 0 and first["new"] == 3 and first["already_on_disk"] == 0
    camera = first["camera"]["id"]
    assert sorted(first["new_files"]) == sorted(first["files"])
    code = download(emulator, tmp_path, "--camera", camera, "--count", "5", "--json")
    out, err = capsys.readouterr()
    second = json.loads(out)
    assert code == 0, err
    old = set(first["files"])
    kept = [f for f in second["files"] if f in old]  # what the second run found on disk
    assert kept, "the rerun should plan the first run's (still newest) frames again"
    assert second["already_on_disk"] == len(kept) and second["new"] == 5 - len(kept)
    assert sorted(second["new_files"]) == sorted(set(second["files"]) - old)
    # the rate is of the new ones only; elapsed_s is rounded to the millisecond
    elapsed = second["elapsed_s"]
    fastest, slowest = second["new"] / max(elapsed - 0.0005, 1e-9), second["new"] / (
        elapsed + 0.0005)
    assert slowest - 0.01 <= second["images_per_s"] <= fastest + 0.01
    text = " ".join(err.split())  # the human summary on stderr
    assert f"{second['new']} new in " in text and f"{len(kept)} already on disk" in text


def test_the_headless_download_writes_camera_json_too(capsys, tmp_path, emulator):
    from test_download_command import download

    assert download(emulator, tmp_path, "--random", "--count", "2", "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    folder = tmp_path / "out" / summary["camera"]["id"]
    info = json.loads((folder / "camera.json").read_text())
    assert info["esn"] == summary["camera"]["id"] and info["name"] == summary["camera"]["name"]
    assert info["status"] == "online" and info["api"] == "v1" and info["downloaded_at"]
