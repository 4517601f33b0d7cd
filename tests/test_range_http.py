"""A time range against the emulator over HTTP: exactly the frames the emulator has in it.

The expected frames come from the emulator's own frame schedule (its ``Timeline``: origin,
interval and per-frame jitter), not from the planner under test; both ends are included.
"""

from datetime import datetime, timedelta, timezone

from een_tui.api.time_range import TimeRange
from een_tui.api.timestamps import een_timestamp_to_ms, parse_een_timestamp
from een_tui.api.v1_backend import V1Backend

LIST = "GET /asset/list/image"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _camera(emulator):
    device = emulator.account.online_cameras()[0]
    timeline = emulator.app.world.timelines.v1(device)
    return device.esn, timeline


def _expected(timeline, start_ms: int, end_ms: int) -> list[str]:
    """Every frame of the emulator's schedule with start <= time <= end, oldest first."""
    first = (start_ms - timeline.origin_ms) // timeline.interval_ms - 2
    last = (end_ms - timeline.origin_ms) // timeline.interval_ms + 2
    return [timeline.timestamp(k) for k in range(max(0, first), last + 1)
            if start_ms <= timeline.frame_ms(k) <= end_ms]


def _range(start_stamp: str, end_stamp: str, every=None) -> TimeRange:
    return TimeRange(parse_een_timestamp(start_stamp), parse_een_timestamp(end_stamp), every)


def test_a_range_yields_exactly_the_emulators_frames_page_by_page(emulator, logged_in_client):
    esn, timeline = _camera(emulator)
    latest = timeline.latest_index(emulator.app.world.now_ms())
    start_ms = timeline.frame_ms(latest - 700) + 1  # just after a frame: that one is out
    end_ms = timeline.frame_ms(latest - 100)  # exactly on a frame: that one is in
    expected = _expected(timeline, start_ms, end_ms)
    assert len(expected) == 600
    rng = TimeRange(EPOCH + timedelta(milliseconds=start_ms),
                    EPOCH + timedelta(milliseconds=end_ms))
    emulator.reset_stats()
    cursor = V1Backend(logged_in_client).plan_range(esn, rng, page=128)
    first = cursor.next_page()
    assert first == expected[:128]  # the first page after one request
    assert emulator.stats()["requests"][LIST] == {"200": 1}
    got = list(first)
    while page := cursor.next_page():
        assert len(page) <= 128
        got += page
    assert got == expected
    assert cursor.next_page() == [] and cursor.done
    assert emulator.stats()["requests"][LIST]["200"] == 5  # ceil(600 / 128)


def test_both_ends_are_included(emulator, logged_in_client):
    esn, timeline = _camera(emulator)
    latest = timeline.latest_index(emulator.app.world.now_ms())
    a, b = timeline.timestamp(latest - 30), timeline.timestamp(latest - 20)
    cursor = V1Backend(logged_in_client).plan_range(esn, _range(a, b))
    got = cursor.next_page()
    assert got == [timeline.timestamp(k) for k in range(latest - 30, latest - 19)]
    assert got[0] == a and got[-1] == b


def test_every_thins_from_the_first_frame(emulator, logged_in_client):
    esn, timeline = _camera(emulator)
    latest = timeline.latest_index(emulator.app.world.now_ms())
    a, b = timeline.timestamp(latest - 300), timeline.timestamp(latest - 1)
    all_frames = _expected(timeline, een_timestamp_to_ms(a), een_timestamp_to_ms(b))
    kept, last = [], None
    for stamp in all_frames:  # keep one, then the first at least 10 s after it, ...
        ms = een_timestamp_to_ms(stamp)
        if last is None or ms - last >= 10_000:
            kept.append(stamp)
            last = ms
    cursor = V1Backend(logged_in_client).plan_range(
        esn, _range(a, b, timedelta(seconds=10)), page=37)
    got = []
    while page := cursor.next_page():
        got += page
    assert got == kept
    assert 29 <= len(got) <= 30


def test_a_range_before_history_is_empty(emulator, logged_in_client):
    esn, _timeline = _camera(emulator)
    rng = _range("20000101000000.000", "20000101010000.000")
    assert V1Backend(logged_in_client).plan_range(esn, rng).next_page() == []


def test_the_range_is_utc_on_the_wire():
    rng = _range("20261201090000.000", "20261201090500.000")
    assert rng.start.tzinfo is timezone.utc
    assert (rng.start_wire, rng.end_wire) == ("20261201090000.000", "20261201090500.000")
    assert rng.contains("20261201090000.000") and rng.contains("20261201090500.000")
    assert not rng.contains("20261201090500.001")
