"""Secrets: validated when read and never echoed; redacted in every form; files that hold or lead
to them (password file, session cache) distrusted when they are not private."""

from __future__ import annotations

import json
import logging
import os
import time

import pytest
from hostile import Reply

from een_tui import cli, config, exitcodes
from een_tui.api.credentials import read_password_file
from een_tui.api.errors import MissingCredentials
from een_tui.api.session_cache import CachedSession, SessionCache

EEN_LOGIN = "https://login.eagleeyenetworks.com"


def log_text() -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    path = config.log_file()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def password_file(tmp_path, content: str, mode: int = 0o600):
    path = tmp_path / "password"
    path.write_text(content)
    path.chmod(mode)
    return path


def cameras(emulator, *extra: str, cache: bool = False) -> int:
    argv = ["cameras", "--login-url", emulator.url, "--username", emulator.demo_username, *extra]
    return cli.main(argv if cache else [*argv, "--no-session-cache"])


@pytest.mark.parametrize("key", [" k3y-leading-space", "k3y-trailing-newline\n",
                                 "k3y-with\x1b[2J-escape", "k3y-trailing-tab\t"])
def test_an_api_key_with_white_space_or_controls_is_refused_unechoed(
        emulator, tmp_path, capsys, monkeypatch, key):
    monkeypatch.setenv("EEN_API_KEY", key)
    secret = password_file(tmp_path, emulator.demo_password + "\n")
    code = cameras(emulator, "--password-file", str(secret))
    out, err = capsys.readouterr()
    assert code == exitcodes.USAGE
    assert "API key" in err and "not shown" in err
    assert "k3y" not in err and "k3y" not in out and "k3y" not in log_text()


def test_a_password_from_the_environment_with_a_newline_is_refused_unechoed(
        emulator, capsys, monkeypatch):
    monkeypatch.setenv("EEN_PASSWORD", emulator.demo_password + "\n")
    code = cameras(emulator)
    err = capsys.readouterr().err
    assert code == exitcodes.AUTH_FAILED
    assert "EEN_PASSWORD" in err and "white space" in err
    assert emulator.demo_password not in err and emulator.demo_password not in log_text()


def test_dev_zero_as_password_file_is_a_clear_bounded_error(emulator, capsys):
    code = cameras(emulator, "--password-file", "/dev/zero")
    err = capsys.readouterr().err
    assert code == exitcodes.AUTH_FAILED
    assert "/dev/zero is too large" in err


def test_a_password_file_readable_by_others_is_used_with_an_ssh_like_warning(
        emulator, tmp_path, capsys):
    secret = password_file(tmp_path, emulator.demo_password + "\n", 0o644)
    assert cameras(emulator, "--password-file", str(secret)) == 0
    err = capsys.readouterr().err
    assert f"permissions 0644 for '{secret}' are too open" in err
    assert err.count("too open") == 1


def test_a_private_password_file_gives_no_warning(tmp_path):
    warnings: list[str] = []
    secret = password_file(tmp_path, "pw-file-ok\n", 0o600)
    assert read_password_file(secret, warn=warnings.append) == "pw-file-ok"
    assert warnings == []
    trailing = password_file(tmp_path, "pw-with-space \n", 0o600)
    with pytest.raises(MissingCredentials, match="white space") as caught:
        read_password_file(trailing)
    assert "pw-with-space" not in str(caught.value)


def test_redaction_catches_escaped_and_encoded_forms(isolated_environment):
    from een_tui.logsetup import redact, register_secret, setup_logging

    secret = "S3cr\u00e9t/key+1\n"
    register_secret(secret)
    setup_logging()
    forms = [secret, repr(secret), json.dumps(secret), "S3cr%C3%A9t%2Fkey%2B1%0A",
             "S3cr%C3%A9t/key%2B1%0A", ascii(secret)]
    log = logging.getLogger("een_tui.test")
    for form in forms:
        log.warning("header value %s rejected", form)
        assert "S3cr" not in redact(f"value {form}")
    text = log_text()
    assert text.count("rejected") == len(forms)
    assert "S3cr" not in text


