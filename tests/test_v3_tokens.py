"""v3 tokens against a scripted auth host over loopback HTTP: one shared refresh for many
greenlets, rotated refresh tokens persisted and resumed, static tokens, revoke, no secret in
any URL."""

import json
import stat

import gevent
import pytest
from v3_server import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, RunningFake

from een_tui.api import errors
from een_tui.api.v3.backend import V3Backend
from een_tui.api.v3.token_cache import CachedTokens, TokenCache, TokenSet
from een_tui.api.v3.tokens import LoginNeeded, OAuthClient


@pytest.fixture
def fake():
    with RunningFake() as running:
        yield running


def backend_for(fake, state_dir, **kwargs):
    oauth = OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, auth_url=fake.url)
    return V3Backend(oauth, cache=TokenCache(state_dir), api_url=fake.url, **kwargs)


def logged_in(fake, state_dir):
    backend = backend_for(fake, state_dir)
    flow = backend.login_flow(listen=False, env={})
    flow.begin()
    assert flow.finish(fake.app.issue_code()).done
    return backend


def test_five_greenlets_hitting_401_share_one_refresh(fake, tmp_path):
    backend = logged_in(fake, tmp_path)
    fake.app.expire_access()
    fake.app.refresh_delay_s = 0.2  # the refresh is slow: everyone's 401 arrives during it
    refreshes_before = fake.app.token_bodies.count
    workers = [gevent.spawn(backend.user) for _ in range(5)]
    gevent.joinall(workers, timeout=20, raise_error=True)
    assert [w.value["email"] for w in workers] == ["demo@example.com"] * 5
    grants = [b["grant_type"] for b in fake.app.token_bodies if "grant_type" in b]
    assert grants == ["authorization_code", "refresh_token"], refreshes_before
    assert fake.app.calls["/api/v3.0/users/self"] == 10  # 5 refused, 5 retried
    assert backend.client.tokens.refreshes == 1


def test_a_request_in_flight_with_the_old_token_just_retries(fake, tmp_path):
    backend = logged_in(fake, tmp_path)
    manager = backend.client.tokens
    old_token, old_generation = manager.access()
    fake.app.expire_access()
    backend.user()  # refreshes (generation 1)
    manager.after_401(old_generation)  # a late 401 on the old token: no second refresh
    assert manager.refreshes == 1 and manager.access()[0] != old_token


def test_rotated_refresh_token_is_persisted_and_a_new_process_resumes(fake, tmp_path):
    first = logged_in(fake, tmp_path)
    fake.app.expire_access()
    first.user()
    cache = TokenCache(tmp_path)
    cached = cache.load(fake.url, CLIENT_ID)
    assert cached.tokens.refresh_token == fake.app.refresh  # the rotated one, on disk
    assert cached.tokens.access_token == fake.app.access
    first.close()
    second = backend_for(fake, tmp_path)  # "the next command"
    assert second.resume() is True
    assert second.display_name == "Demo User" and second.username == "demo@example.com"
    fake.app.expire_access()  # and it can refresh with what it read
    assert second.user()["id"] == "u1"
    assert cache.load(fake.url, CLIENT_ID).tokens.refresh_token == fake.app.refresh


def test_a_newer_token_file_from_another_process_is_used_instead_of_refreshing(fake, tmp_path):
    one = logged_in(fake, tmp_path)
    other = backend_for(fake, tmp_path)
    assert other.resume()
    fake.app.expire_access()
    one.user()  # process one rotates: process two's refresh token is now dead
    calls = len(fake.app.token_bodies)
    assert other.user()["id"] == "u1"  # 401, then it finds one's tokens in the cache
    assert len(fake.app.token_bodies) == calls


def test_cache_file_is_private_and_written_atomically(tmp_path):
    cache = TokenCache(tmp_path / "state")
    tokens = TokenSet("acc-1", "ref-1", 2e9, "https://api.c001.eagleeyenetworks.com")
    cache.save(CachedTokens("https://auth.eagleeyenetworks.com", "cid", tokens))
    cache.save(CachedTokens("https://auth.eagleeyenetworks.com", "cid",
                            TokenSet("acc-2", "ref-2", 2e9, None)))
    files = list((tmp_path / "state").iterdir())
    assert len(files) == 1  # no temp file left behind
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert json.loads(files[0].read_text())["refresh_token"] == "ref-2"
    assert cache.load("https://auth.eagleeyenetworks.com", "other-client") is None
    assert "acc-2" not in repr(cache.load("https://auth.eagleeyenetworks.com", "cid"))


def test_unreadable_or_plain_http_cache_is_ignored(tmp_path):
    cache = TokenCache(tmp_path)
    path = cache.path_for("https://auth.eagleeyenetworks.com", "cid")
    path.write_text("{not json")
    assert cache.load("https://auth.eagleeyenetworks.com", "cid") is None
    path.write_text(json.dumps({"auth_url": "https://auth.eagleeyenetworks.com",
                                "client_id": "cid", "access_token": "a", "refresh_token": "r",
                                "expires_at": 2e9, "api_url": "http://evil.example.com"}))
    assert cache.load("https://auth.eagleeyenetworks.com", "cid") is None



