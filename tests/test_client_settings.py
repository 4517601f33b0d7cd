"""URLs: plain HTTP only to loopback; the branded API host after login; config layering."""

import socket

import gevent.server
import pytest

from een_tui import config
from een_tui.api.client import EenClient
from een_tui.api.errors import ConfigurationError
from een_tui.api.settings import (
    DEFAULT_LOGIN_URL,
    ConnectionSettings,
    branded_api_url,
    checked_base_url,
    is_loopback_host,
)


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.1:8080",
                                 "http://login.eagleeyenetworks.com", "http://[2001:db8::1]",
                                 "http://127.0.0.1.nip.io"])
def test_plain_http_to_a_non_loopback_host_is_refused(url):
    with pytest.raises(ConfigurationError, match="refusing plain http"):
        checked_base_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9",
                                 "http://127.5.6.7", "https://example.com/", "HTTPS://x.y"])
def test_https_anywhere_and_http_on_loopback_are_accepted(url):
    assert not checked_base_url(url).endswith("/")


@pytest.mark.parametrize("url", ["", "ftp://x", "example.com", "https://user:pw@example.com",
                                 "https://"])
def test_malformed_urls_are_refused(url):
    with pytest.raises(ConfigurationError):
        checked_base_url(url)


def test_the_client_refuses_plain_http_before_sending_anything(monkeypatch):
    import requests

    def no_network(*args, **kwargs):
        raise AssertionError("a request was sent")

    monkeypatch.setattr(requests.Session, "request", no_network)
    with pytest.raises(ConfigurationError):
        EenClient(ConnectionSettings(login_url="http://login.example.com"))
    with pytest.raises(ConfigurationError):
        EenClient(ConnectionSettings(api_url="http://api.example.com"))


def test_loopback_hosts():
    assert is_loopback_host("127.0.0.1") and is_loopback_host("::1")
    assert is_loopback_host("localhost")
    assert not is_loopback_host("example.com") and not is_loopback_host(None)


def test_branded_api_host_after_login():
    assert branded_api_url(DEFAULT_LOGIN_URL, "c000") == "https://c000.eagleeyenetworks.com"
    # a strange subdomain is not trusted into a URL
    assert branded_api_url(DEFAULT_LOGIN_URL, "c0/../x") == DEFAULT_LOGIN_URL
    assert branded_api_url(DEFAULT_LOGIN_URL, None) == DEFAULT_LOGIN_URL
    # another login host (the emulator, a proxy) serves the API itself
    assert branded_api_url("http://127.0.0.1:5000", "c000") == "http://127.0.0.1:5000"


def test_settings_repr_hides_the_api_key():
    settings = ConnectionSettings(api_key="sekrit-api-key")
    assert "sekrit" not in repr(settings)


def test_flags_win_over_environment_over_config_file_over_defaults(isolated_environment):
    cfg = config.config_file()
    cfg.parent.mkdir(parents=True)
    cfg.write_text('login_url = "https://file.example.com"\nusername = "file-user"\n'
                   'timeout = 7\npassword = "never-read"\n')
    values = config.resolve({"login_url": None, "username": None, "timeout": None}, environ={})
    assert values["login_url"] == "https://file.example.com"
    assert values["username"] == "file-user" and values["timeout"] == 7
    assert "password" not in values
    env = {"EEN_LOGIN_URL": "https://env.example.com", "EEN_USERNAME": "env-user"}
    values = config.resolve({"username": None}, environ=env)
    assert values["login_url"] == "https://env.example.com" and values["username"] == "env-user"
    values = config.resolve({"username": "flag-user", "timeout": 3.0}, environ=env)
    assert values["username"] == "flag-user" and values["timeout"] == 3.0
    assert config.connection_settings(values).login_url == "https://env.example.com"


def test_defaults_without_any_configuration():
    values = config.resolve({}, environ={})
    settings = config.connection_settings(values)
    assert settings.login_url == DEFAULT_LOGIN_URL
    assert settings.api_url is None and settings.api_key is None


def test_a_broken_config_file_is_a_clear_error():
    cfg = config.config_file()
    cfg.parent.mkdir(parents=True)
    cfg.write_text("login_url = [unclosed\n")
    with pytest.raises(ConfigurationError, match="config file"):
        config.resolve({}, environ={})


def test_xdg_paths_follow_the_environment(isolated_environment):
    assert str(config.config_file()).startswith(str(isolated_environment / ".config"))
    assert str(config.session_cache_dir()).startswith(
        str(isolated_environment / ".local" / "state"))
    assert str(config.log_file()).startswith(str(isolated_environment / ".local" / "state"))


def test_the_test_suite_itself_never_reaches_beyond_loopback():
    import requests

    from een_tui.api.client import EenClient

    # 192.0.2.1 is TEST-NET-1: never routed. The conftest guard refuses it before any packet.
    client = EenClient(ConnectionSettings(login_url="https://192.0.2.1", timeout=1.0))
    with pytest.raises(AssertionError, match=r"tests talk to 127\.0\.0\.1 only"):
        client.authenticate("ann", "pw")
    with pytest.raises(AssertionError, match=r"127\.0\.0\.1 only"):
        requests.get("http://192.0.2.1:9/", timeout=1)
    with pytest.raises(AssertionError, match=r"not login\.eagleeyenetworks\.com"):
        EenClient(ConnectionSettings(timeout=1.0)).authenticate("ann", "pw")  # the default URL
    server = gevent.server.StreamServer(("127.0.0.1", 0), lambda sock, addr: sock.close())
    server.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=5):
            pass  # loopback stays allowed
    finally:
        server.stop()


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan")])
def test_every_request_has_a_finite_timeout(timeout):
    with pytest.raises(ConfigurationError, match="timeout"):
        ConnectionSettings(timeout=timeout)
    with pytest.raises(ConfigurationError, match="timeout"):
        config.connection_settings({"timeout": str(timeout)})
    with pytest.raises(ConfigurationError, match="timeout"):
        config.connection_settings({"timeout": timeout})  # as the TOML file gives it
