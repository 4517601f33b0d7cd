"""The client over real HTTP against the EEN emulator on 127.0.0.1."""

import gevent
import pytest

from een_tui.api import errors
from een_tui.api.client import EenClient
from een_tui.api.session_cache import CachedSession
from een_tui.api.settings import ConnectionSettings
from een_tui.api.status import decode_status


def new_client(emulator, **settings):
    pool_size = settings.pop("pool_size", 5)
    settings.setdefault("retry_wait_max", 0.05)
    return EenClient(ConnectionSettings(login_url=emulator.url, **settings), session_cache=None,
                     pool_size=pool_size)


def count(emulator, route, status=None):
    answers = emulator.stats()["requests"].get(route, {})
    return sum(answers.values()) if status is None else answers.get(str(status), 0)


@pytest.fixture
def client(logged_in_client):
    return logged_in_client


def online_camera(client):
    return next(d for d in client.list_devices().devices if d.usable)


def test_login_and_the_whole_demo_account(emulator, client):
    assert client.user["active_brand_subdomain"]
    assert client.api_url == emulator.url  # not an EEN host: the emulator serves the API
    assert client.isauth() is True
    listing = client.list_devices()
    assert listing.skipped == 0
    assert len(listing.devices) >= 90
    assert {d.type for d in listing.devices} >= {"camera", "bridge"}
    for device in listing.devices:
        expected = decode_status(device.status_bits, is_bridge=device.is_bridge).status
        assert device.status is expected
    assert count(emulator, "POST /g/aaa/authenticate") == 1


def test_two_factor_login(emulator):
    client = new_client(emulator)
    asked = []

    def ask_code(method, destination):
        asked.append((method, destination))
        return emulator.tfa_code

    user = client.login(emulator.tfa_username, emulator.tfa_password, ask_code=ask_code)
    assert user and client.isauth()
    assert asked and asked[0][0] in {"sms", "email"} and "*" in asked[0][1]
    assert count(emulator, "POST /g/aaa/two_factor_authenticate", 200) == 1


def test_two_factor_wrong_code_and_no_way_to_ask(emulator):
    client = new_client(emulator)
    wrong = "0000" if emulator.tfa_code != "0000" else "1111"
    with pytest.raises(errors.TwoFactorFailed, match="wrong two-factor code"):
        client.login(emulator.tfa_username, emulator.tfa_password, ask_code=lambda m, d: wrong)
    with pytest.raises(errors.TwoFactorRequired):
        client.login(emulator.tfa_username, emulator.tfa_password)
    assert not client.is_logged_in


def test_bad_password(emulator):
    client = new_client(emulator)
    with pytest.raises(errors.InvalidCredentials, match="wrong EEN user name or password"):
        client.login(emulator.demo_username, "not-the-password")
    assert not client.is_logged_in


def test_an_expired_session_mid_use_relogs_in_exactly_once(emulator, client):
    camera = online_camera(client)
    stamps = client.list_image_timestamps(camera.id, count=-10)
    # End the session on the server behind the client's back (as EEN does after ~4 h).
    other = new_client(emulator)
    other.adopt_session(CachedSession(emulator.url, "x", client._auth_key, emulator.url, 2e9))
    other.logout()
    emulator.reset_stats()

    def fetch(stamp):
        with client.open_image(camera.id, stamp) as (headers, chunks):
            return headers.timestamp, b"".join(chunks)

    jobs = [gevent.spawn(fetch, stamp) for stamp in stamps]
    gevent.joinall(jobs, raise_error=True)
    assert sorted(job.value[0] for job in jobs) == sorted(stamps)
    assert all(job.value[1][:2] == b"\xff\xd8" for job in jobs)
    assert count(emulator, "POST /g/aaa/authenticate") == 1
    assert count(emulator, "POST /g/aaa/authorize") == 1
    assert client.relogins == 1
    assert count(emulator, "GET /asset/asset/image.jpeg", 401) >= 1


def test_a_session_ended_again_after_the_relogin_is_checked_and_not_renewed(emulator, client):
    def end_the_session_behind_the_clients_back():
        other = new_client(emulator)
        other.adopt_session(CachedSession(emulator.url, "x", client._auth_key, emulator.url, 2e9))
        other.logout()

    emulator.reset_stats()
    end_the_session_behind_the_clients_back()
    assert client.list_devices().devices
    assert client.relogins == 1  # the one re-login of the run (README: once)
    end_the_session_behind_the_clients_back()
    with pytest.raises(errors.SessionExpired, match="keeps ending the session"):
        client.list_devices()
    assert count(emulator, "GET /g/aaa/isauth", 401) == 1  # it was checked first
    with pytest.raises(errors.SessionExpired, match="keeps ending the session"):
        client.list_devices()  # reported again, never another login
    assert count(emulator, "POST /g/aaa/authenticate") == 1
    assert client.relogins == 1


