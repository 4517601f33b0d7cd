"""`een-tui cameras` end to end: the real CLI in-process (and in a pty for colour)."""

import json
import os
import signal
import subprocess
import sys
import time

import gevent.event
import gevent.server
import pexpect
import pytest
import requests
from pexpect import fdpexpect

from een_tui import config
from een_tui.api.client import EenClient
from een_tui.api.settings import ConnectionSettings
from een_tui.cli import main
from een_tui.emulator import EmulatorConfig, EmulatorServer

WRONG_PASSWORD = "Wr0ng-S3cret-pw-91x"


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def logged_env(emulator, monkeypatch):
    monkeypatch.setenv("EEN_USERNAME", emulator.demo_username)
    monkeypatch.setenv("EEN_PASSWORD", emulator.demo_password)
    return emulator


def demo_account_devices():
    """What the embedded demo serves, read through the client from an identical emulator."""
    with EmulatorServer(EmulatorConfig(), host="127.0.0.1", port=0) as emu:
        client = EenClient(ConnectionSettings(login_url=emu.url), session_cache=None)
        client.login(emu.demo_username, emu.demo_password)
        return client.list_devices().devices


def test_demo_json_shows_the_demo_account(capsys):
    code, out, err = run_cli(capsys, "cameras", "--demo", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    expected = {(d.id, d.name): d for d in demo_account_devices() if d.is_camera}
    assert len(data) == len(expected) >= 80
    for item in data:
        device = expected[item["id"], item["name"]]
        assert item["name"] == device.name
        assert item["status"] == device.status.value
        assert item["status_bits"] == device.status_bits
        assert item["recording"] == device.recording
        assert item["usable"] == device.usable
        assert item["bridges"] == list(device.bridges)
    statuses = {item["status"] for item in data}
    assert {"online", "off", "offline", "internet_offline", "password_needed",
            "unknown"} <= statuses
    order = [item["status"] for item in data]
    assert order.index("online") == 0  # healthy first


def test_demo_table_on_a_pipe_is_plain_text(capsys):
    code, out, err = run_cli(capsys, "cameras", "--demo")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["STATUS", "REC", "NAME", "ESN"]
    assert "\x1b" not in out
    assert "online" in lines[-1] and "usable for download" in lines[-1]
    assert not any(" bridge " in line for line in lines)


def test_demo_all_includes_bridges(capsys):
    code, out, _err = run_cli(capsys, "cameras", "--demo", "--all", "--json")
    assert code == 0
    assert any(item["type"] == "bridge" for item in json.loads(out))


def run_in_pty(*argv, env_extra=None):
    """Run the real ``een-tui`` with stdout on a pseudo-terminal; (exit code, output).
    The child is started by subprocess and only the pty is read through pexpect: forking with
    ptyprocess from this gevent-patched process can hang (see test_ui_e2e.py)."""
    leader, follower = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "een_tui", *argv],
                               env={**os.environ, **(env_extra or {})},
                               stdin=subprocess.DEVNULL, stdout=follower,
                               stderr=subprocess.DEVNULL)
    os.close(follower)
    reader = fdpexpect.fdspawn(leader)
    output = bytearray()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            output.extend(reader.read_nonblocking(65536, timeout=0.5))
        except pexpect.TIMEOUT:
            continue
        except (pexpect.EOF, OSError):
            break
    os.close(leader)
    return process.wait(timeout=30), output.decode()


def test_colour_on_a_terminal_unless_no_color():
    code, text = run_in_pty("cameras", "--demo")
    assert code == 0 and "\x1b[32m● Online" in text
    code, text = run_in_pty("cameras", "--demo", env_extra={"NO_COLOR": "1"})
    assert code == 0 and "● Online" in text and "\x1b[" not in text


def test_against_an_emulator_with_environment_credentials(logged_env, capsys):
    code, out, err = run_cli(capsys, "cameras", "--login-url", logged_env.url, "--json")
    assert code == 0, err
    assert len(json.loads(out)) >= 80


