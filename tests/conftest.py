"""Test setup: gevent patches the standard library first, as the real entry point does."""

from gevent import monkey

monkey.patch_all()

import ipaddress  # noqa: E402
import socket  # noqa: E402

import pytest  # noqa: E402


class OffLoopback(AssertionError):
    """A test tried to open a connection beyond this machine."""


def _is_loopback(host: object) -> bool:
    if host in ("localhost", b"localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse_off_loopback(connect):
    def guarded(self, address):
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            raise OffLoopback(f"tests talk to 127.0.0.1 only, not {address[0]}")
        return connect(self, address)

    return guarded


def _resolve_loopback_only(getaddrinfo):
    def guarded(host, *args, **kwargs):
        if host is not None and not _is_loopback(host):  # not even a DNS query
            raise OffLoopback(f"tests talk to 127.0.0.1 only, not {host}")
        return getaddrinfo(host, *args, **kwargs)

    return guarded


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Every connection (and name lookup) a test makes in this process stays on loopback, or
    the test fails."""
    monkeypatch.setattr(socket.socket, "connect", _refuse_off_loopback(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse_off_loopback(socket.socket.connect_ex))
    monkeypatch.setattr(socket, "getaddrinfo", _resolve_loopback_only(socket.getaddrinfo))


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    """Every test gets its own XDG dirs and no EEN_* credentials from the developer's shell."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in ("EEN_USERNAME", "EEN_PASSWORD", "EEN_API_KEY", "EEN_LOGIN_URL", "EEN_API_URL",
                 "EEN_API", "EEN_AUTH_URL", "EEN_CLIENT_ID", "EEN_CLIENT_SECRET",
                 "EEN_REDIRECT_URI", "EEN_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("een_tui.api.secrets._SECRETS", set())  # one test's password is not
    return home  # a secret in the next one (a "wrong" password would redact "wrong ...")


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


@pytest.fixture
def fast_retry():
    """The one retry policy with millisecond waits (the same attempts and Retry-After cap)."""
    from een_tui.api.retry_policy import RetryPolicy

    return RetryPolicy(max_attempts=6, backoff_base_s=0.001, backoff_max_s=0.005)


@pytest.fixture
def logged_in_client(emulator):
    """An ``EenClient`` logged in to the ``emulator`` fixture as its demo user (short retry
    waits; the API host derived from the login, as in real use)."""
    from een_tui.api.client import EenClient
    from een_tui.api.settings import ConnectionSettings

    client = EenClient(ConnectionSettings(login_url=emulator.url, retry_wait_max=0.05),
                       session_cache=None, pool_size=5)
    client.login(emulator.demo_username, emulator.demo_password)
    yield client
    client.close()


@pytest.fixture
def hostile():
    """A hostile HTTP server on 127.0.0.1 (``tests/hostile.py``): script answers per test with
    ``hostile.on(method, path, handler)``; set ``hostile.upstream`` to proxy the rest."""
    from hostile import HostileServer

    server = HostileServer().start()
    try:
        yield server
    finally:
        server.stop()