def test_a_failed_relogin_is_reported_not_looped(emulator, client):
    camera = online_camera(client)
    client._credentials = client._credentials.__class__(emulator.demo_username, "changed-pw")
    other = new_client(emulator)
    other.adopt_session(CachedSession(emulator.url, "x", client._auth_key, emulator.url, 2e9))
    other.logout()
    emulator.reset_stats()
    with pytest.raises(errors.SessionExpired, match="logging in again failed"):
        client.list_devices()
    with pytest.raises(errors.SessionExpired), client.open_image(camera.id, "now"):
        pass
    assert count(emulator, "POST /g/aaa/authenticate") == 1


def test_429_on_a_json_call_waits_retry_after_and_retries(emulator, client):
    emulator.config.fault_paths = ("/g/device/list",)
    # a 1 s burst: the next call surely falls inside it, even on a slow, loaded machine
    emulator.config.retry_after_s = 1.0
    emulator.config.fault_429 = 1.0
    impatient = new_client(emulator, retry_attempts=1)
    impatient.adopt_session(CachedSession(emulator.url, "x", client._auth_key, emulator.url, 2e9))
    with pytest.raises(errors.RateLimited) as raised:  # starts a 1 s burst of 429s
        impatient.list_devices()
    assert raised.value.retry_after == 1.0
    emulator.config.fault_429 = 0.0
    listing = client.list_devices()  # inside the burst: one 429, waits, then 200
    assert listing.devices
    assert count(emulator, "GET /g/device/list", 429) == 2  # one each, no hammering
    assert count(emulator, "GET /g/device/list", 200) == 1


def test_5xx_on_json_calls_is_retried_then_reported(emulator, client):
    emulator.config.fault_paths = ("/g/device/list",)
    emulator.config.fault_5xx = 1.0
    emulator.reset_stats()
    with pytest.raises(errors.ServerError):
        client.list_devices()
    assert count(emulator, "GET /g/device/list") == client.settings.retry_attempts


def test_open_image_raises_429_and_5xx_without_retrying(emulator, client):
    camera = online_camera(client)
    emulator.config.fault_5xx = 1.0
    emulator.reset_stats()
    with pytest.raises(errors.ServerError), client.open_image(camera.id, "now"):
        pass
    emulator.config.fault_5xx = 0.0
    emulator.config.retry_after_s = 0.2
    emulator.config.fault_429 = 1.0
    with pytest.raises(errors.RateLimited) as raised, client.open_image(camera.id, "now"):
        pass
    assert raised.value.retry_after is not None
    assert count(emulator, "GET /asset/asset/image.jpeg") == 2


def test_reset_and_truncated_images_are_network_errors(emulator, client):
    camera = online_camera(client)
    emulator.config.fault_reset = 1.0
    with pytest.raises(errors.NetworkError), client.open_image(camera.id, "now"):
        pass
    emulator.config.fault_reset = 0.0
    emulator.config.fault_truncate = 1.0
    with pytest.raises(errors.NetworkError), client.open_image(camera.id, "now") as (_h, chunks):
        b"".join(chunks)


def test_timeouts_are_network_errors(emulator, client):
    camera = online_camera(client)
    slow = new_client(emulator, timeout=0.1)
    slow.login(emulator.demo_username, emulator.demo_password)
    emulator.config.image_latency_ms = 300
    with pytest.raises(errors.NetworkError, match=r"within 0\.1 s"), \
            slow.open_image(camera.id, "now"):
        pass


def test_prev_and_next_headers_and_other_endpoints(emulator, client):
    camera = online_camera(client)
    newest, older = client.list_image_timestamps(camera.id, count=-2)
    with client.open_image(camera.id, newest) as (headers, chunks):
        assert headers.timestamp == newest and headers.prev == older
        assert headers.content_type == "image/jpeg"
        assert len(b"".join(chunks)) == headers.content_length
    with client.open_image(camera.id, newest, which="prev") as (headers, _chunks):
        assert headers.timestamp == older


def test_no_image_and_bridge_ids_are_typed_errors(emulator, client):
    devices = client.list_devices().devices
    bridge = next(d for d in devices if d.is_bridge and d.id)
    with pytest.raises(errors.RequestRejected), client.open_image(bridge.id, "now"):
        pass
    camera = next(d for d in devices if d.usable)
    with pytest.raises(errors.NoMatchingAsset), client.open_image(camera.id, "20000101000000.000"):
        pass


def test_keep_alive_one_pool_for_many_requests(emulator, client):
    camera = online_camera(client)
    stamps = client.list_image_timestamps(camera.id, count=-20)
    emulator.reset_stats()

    def fetch(stamp):
        with client.open_image(camera.id, stamp) as (_headers, chunks):
            return len(b"".join(chunks))

    jobs = [gevent.spawn(fetch, s) for s in stamps]
    gevent.joinall(jobs, raise_error=True)
    assert count(emulator, "GET /asset/asset/image.jpeg", 200) == len(stamps) == 20
    assert emulator.stats()["connections_opened"] <= client.pool_size + 2


def test_logout_ends_the_session(emulator, client):
    client.logout()
    assert not client.is_logged_in
    assert count(emulator, "POST /g/aaa/logout", 204) == 1
    with pytest.raises(errors.AuthError):
        client.list_devices()