# -- the session cache ------------------------------------------------------------------------


def cached(**changes) -> CachedSession:
    values = dict(login_url=EEN_LOGIN, username="ann", auth_key="c000~feedfacefeedface",
                  api_url="https://c000.eagleeyenetworks.com", expires_at=time.time() + 3600)
    values.update(changes)
    return CachedSession(**values)


@pytest.fixture
def cache(tmp_path):
    warnings: list[str] = []
    store = SessionCache(tmp_path / "sessions", warn=warnings.append)
    store.warnings = warnings
    return store


def test_a_cache_file_writable_by_others_is_ignored_with_a_warning(cache):
    cache.save(cached())
    path = cache.path_for(EEN_LOGIN, "ann")
    path.chmod(0o666)
    assert cache.load(EEN_LOGIN, "ann") is None
    assert "may be written by other users (permissions 0666)" in cache.warnings[0]
    path.chmod(0o600)
    cache.directory.chmod(0o777)
    assert cache.load(EEN_LOGIN, "ann") is None
    assert "its folder may be written by other users" in cache.warnings[1]
    cache.directory.chmod(0o700)
    assert cache.load(EEN_LOGIN, "ann") is not None


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_cache_file_owned_by_another_user_is_ignored(cache):
    cache.save(cached())
    os.chown(cache.path_for(EEN_LOGIN, "ann"), 12345, -1)
    assert cache.load(EEN_LOGIN, "ann") is None
    assert "owned by another user (uid 12345)" in cache.warnings[0]


def test_a_linked_huge_or_odd_cache_file_is_ignored(cache, tmp_path):
    cache.save(cached())
    path = cache.path_for(EEN_LOGIN, "ann")
    elsewhere = tmp_path / "elsewhere.json"
    path.replace(elsewhere)
    path.symlink_to(elsewhere)
    assert cache.load(EEN_LOGIN, "ann") is None
    path.unlink()
    path.write_text(json.dumps({**cached().__dict__, "pad": "x" * 100_000}))
    path.chmod(0o600)
    assert cache.load(EEN_LOGIN, "ann") is None
    assert "larger than" in cache.warnings[-1]


@pytest.mark.parametrize("api_url", [
    "https://evil.example.com",
    "https://c000.eagleeyenetworks.com.evil.example.com",
    "https://c000.eagleeyenetworks.com:8443",
    "http://127.0.0.1:9",
])
def test_a_cache_pointing_the_key_elsewhere_is_ignored(cache, api_url):
    cache.save(cached(api_url=api_url))
    assert cache.load(EEN_LOGIN, "ann") is None
    assert "is not one this login gives" in cache.warnings[0]


def test_a_cache_with_the_configured_api_override_is_used(tmp_path):
    store = SessionCache(tmp_path, api_url="https://proxy.example.net/")
    store.save(cached(api_url="https://proxy.example.net"))
    assert store.load(EEN_LOGIN, "ann") is not None
    assert SessionCache(tmp_path).load(EEN_LOGIN, "ann") is None


def test_an_edited_cache_never_sends_the_key_to_another_server(emulator, hostile, tmp_path,
                                                              capsys):
    """A real run: the cache names the hostile server as API host; the command warns, logs
    in again at the emulator, and the hostile server never sees the key."""
    hostile.on("GET", "/g/aaa/isauth", Reply(200, body={"status": "ok"}))
    store = SessionCache(config.session_cache_dir())
    store.save(cached(login_url=emulator.url, username=emulator.demo_username,
                      api_url=hostile.url, auth_key="c001~stolen-if-sent"))
    secret = password_file(tmp_path, emulator.demo_password + "\n")
    assert cameras(emulator, "--password-file", str(secret), cache=True) == 0
    err = capsys.readouterr().err
    assert "is not one this login gives" in err
    assert hostile.requests == []


def test_a_cached_key_with_a_newline_is_ignored(cache):
    cache.save(cached(auth_key="c000~feedface\r\nX-Evil: 1"))
    assert cache.load(EEN_LOGIN, "ann") is None
