"""Test setup: gevent patches the standard library first, as the real entry point does."""

from gevent import monkey

monkey.patch_all()

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    """Every test gets its own XDG dirs and no EEN_* credentials from the developer's shell."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in ("EEN_USERNAME", "EEN_PASSWORD", "EEN_API_KEY", "EEN_LOGIN_URL", "EEN_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture
def emulator():
    """A fresh EEN emulator on an ephemeral loopback port: test mode, no faults, no latency."""
    from een_tui.emulator import EmulatorConfig, EmulatorServer

    config = EmulatorConfig(seed=1, test_mode=True)
    with EmulatorServer(config, host="127.0.0.1", port=0) as emu:
        yield emu


@pytest.fixture
def emulator_session(emulator):
    """A ``requests.Session`` logged in to the ``emulator`` fixture as its demo user."""
    import requests

    with requests.Session() as session:
        answer = session.post(f"{emulator.url}/g/aaa/authenticate", json={
            "username": emulator.demo_username, "password": emulator.demo_password}, timeout=10)
        answer.raise_for_status()
        session.post(f"{emulator.url}/g/aaa/authorize", json={"token": answer.json()["token"]},
                     timeout=10).raise_for_status()
        yield session