def test_bad_password_exit_code_3_one_line_no_secret(emulator, monkeypatch, capsys):
    monkeypatch.setenv("EEN_USERNAME", emulator.demo_username)
    monkeypatch.setenv("EEN_PASSWORD", WRONG_PASSWORD)
    code, out, err = run_cli(capsys, "cameras", "--login-url", emulator.url)
    assert code == 3
    assert out == ""
    assert err == "een-tui: error: wrong EEN user name or password (401)\n"
    log_text = config.log_file().read_text()
    assert "InvalidCredentials" in log_text
    assert WRONG_PASSWORD not in log_text + out + err


def test_the_password_appears_in_no_log_no_output_no_cache(logged_env, capsys, tmp_path):
    password_file = tmp_path / "pw"
    password_file.write_text(logged_env.demo_password + "\n")
    del os.environ["EEN_PASSWORD"]  # the file is the only source (monkeypatch restores it)
    code, out, err = run_cli(capsys, "cameras", "--login-url", logged_env.url,
                             "--password-file", str(password_file))
    assert code == 0
    everything = out + err
    for path in config.state_dir().rglob("*"):
        if path.is_file():
            everything += path.read_text(errors="replace")
    assert logged_env.demo_password not in everything
    assert "authenticating" in everything  # the log was written


def test_two_factor_without_a_terminal_is_a_clear_auth_error(emulator, monkeypatch, capsys):
    monkeypatch.setenv("EEN_USERNAME", emulator.tfa_username)
    monkeypatch.setenv("EEN_PASSWORD", emulator.tfa_password)
    code, _out, err = run_cli(capsys, "cameras", "--login-url", emulator.url)
    assert code == 3 and "two-factor" in err and "Traceback" not in err


def test_plain_http_to_a_remote_host_is_refused_before_any_request(monkeypatch, capsys):
    def no_network(*args, **kwargs):
        raise AssertionError("a request was sent")

    monkeypatch.setattr(requests.Session, "request", no_network)
    monkeypatch.setenv("EEN_USERNAME", "ann")
    monkeypatch.setenv("EEN_PASSWORD", "pw")
    code, _out, err = run_cli(capsys, "cameras", "--login-url", "http://login.example.com")
    assert code == 2
    assert err.startswith("een-tui: error: refusing plain http:// to login.example.com")
    monkeypatch.setenv("EEN_API_URL", "http://10.1.2.3")
    code, _out, err = run_cli(capsys, "cameras", "--login-url", "https://login.example.com")
    assert code == 2 and "refusing plain http://" in err


def test_no_credentials_without_a_terminal(emulator, capsys):
    code, _out, err = run_cli(capsys, "cameras", "--login-url", emulator.url)
    assert code == 2 and "EEN_USERNAME" in err  # usage: no user name (issue 11)


def test_unreachable_host_is_one_line_exit_1(capsys, monkeypatch):
    code, _out, err = run_cli(capsys, "cameras", "--login-url", "http://127.0.0.1:9",
                              "--username", "ann", "--timeout", "2")
    # no password: the user name is known, the password is not -> auth error first
    assert code == 3 and err.count("\n") == 1
    monkeypatch.setenv("EEN_PASSWORD", "pw")
    code, _out, err = run_cli(capsys, "cameras", "--login-url", "http://127.0.0.1:9",
                              "--username", "ann")
    assert code == 1 and "cannot reach 127.0.0.1:9" in err and err.count("\n") == 1


@pytest.mark.parametrize("command", ["cameras", "download"])
def test_ctrl_c_while_waiting_for_the_server_is_one_line_and_exit_130(command, tmp_path):
    connected = gevent.event.Event()

    def hang(sock, _address):  # accept, never answer
        connected.set()
        gevent.sleep(30)

    server = gevent.server.StreamServer(("127.0.0.1", 0), hang)
    server.start()
    url = f"http://127.0.0.1:{server.server_port}"
    env = {**os.environ, "EEN_USERNAME": "ann", "EEN_PASSWORD": "pw"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "een_tui", command, "--login-url", url, "--out", str(tmp_path)]
        if command == "download" else [sys.executable, "-m", "een_tui", command,
                                       "--login-url", url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert connected.wait(30), "the command never connected"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        server.stop(timeout=0)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    assert err == "een-tui: error: interrupted\n"
