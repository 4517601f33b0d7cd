"""The terminal UI on EEN API v3, in a real pty: `--demo --api v3` (the demo logs in through
the browser-flow code by itself) reaching the camera list and downloading 20/20; and a v3
account whose login screen shows the address to open, completed by a paste in the edit box or
by the browser's redirect reaching the listener; Esc cancels."""

from __future__ import annotations

import socket

import pytest
import requests
from test_ui_e2e import IMAGE_LATENCY_MS, Terminal, five_workers_busy, jpegs_in

from een_tui.emulator import EmulatorConfig, EmulatorServer


@pytest.fixture
def terminals():
    opened: list[Terminal] = []

    def start(args: list[str], env: dict | None = None) -> Terminal:
        terminal = Terminal(args, cols=120, rows=40, term="xterm-256color", env=env or {})
        opened.append(terminal)
        return terminal

    yield start
    for terminal in opened:
        terminal.close()


def test_demo_v3_reaches_the_cameras_and_downloads_20(terminals, tmp_path):
    t = terminals(["--demo", "--api", "v3", "--count", "20", "--out", str(tmp_path / "out"),
                   "--demo-image-latency-ms", str(IMAGE_LATENCY_MS)])
    text = t.wait_for("cameras loaded")
    assert text.startswith(" een-tui · Cameras · Demo User (demo@een-tui.test)")  # /users/self
    assert "● Online" in text
    t.send("r")
    t.wait_for(five_workers_busy)
    text = t.wait_for(lambda s: "20/20 images" in s and "Done" in s)
    assert "Done: 20/20 saved" in text
    files = jpegs_in(tmp_path / "out")
    assert len({f.read_bytes() for f in files}) == 20
    t.send("q")
    assert t.wait_exit() == 0


@pytest.fixture
def account(isolated_environment):
    """A v3 account on an emulator: the environment a person would set, with a redirect URI on
    a free loopback port (registered with the emulator)."""
    with EmulatorServer(EmulatorConfig(seed=4, test_mode=True), host="127.0.0.1",
                        port=0) as emu:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        redirect = f"http://127.0.0.1:{port}/callback"
        emu.allow_redirect_uri(redirect)
        env = {"EEN_AUTH_URL": emu.url, "EEN_CLIENT_ID": emu.v3_client_id,
               "EEN_CLIENT_SECRET": emu.v3_client_secret, "EEN_REDIRECT_URI": redirect,
               "EEN_API": "v3", "DISPLAY": "", "WAYLAND_DISPLAY": "",
               "SSH_CONNECTION": "10.0.0.2 5555 10.0.0.1 22"}
        yield emu, env, port


def address_on(text: str) -> str:
    """The authorize address as shown: wrapped over lines, no frame around it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "Open this address" in line) + 2
    parts = []
    for line in lines[start:]:
        if not line.strip():
            break
        parts.append(line.strip())
    return "".join(parts)


def test_the_login_screen_shows_the_address_and_takes_a_paste(terminals, account):
    emu, env, port = account
    t = terminals([], env)
    text = t.wait_for("Address or code")
    assert "5 minutes" in text
    assert f"ssh -L {port}:127.0.0.1:{port}" in text
    url = address_on(text)
    assert url.startswith(f"{emu.url}/oauth2/authorize?")
    t.send("not a code!\r")
    t.wait_for("neither the address")
    redirect = emu.v3_approve(url)
    t.send(redirect + "\r")
    text = t.wait_for("cameras loaded")
    assert "Demo User" in text
    assert emu.stats()["secrets_in_urls"] == 0
    t.send("q")
    assert t.wait_exit() == 0


def test_the_listener_completes_the_ui_login_and_esc_cancels(terminals, account):
    emu, env, _port = account
    t = terminals([], env)
    first = address_on(t.wait_for("Address or code"))
    t.send("\x1b")
    t.wait_for("Login cancelled")
    t.send("\r")  # a new attempt: a new address (a new state)
    text = t.wait_for(lambda s: "Address or code" in s and address_on(s) != first)
    redirect = emu.v3_approve(address_on(text))
    assert requests.get(redirect, timeout=10).status_code == 200  # the browser's redirect
    t.wait_for("cameras loaded")
    t.send("q")
    assert t.wait_exit() == 0
