"""The session cache file: mode 0600, keyed by (login URL, user name), expiry."""

import os
import stat
import time

from een_tui.api.session_cache import CachedSession, SessionCache


def session(**changes):
    values = dict(login_url="https://login.eagleeyenetworks.com", username="ann@example.com",
                  auth_key="c000~0123456789abcdef0123456789abcdef",
                  api_url="https://c000.eagleeyenetworks.com", expires_at=time.time() + 3600)
    values.update(changes)
    return CachedSession(**values)


def test_saved_with_mode_0600_in_a_0700_directory(tmp_path):
    cache = SessionCache(tmp_path / "sessions")
    cache.save(session())
    path = cache.path_for("https://login.eagleeyenetworks.com", "ann@example.com")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "sessions").st_mode) == 0o700
    assert "ann" not in path.name  # the file name reveals no user name
    assert [p.name for p in (tmp_path / "sessions").iterdir()] == [path.name]  # no temp left


def test_round_trip_and_keys(tmp_path):
    cache = SessionCache(tmp_path)
    cache.save(session())
    loaded = cache.load("https://login.eagleeyenetworks.com", "ann@example.com")
    assert loaded == session(expires_at=loaded.expires_at)
    assert cache.load("https://login.eagleeyenetworks.com", "bob@example.com") is None
    assert cache.load("http://127.0.0.1:9", "ann@example.com") is None


def test_an_expired_session_is_ignored_and_removed(tmp_path):
    cache = SessionCache(tmp_path)
    cache.save(session(expires_at=time.time() + 10))  # inside the safety margin
    assert cache.load("https://login.eagleeyenetworks.com", "ann@example.com") is None
    assert list(tmp_path.iterdir()) == []


def test_a_corrupt_file_is_ignored(tmp_path):
    cache = SessionCache(tmp_path)
    path = cache.path_for("https://login.eagleeyenetworks.com", "ann@example.com")
    path.write_text("{not json")
    assert cache.load("https://login.eagleeyenetworks.com", "ann@example.com") is None
    path.write_text('{"login_url": 1}')
    assert cache.load("https://login.eagleeyenetworks.com", "ann@example.com") is None


def test_delete_and_listing(tmp_path):
    cache = SessionCache(tmp_path)
    cache.save(session())
    cache.save(session(username="bob"))
    cache.save(session(login_url="http://127.0.0.1:1"))
    assert {s.username for s in cache.sessions_for("https://login.eagleeyenetworks.com")} == {
        "ann@example.com", "bob"}
    assert cache.delete("https://login.eagleeyenetworks.com", "bob") is True
    assert cache.delete("https://login.eagleeyenetworks.com", "bob") is False


def test_repr_hides_the_auth_key():
    assert "0123456789abcdef" not in repr(session())


def test_a_tampered_plain_http_api_host_is_ignored(tmp_path):
    cache = SessionCache(tmp_path)
    cache.save(session(api_url="http://evil.example.com"))
    assert cache.load("https://login.eagleeyenetworks.com", "ann@example.com") is None
