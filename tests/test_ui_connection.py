"""Where the UI's session comes from: the demo emulator, or a real account (environment
credentials, cached session, else the login screen)."""

from __future__ import annotations

import argparse

from een_tui.commands.common import add_connection_options
from een_tui.ui.connection import AccountConnection, DemoConnection


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_connection_options(parser)
    return parser.parse_args(list(argv))


def test_demo_connection_logs_in_without_asking():
    connection = DemoConnection(emulator_options={"test_mode": True, "cameras": 30})
    try:
        assert connection.open() is True
        assert connection.client.isauth()
        devices = connection.client.list_devices().devices
        assert sum(d.is_camera for d in devices) == 30
    finally:
        connection.close()
    assert connection.emulator is None


def test_account_without_credentials_needs_the_login_screen(emulator):
    connection = AccountConnection(parse("--login-url", emulator.url, "--api-url", emulator.url))
    try:
        assert connection.open() is False
        assert connection.client is not None and not connection.client.isauth()
        assert connection.server == emulator.url
    finally:
        connection.close()


def test_account_with_environment_credentials_then_cached_session(emulator, monkeypatch):
    monkeypatch.setenv("EEN_USERNAME", emulator.demo_username)
    monkeypatch.setenv("EEN_PASSWORD", emulator.demo_password)
    args = parse("--login-url", emulator.url, "--api-url", emulator.url)
    first = AccountConnection(args)
    try:
        assert first.open() is True
        assert first.client.isauth()
    finally:
        first.close()
    emulator.reset_stats()
    monkeypatch.delenv("EEN_PASSWORD")  # the cached session needs no password
    second = AccountConnection(args)
    try:
        assert second.open() is True
        assert second.client.isauth()
    finally:
        second.close()
    logins = emulator.stats()["requests"].get("POST /g/aaa/authenticate", {})
    assert not logins, "the cached session should have been reused"
