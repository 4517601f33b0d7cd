"""Planning N distinct v3 previews (no frame list in v3): spaced asked times that land on
distinct frames, refills before the oldest, walks for sparse cameras, clear failures."""

import gevent
import gevent.pool
import pytest
from v3_server import RunningFake

from een_tui.api import errors
from een_tui.api.timestamps import format_een_timestamp
from een_tui.api.v3.backend import V3Backend
from een_tui.api.v3.plan import preview_settings
from een_tui.api.v3.timestamps import from_ms

CAM = "1000c4ae"


@pytest.fixture
def fake():
    with RunningFake() as running:
        running.app.access = "static-access-token"
        yield running


@pytest.fixture
def backend(fake):
    v3 = V3Backend(None, static_token="static-access-token", api_url=fake.url, pool_size=5)
    yield v3
    v3.close()


def fetch_all(backend, stamps, workers=5):
    """Open every planned timestamp, ``workers`` at a time; the frame times the server sent."""
    pool = gevent.pool.Pool(workers)

    def one(stamp):
        with backend.open_image(CAM, stamp) as (headers, chunks):
            assert b"".join(chunks).startswith(b"\xff\xd8")
            return headers.timestamp

    return pool.map(one, stamps)


@pytest.mark.parametrize(("body", "interval", "mode"), [
    ({"data": {"previewVideo": {"intervalMs": 2000, "transmitMode": "always"}}}, 2000, "always"),
    ({"previewVideo": {"intervalMs": 100}}, 250, None),
    ({"settings": {"previewVideo": {"intervalMs": 99999, "transmitMode": "onDemand"}}},
     16000, "onDemand"),
    ({"data": {"previewVideo": {"intervalMs": "fast"}}}, 1000, None),
    ({"data": {}}, 1000, None),
    ([], 1000, None),
])
def test_preview_settings_wherever_they_are(body, interval, mode):
    settings = preview_settings(body)
    assert (settings.interval_ms, settings.transmit_mode) == (interval, mode)


def test_spaced_plan_lands_on_distinct_frames_then_refills_older(fake, backend):
    fake.app.add_camera(CAM, frames=80)
    fake.app.settings[CAM] = {"data": {"previewVideo": {"intervalMs": 1000}}}
    plan = backend.plan_previews(CAM, 25)
    assert plan.source == "spaced" and len(plan.timestamps) == 25
    first = fetch_all(backend, plan.timestamps)
    assert len(set(first)) == 25
    more = backend.plan_previews(CAM, 20, before=min(plan.timestamps))
    assert all(s < min(plan.timestamps) for s in more.timestamps)
    second = fetch_all(backend, more.timestamps)
    assert len(set(second)) == 20 and not set(first) & set(second)
    media = [line for line in fake.app.request_lines if "/media/" in line]
    assert len(media) == 1 + 25 + 1 + 20  # live check, images, one probe, images


def test_a_gap_much_wider_than_the_interval_is_walked_exactly(fake, backend):
    fake.app.add_camera(CAM, frames=6, step_ms=30_000)  # settings say 1 s; frames every 30 s
    plan = backend.plan_previews(CAM, 3)
    more = backend.plan_previews(CAM, 10, before=min(plan.timestamps))
    assert more.source == "walk"
    got = fetch_all(backend, more.timestamps)
    assert got == list(more.timestamps)  # walked times are the frames themselves
    assert len(set(got) | set(fetch_all(backend, plan.timestamps))) == 6
    assert backend.plan_previews(CAM, 5, before=min(more.timestamps)).timestamps == ()
    assert "no older recorded preview images" in backend.shortfall_reason(CAM)


def test_on_demand_camera_with_few_previews_yields_what_it_has(fake, backend):
    fake.app.add_camera(CAM, frames=4, step_ms=700)
    fake.app.settings[CAM] = {"data": {"previewVideo": {"intervalMs": 1000,
                                                        "transmitMode": "onDemand"}}}
    plan = backend.plan_previews(CAM, 10)
    assert plan.source == "walk" and len(plan.timestamps) == 4
    assert len(set(fetch_all(backend, plan.timestamps))) == 4


def test_a_camera_without_recorded_previews_fails_the_plan_clearly(fake, backend):
    fake.app.add_camera(CAM, frames=1)
    fake.app.settings[CAM] = {"data": {"previewVideo": {"transmitMode": "onDemand"}}}
    fake.app.frames[CAM] = []  # liveImage answers, nothing was recorded
    with pytest.raises(errors.PlanFailed, match=r"no recorded preview images.*watches it"):
        backend.plan_previews(CAM, 10)


def test_a_camera_without_a_live_image_is_not_usable(fake, backend):
    fake.app.add_camera(CAM, "deviceOffline")
    with pytest.raises(errors.PlanFailed, match="no live image"):
        backend.plan_previews(CAM, 10)
    assert fake.app.calls["/api/v3.0/media/liveImage.jpeg"] == 1  # said at once, no retries


def test_bad_timestamps_are_refused_before_any_request(fake, backend):
    with pytest.raises(errors.RequestRejected):
        backend.open_image(CAM, "../../etc").__enter__()
    with pytest.raises(errors.ConfigurationError):
        backend.plan_previews(CAM, 3, before="yesterday")
    assert fake.app.request_lines == []


@pytest.mark.parametrize(("shift", "words"), [(None, "no valid X-Een-Timestamp"),
                                              (5000, "newer than the time asked")])
def test_an_image_without_a_trustworthy_frame_time_is_refused(fake, backend, shift, words):
    fake.app.add_camera(CAM, frames=10)
    newest = fake.app.frames[CAM][-1]
    stamp = format_een_timestamp(from_ms(newest))
    fake.app.stamp_shift_ms = shift
    with pytest.raises(errors.ProtocolError, match=words), backend.open_image(CAM, stamp):
        pass