def test_a_token_file_others_may_write_or_a_symlink_is_ignored_with_a_warning(tmp_path):
    warnings: list[str] = []
    cache = TokenCache(tmp_path / "state", warn=warnings.append)
    auth = "https://auth.eagleeyenetworks.com"
    cache.save(CachedTokens(auth, "cid", TokenSet("acc-1", "ref-1", 2e9, None)))
    path = cache.path_for(auth, "cid")
    path.chmod(0o666)
    assert cache.load(auth, "cid") is None
    assert cache.client_ids() == []
    assert "may be written by other users (permissions 0666)" in warnings[0]
    path.chmod(0o600)
    elsewhere = tmp_path / "planted.json"
    path.replace(elsewhere)
    path.symlink_to(elsewhere)
    assert cache.load(auth, "cid") is None
    assert cache.client_ids() == []
    path.unlink()
    elsewhere.replace(path)
    assert cache.load(auth, "cid").tokens.refresh_token == "ref-1"
    assert cache.client_ids() == ["cid"]


@pytest.mark.parametrize("api_url", [
    "https://evil.example.com",
    "https://api.c001.eagleeyenetworks.com.evil.example.com",
    "https://api.c001.eagleeyenetworks.com:8443",
])
def test_a_cache_pointing_the_token_elsewhere_is_ignored(tmp_path, api_url):
    warnings: list[str] = []
    cache = TokenCache(tmp_path, warn=warnings.append)
    auth = "https://auth.eagleeyenetworks.com"
    cache.save(CachedTokens(auth, "cid", TokenSet("acc-1", "ref-1", 2e9, api_url)))
    assert cache.load(auth, "cid") is None
    assert "is not one this login gives" in warnings[0]
    cache.save(CachedTokens(auth, "cid", TokenSet("acc-1", "ref-1", 2e9,
                                                  "https://api.c001.eagleeyenetworks.com")))
    assert cache.load(auth, "cid").tokens.api_url == "https://api.c001.eagleeyenetworks.com"

def test_refused_refresh_means_log_in_again_and_forgets_the_cache(fake, tmp_path):
    backend = logged_in(fake, tmp_path)
    fake.app.expire_access()
    fake.app.refresh = "someone-else-rotated-it"
    with pytest.raises(LoginNeeded, match="een-tui login"):
        backend.user()
    assert TokenCache(tmp_path).load(fake.url, CLIENT_ID) is None
    assert backend_for(fake, tmp_path).resume() is False


def test_static_access_token_works_without_refresh_and_401_is_final(fake, tmp_path):
    fake.app.access = "portal-token-123456"
    backend = V3Backend(None, static_token="portal-token-123456", api_url=fake.url)
    assert backend.resume() is True and backend.user()["id"] == "u1"
    fake.app.expire_access()
    with pytest.raises(LoginNeeded, match="EEN_ACCESS_TOKEN"):
        backend.user()
    assert fake.app.token_bodies == []  # never a refresh, never a login


def test_v3_cannot_log_in_without_a_person(fake, tmp_path):
    with pytest.raises(errors.MissingCredentials, match="browser"):
        backend_for(fake, tmp_path).login()


def test_logout_revokes_in_the_body_and_deletes_the_cache(fake, tmp_path):
    backend = logged_in(fake, tmp_path)
    refresh = fake.app.refresh
    backend.logout()
    assert fake.app.revoked == [refresh]
    assert TokenCache(tmp_path).load(fake.url, CLIENT_ID) is None
    later = backend_for(fake, tmp_path)
    assert later.resume() is False  # the next command needs a login (exit code 3)
    later.logout()  # nothing cached: nothing to do, no error


def test_no_secret_ever_in_a_url(fake, tmp_path):
    backend = logged_in(fake, tmp_path)
    code_seen = [b["code"] for b in fake.app.token_bodies if "code" in b]
    fake.app.add_camera("1000c4ae")
    backend.list_cameras()
    fake.app.expire_access()
    backend.user()
    backend.logout()
    secrets = {CLIENT_SECRET, *code_seen, *fake.app.revoked}
    secrets |= {b.get("refresh_token") for b in fake.app.token_bodies} - {None}
    assert len(secrets) >= 4
    for line in fake.app.request_lines:
        assert not any(secret in line for secret in secrets), line
    # and Basic client auth, never the secret in a form body
    assert all(CLIENT_SECRET not in json.dumps(b) for b in fake.app.token_bodies)


def test_token_answer_without_a_base_url_keeps_the_override(fake, tmp_path):
    fake.app.https_base = {"hostname": "127.0.0.1", "port": fake.server.server_port}
    oauth = OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, auth_url=fake.url)
    backend = V3Backend(oauth, cache=TokenCache(tmp_path))  # no override: httpsBaseUrl
    flow = backend.login_flow(listen=False, env={})
    flow.begin()
    flow.finish(fake.app.issue_code())
    assert backend.client.api_url == fake.url  # loopback auth host over http: http here too
    assert backend.user()["id"] == "u1"



def test_the_client_secret_is_redacted_once_the_token_endpoint_uses_it():
    from een_tui.api.secrets import redact
    from een_tui.api.v3.tokens import TokenEndpoint

    secret = "client-s3cret-value-42"
    assert secret in redact(f"header {secret}")
    TokenEndpoint(OAuthClient(CLIENT_ID, secret, REDIRECT_URI,
                              auth_url="https://auth.eagleeyenetworks.com"))
    assert "s3cret" not in redact(f"header {secret} and {secret!r}")
