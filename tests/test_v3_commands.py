"""EEN API v3 through the real command line (subprocesses) against the emulator over HTTP:
`een-tui login --api v3` by paste on a pipe and by the loopback listener (the test plays the
browser), then `cameras` and `download` without a new login, `logout` revokes, and afterwards
the commands exit 3. No secret ever in a URL (the emulator counts)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import gevent
import pytest
import requests
from PIL import Image

from een_tui import exitcodes
from een_tui.emulator import EmulatorConfig, EmulatorServer

PROJECT = Path(__file__).resolve().parent.parent
DEADLINE_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def emu():
    with EmulatorServer(EmulatorConfig(seed=3, test_mode=True, image_latency_ms=40),
                        host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def env(emu, isolated_environment):
    """The environment of a v3 user of the emulator: client id and secret (the secret from the
    environment, never a flag), an auth host, a redirect URI on a free loopback port."""
    redirect = f"http://127.0.0.1:{free_port()}/callback"
    emu.allow_redirect_uri(redirect)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EEN_")}
    environ.update(PYTHONPATH=str(PROJECT), EEN_AUTH_URL=emu.url,
                   EEN_CLIENT_ID=emu.v3_client_id, EEN_CLIENT_SECRET=emu.v3_client_secret,
                   EEN_REDIRECT_URI=redirect)
    environ.pop("SSH_CONNECTION", None)
    environ.pop("DISPLAY", None)
    environ.pop("WAYLAND_DISPLAY", None)
    return environ


def een_tui(env: dict, *args: str, stdin: int | None = subprocess.DEVNULL
            ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "een_tui", *args], env=env, stdin=stdin,
                          capture_output=True, text=True, timeout=DEADLINE_S, cwd=PROJECT)


def start_login(env: dict, *extra: str) -> tuple[subprocess.Popen, str, list[str]]:
    """`een-tui login --api v3` on pipes; returns it, the authorize URL and the lines before."""
    process = subprocess.Popen([sys.executable, "-m", "een_tui", "login", "--api", "v3", *extra],
                               env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=PROJECT)
    lines: list[str] = []
    with gevent.Timeout(DEADLINE_S):
        while True:
            line = process.stderr.readline()
            assert line, f"login ended early: {lines}"
            lines.append(line.strip())
            if line.startswith("http://"):
                break
        # the hints follow the address; read up to the paste help
        while not lines[-1].startswith("Or paste"):
            lines.append(process.stderr.readline().strip())
    return process, lines[0], lines


def authorize_url(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("http://"))


def finish(process: subprocess.Popen) -> tuple[int, str]:
    _out, err = process.communicate(timeout=DEADLINE_S)
    return process.returncode, err


def login_by_paste(emu, env) -> str:
    process, _first, lines = start_login(env)
    redirect = emu.v3_approve(authorize_url(lines))
    process.stdin.write(redirect + "\n")
    process.stdin.flush()
    code, err = finish(process)
    assert code == exitcodes.OK, err
    return "\n".join(lines) + err


def test_login_by_paste_on_a_pipe_then_cameras_and_download_without_a_new_login(
        emu, env, tmp_path):
    said = login_by_paste(emu, env)
    assert "5 minutes" in said
    assert "logged in as demo@een-tui.test (EEN API v3)" in said
    exchanges = emu.stats()["requests"]["POST /oauth2/token"]["200"]
    assert exchanges == 1

    listing = een_tui(env, "cameras", "--api", "v3", "--json")
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert rows and all(r["status_bits"] is None for r in rows)
    assert all(isinstance(r["connection_status"], str) for r in rows)
    assert all(r["recording"] is None for r in rows)
    online = [r for r in rows if r["connection_status"] == "online"]
    assert online and all(r["status"] == "online" for r in online)

    emu.reset_stats()
    out = tmp_path / "out"
    run = een_tui(env, "download", "--api", "v3", "--camera", online[0]["id"], "--count", "20",
                  "--workers", "5", "--out", str(out), "--json")
    assert run.returncode == exitcodes.OK, run.stderr
    files = sorted((out / online[0]["id"]).glob("*.jpg"))
    assert len(files) == 20
    assert len({f.read_bytes() for f in files}) == 20  # 20 distinct images
    for path in files:
        with Image.open(path) as image:
            image.verify()
    assert not list(out.rglob("*.part"))
    stats = emu.stats()
    assert stats["v3_images_in_flight_max"] == 5
    assert "POST /oauth2/token" not in stats["requests"]  # no new login, no refresh
    assert stats["secrets_in_urls"] == 0


def test_login_by_the_listener_when_the_browser_is_redirected(emu, env):
    process, _first, lines = start_login(env, "--redirect-uri", env["EEN_REDIRECT_URI"])
    redirect = emu.v3_approve(authorize_url(lines))
    answer = requests.get(redirect, timeout=10)  # the browser following the redirect
    assert answer.status_code == 200
    assert "close" in answer.text.lower()
    code, err = finish(process)
    assert code == exitcodes.OK, err
    assert "logged in as demo@een-tui.test" in err
    listing = een_tui(env, "cameras", "--json")  # v3 by default: a client id is configured
    assert listing.returncode == 0, listing.stderr
    assert json.loads(listing.stdout)[0]["connection_status"] is not None
    assert emu.stats()["secrets_in_urls"] == 0


def test_the_ssh_hint_when_over_ssh(emu, env):
    env = {**env, "SSH_CONNECTION": "10.0.0.2 5555 10.0.0.1 22"}
    process, _first, lines = start_login(env)
    port = env["EEN_REDIRECT_URI"].split(":")[2].split("/")[0]
    assert any(f"ssh -L {port}:127.0.0.1:{port}" in line for line in lines), lines
    process.stdin.close()  # nothing pasted: end of input
    process.kill()
    process.wait(timeout=DEADLINE_S)


def test_logout_revokes_then_commands_exit_3(emu, env, tmp_path):
    login_by_paste(emu, env)
    bye = een_tui(env, "logout", "--api", "v3")
    assert bye.returncode == 0, bye.stderr
    assert "revoked" in bye.stderr
    assert emu.stats()["requests"]["POST /oauth2/revoke"]["200"] == 1
    again = een_tui(env, "cameras", "--api", "v3")
    assert again.returncode == exitcodes.AUTH_FAILED, again.stderr
    assert "een-tui login" in again.stderr
    assert "Traceback" not in again.stderr
    run = een_tui(env, "download", "--api", "v3", "--out", str(tmp_path / "o"))
    assert run.returncode == exitcodes.AUTH_FAILED, run.stderr


def test_download_on_a_pipe_without_a_login_exits_3(env, tmp_path):
    run = een_tui(env, "download", "--api", "v3", "--out", str(tmp_path / "o"))
    assert run.returncode == exitcodes.AUTH_FAILED
    assert "run een-tui login" in run.stderr


def test_no_client_secret_on_the_command_line(env):
    refused = een_tui(env, "cameras", "--api", "v3", "--client-secret", "s3cret")
    assert refused.returncode == exitcodes.USAGE
    assert "EEN_CLIENT_SECRET" in refused.stderr
    assert "s3cret" not in refused.stderr


def test_v3_without_a_client_id_says_how_to_get_one(env):
    env = {k: v for k, v in env.items() if k not in ("EEN_CLIENT_ID", "EEN_CLIENT_SECRET")}
    run = een_tui(env, "cameras", "--api", "v3")
    assert run.returncode == exitcodes.AUTH_FAILED
    assert "EEN_CLIENT_ID" in run.stderr


def test_demo_v3_headless_logs_in_through_the_browser_flow(env):
    listing = een_tui(env, "cameras", "--demo", "--api", "v3", "--json")
    assert listing.returncode == 0, listing.stderr
    statuses = {row["connection_status"] for row in json.loads(listing.stdout)}
    assert "online" in statuses


# The status table of issue 10, written out here (not taken from the code under test).
STATUS_TABLE = {
    "online": "online",
    "off": "off",
    "bridgeOffline": "internet_offline",
    "deviceOffline": "offline",
    "error": "offline",
    "invalidCredentials": "password_needed",
    "unknown": "unknown",
}


def test_every_status_of_the_table_through_cameras_json(env):
    listing = een_tui(env, "cameras", "--demo", "--api", "v3", "--json")
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    seen = set()
    for row in rows:
        assert row["status"] == STATUS_TABLE[row["connection_status"]], row
        seen.add(row["connection_status"])
    assert seen == set(STATUS_TABLE)
    table = een_tui(env, "cameras", "--demo", "--api", "v3")
    assert table.returncode == 0, table.stderr
    for label in ("Online", "Off", "Internet Offline", "Offline", "Password Needed", "Unknown"):
        assert f" {label} " in table.stdout, label
    assert " REC " not in table.stdout.split("\n", 1)[1]  # v3: no recording flag, "–"
    assert " – " in table.stdout


def test_cameras_all_lists_the_bridges_from_the_bridge_list(emu, env):
    login_by_paste(emu, env)
    listing = een_tui(env, "cameras", "--all", "--json")
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    bridges = {r["id"] for r in rows if r["type"] == "bridge"}
    assert bridges
    assert emu.stats()["requests"]["GET /api/v3.0/bridges"]["200"] >= 1
    cameras = [r for r in rows if r["type"] == "camera"]
    assert {b for r in cameras for b in r["bridges"]} & bridges  # the cameras' own bridges


def test_an_access_token_from_the_portal_works_without_a_login(emu, env):
    from v3_emulator_helpers import login

    token = login(emu)["access_token"]
    env = {k: v for k, v in env.items() if not k.startswith("EEN_")}
    env.update(EEN_ACCESS_TOKEN=token, EEN_API_URL=emu.url)
    listing = een_tui(env, "cameras", "--json")  # v3 by default: a token is set
    assert listing.returncode == 0, listing.stderr
    assert json.loads(listing.stdout)[0]["connection_status"]
    assert token not in listing.stderr
    assert emu.stats()["secrets_in_urls"] == 0


def test_v1_login_caches_the_session_for_the_next_command(emu, env, tmp_path):
    password = tmp_path / "password"
    password.write_text(emu.demo_password + "\n")
    v1 = {k: v for k, v in env.items() if not k.startswith("EEN_")}
    v1.update(EEN_LOGIN_URL=emu.url, EEN_USERNAME=emu.demo_username)
    done = een_tui(v1, "login", "--password-file", str(password))
    assert done.returncode == 0, done.stderr
    assert "logged in as" in done.stderr and "EEN API v1" in done.stderr
    listing = een_tui(v1, "cameras", "--json")  # no password now: the cached session
    assert listing.returncode == 0, listing.stderr
    assert sum(emu.stats()["requests"]["POST /g/aaa/authenticate"].values()) == 1


def test_an_on_demand_camera_ends_short_with_the_reason(env, tmp_path):
    listing = een_tui(env, "cameras", "--demo", "--api", "v3", "--json")
    [camera] = [r for r in json.loads(listing.stdout) if r["name"] == "SAM Service Bay"]
    run = een_tui(env, "download", "--demo", "--api", "v3", "--camera", camera["id"],
                  "--count", "20", "--out", str(tmp_path / "out"), "--json")
    assert run.returncode == exitcodes.INCOMPLETE, run.stderr
    summary = json.loads(run.stdout)
    assert 0 < summary["saved"] < 20
    assert "recorded preview images" in summary["error"]  # the backend's shortfall reason
    assert "recorded preview images" in run.stderr


def test_logout_without_a_v3_login_says_so(env):
    env = {k: v for k, v in env.items() if k not in ("EEN_CLIENT_ID", "EEN_CLIENT_SECRET")}
    bye = een_tui(env, "logout", "--api", "v3")
    assert bye.returncode == 0, bye.stderr
    assert "no cached v3 login" in bye.stderr


def test_the_secret_from_a_file_and_the_cached_client_id_are_used(emu, env, tmp_path):
    secret = tmp_path / "client-secret"
    secret.write_text(emu.v3_client_secret + "\n")
    secret.chmod(0o600)
    env = {k: v for k, v in env.items() if k != "EEN_CLIENT_SECRET"}
    process, _first, lines = start_login(env, "--client-secret-file", str(secret))
    process.stdin.write(emu.v3_approve(authorize_url(lines)) + "\n")
    process.stdin.flush()
    code, err = finish(process)
    assert code == exitcodes.OK, err
    # later: no client id configured, no --api: the cached v3 login is found and used
    later = {k: v for k, v in env.items() if k != "EEN_CLIENT_ID"}
    listing = een_tui(later, "cameras", "--json", "--client-secret-file", str(secret))
    assert listing.returncode == 0, listing.stderr
    assert json.loads(listing.stdout)[0]["connection_status"]


def test_the_config_file_chooses_v3(env, isolated_environment):
    folder = isolated_environment / ".config" / "een-tui"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text('api = "v3"\n')
    env = {k: v for k, v in env.items() if k != "EEN_CLIENT_ID"}
    run = een_tui(env, "cameras")
    assert run.returncode == exitcodes.AUTH_FAILED
    assert "EEN_CLIENT_ID" in run.stderr  # v3 was chosen, and it needs a client id
    v1 = een_tui(env, "cameras", "--api", "v1")
    assert "EEN_CLIENT_ID" not in v1.stderr


def test_input_that_ends_without_a_code_and_no_listener_ends_the_login(emu, env):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    redirect = f"http://127.0.0.1:{port}/callback"
    emu.allow_redirect_uri(redirect)
    try:
        run = een_tui({**env, "EEN_REDIRECT_URI": redirect}, "login", "--api", "v3")
    finally:
        busy.close()
    assert run.returncode == exitcodes.AUTH_FAILED, run.stderr
    assert f"Port {port} is busy" in run.stderr
    assert "the input ended" in run.stderr
