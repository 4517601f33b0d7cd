"""The session cache through the real CLI: reused, 0600, ignored when expired or refused,
skipped with --no-session-cache, and removed by `een-tui logout`."""

import json
import os
import stat

import pytest

from een_tui import config
from een_tui.cli import main


@pytest.fixture
def env(emulator, monkeypatch):
    monkeypatch.setenv("EEN_USERNAME", emulator.demo_username)
    monkeypatch.setenv("EEN_PASSWORD", emulator.demo_password)
    monkeypatch.setenv("EEN_LOGIN_URL", emulator.url)
    return emulator


def logins(emulator):
    return sum(emulator.stats()["requests"].get("POST /g/aaa/authenticate", {}).values())


def cache_files():
    folder = config.session_cache_dir()
    return sorted(folder.glob("session-*.json")) if folder.exists() else []


def cameras(capsys, *extra):
    code = main(["cameras", "--json", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_the_session_is_cached_0600_and_reused(env, capsys):
    first = cameras(capsys)
    assert logins(env) == 1
    [path] = cache_files()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert env.demo_password not in path.read_text()
    second = cameras(capsys)
    assert second == first
    assert logins(env) == 1  # no second login: the cached session was reused
    assert env.stats()["requests"]["GET /g/aaa/isauth"]["200"] == 1


def test_an_expired_cache_entry_is_ignored(env, capsys):
    cameras(capsys)
    [path] = cache_files()
    data = json.loads(path.read_text())
    data["expires_at"] = 1.0
    path.write_text(json.dumps(data))
    cameras(capsys)
    assert logins(env) == 2
    [path] = cache_files()
    assert json.loads(path.read_text())["expires_at"] > 1.0


def test_a_session_the_server_ended_is_replaced(env, capsys):
    cameras(capsys)
    [path] = cache_files()
    data = json.loads(path.read_text())
    data["auth_key"] = "c000~00000000000000000000000000000000"
    path.write_text(json.dumps(data))
    cameras(capsys)
    assert logins(env) == 2
    assert env.stats()["requests"]["GET /g/aaa/isauth"]["401"] == 1


def test_no_session_cache_writes_nothing(env, capsys):
    cameras(capsys, "--no-session-cache")
    cameras(capsys, "--no-session-cache")
    assert cache_files() == []
    assert logins(env) == 2


def test_logout_ends_the_session_and_deletes_the_cache(env, capsys):
    cameras(capsys)
    assert len(cache_files()) == 1
    assert main(["logout"]) == 0
    _out, err = capsys.readouterr()
    assert "logged out" in err
    assert cache_files() == []
    assert env.stats()["requests"]["POST /g/aaa/logout"]["204"] == 1
    cameras(capsys)  # a fresh login afterwards
    assert logins(env) == 2


def test_logout_without_a_session(env, capsys):
    assert main(["logout"]) == 0
    assert "no cached session" in capsys.readouterr().err


def test_logout_when_the_server_is_gone_still_deletes_the_cache(env, capsys):
    cameras(capsys)
    env.stop()
    assert main(["logout"]) == 1
    assert "local session was deleted" in capsys.readouterr().err
    assert cache_files() == []
