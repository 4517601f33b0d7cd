"""Range options: durations, dates in the camera's zone or with an offset, bad combinations."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from een_tui.download.range_spec import (
    RangeError,
    RangeSpec,
    camera_zone,
    parse_duration,
    parse_moment,
)

NOW = datetime(2026, 12, 1, 18, 0, 0, tzinfo=timezone.utc)
CHICAGO = ZoneInfo("America/Chicago")  # UTC-6 in December


@pytest.mark.parametrize("text,seconds", [
    ("10s", 10), ("5m", 300), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("500ms", 0.5),
    ("1.5h", 5400), (" 10M ", 600),
])
def test_durations(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "10", "m", "5x", "-5m", "0s", "5m junk", "1h 30m", "99999d"])
def test_bad_durations(text):
    with pytest.raises(RangeError):
        parse_duration(text)


def test_moments_naive_or_with_offset():
    assert parse_moment("2026-12-01T09:00") == datetime(2026, 12, 1, 9, 0)
    assert parse_moment("2026-12-01 09:00:30") == datetime(2026, 12, 1, 9, 0, 30)
    assert parse_moment("2026-12-01") == datetime(2026, 12, 1)
    assert parse_moment("2026-12-01T09:00Z") == datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    moment = parse_moment("2026-12-01T09:00+01:00")
    assert moment.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01T09:00", "2026-12-01T25:00",
                                  "09:00", "2026-12-01T09", "1764579600"])
def test_bad_moments(text):
    with pytest.raises(RangeError):
        parse_moment(text)


def test_since_is_the_last_period():
    spec = RangeSpec.parse(since="10m")
    rng = spec.resolve(CHICAGO, NOW)
    assert (rng.start, rng.end) == (NOW - timedelta(minutes=10), NOW)


def test_naive_start_is_in_the_camera_zone():
    rng = RangeSpec.parse(start="2026-12-01T09:00", length="5m").resolve(CHICAGO, NOW)
    assert rng.start == datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)  # 09:00 CST
    assert rng.end - rng.start == timedelta(minutes=5)


def test_utc_forces_utc_and_an_offset_wins():
    rng = RangeSpec.parse(start="2026-12-01T09:00", end="2026-12-01T09:05",
                          utc=True).resolve(CHICAGO, NOW)
    assert rng.start == datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    rng = RangeSpec.parse(start="2026-12-01T09:00+01:00", length="1m").resolve(CHICAGO, NOW)
    assert rng.start == datetime(2026, 12, 1, 8, tzinfo=timezone.utc)


def test_no_zone_means_utc_and_unknown_zones_are_none():
    rng = RangeSpec.parse(start="2026-12-01T09:00", length="1m").resolve(None, NOW)
    assert rng.start == datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    assert camera_zone("Not/AZone") is None and camera_zone(None) is None
    assert camera_zone("US/Central") is not None


def test_start_alone_runs_until_now_and_future_ends_are_cut():
    rng = RangeSpec.parse(start="2026-12-01T17:30Z").resolve(None, NOW)
    assert rng.end == NOW
    rng = RangeSpec.parse(start="2026-12-01T17:30Z", length="2h").resolve(None, NOW)
    assert rng.end == NOW


def test_length_alone_and_end_with_length():
    rng = RangeSpec.parse(length="5m").resolve(None, NOW)
    assert (rng.start, rng.end) == (NOW - timedelta(minutes=5), NOW)
    rng = RangeSpec.parse(end="2026-12-01T10:00Z", length="1h").resolve(None, NOW)
    assert rng.start == datetime(2026, 12, 1, 9, tzinfo=timezone.utc)


def test_no_range_options_is_no_range():
    assert RangeSpec.parse() is None


@pytest.mark.parametrize("kwargs,words", [
    ({"every": "10s"}, "--every needs a range"),
    ({"utc": True}, "--utc needs a range"),
    ({"since": "5m", "start": "2026-12-01T09:00"}, "--since cannot be combined"),
    ({"start": "2026-12-01T09:00", "end": "2026-12-01T10:00", "length": "5m"}, "not all three"),
    ({"end": "2026-12-01T10:00"}, "--end needs --start or --length"),
    ({"start": "2026-12-01T10:00", "end": "2026-12-01T09:00"}, "--end is before --start"),
    ({"since": "5m", "every": "0s"}, "zero"),
])
def test_bad_combinations(kwargs, words):
    with pytest.raises(RangeError, match=words):
        RangeSpec.parse(**kwargs)


def test_a_range_in_the_future_is_refused():
    spec = RangeSpec.parse(start="2026-12-02T09:00Z", length="5m")
    with pytest.raises(RangeError, match="future"):
        spec.resolve(None, NOW)


def test_the_ui_form_maps_onto_the_same_options():
    from een_tui.ui.range_form import spec_from_form

    rng = spec_from_form("10m", "", "", NOW).resolve(CHICAGO, NOW)
    assert (rng.start, rng.end, rng.every) == (NOW - timedelta(minutes=10), NOW, None)
    rng = spec_from_form("10m", "5m", "10s", NOW).resolve(CHICAGO, NOW)
    assert (rng.start, rng.end) == (NOW - timedelta(minutes=10), NOW - timedelta(minutes=5))
    assert rng.every == timedelta(seconds=10)
    rng = spec_from_form("2026-12-01T09:00", "2026-12-01T09:30", "", NOW).resolve(CHICAGO, NOW)
    assert rng.start == datetime(2026, 12, 1, 15, tzinfo=timezone.utc)  # the camera's zone
    assert rng.end - rng.start == timedelta(minutes=30)
    rng = spec_from_form("2026-12-01T17:00Z", "", "", NOW).resolve(CHICAGO, NOW)
    assert (rng.start, rng.end) == (datetime(2026, 12, 1, 17, tzinfo=timezone.utc), NOW)
    for bad in (("", "", ""), ("soon", "", ""), ("10m", "later", ""), ("10m", "", "often")):
        with pytest.raises(RangeError):
            spec_from_form(*bad, NOW)


def test_the_ui_form_says_why_a_duration_is_refused():
    from een_tui.ui.range_form import spec_from_form

    with pytest.raises(RangeError, match="more than ten years"):
        spec_from_form("99999999h", "", "", NOW)
    with pytest.raises(RangeError, match="give a unit"):
        spec_from_form("10", "", "", NOW)
    with pytest.raises(RangeError, match="more than ten years"):
        spec_from_form("2026-12-01T09:00", "99999999h", "", NOW)
    with pytest.raises(RangeError, match="not a date and time"):
        spec_from_form("yesterday", "", "", NOW)
