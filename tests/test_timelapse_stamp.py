"""The camera a folder came from (``camera.json``, untrusted) and the texts drawn on frames."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from een_tui.media.camera import CameraInfo, read_camera_info
from een_tui.media.text import stamp_texts, time_labels

MOMENT = datetime(2026, 12, 1, 9, 0, 5, tzinfo=timezone.utc)


def test_name_and_time_zone_from_camera_json(tmp_path):
    (tmp_path / "camera.json").write_text(json.dumps(
        {"name": "Front door", "esn": "100a2b3c", "status": "Online",
         "time_zone": "Europe/Paris"}))
    camera = read_camera_info(tmp_path)
    assert camera.name == "Front door"
    # 09:00:05 UTC is 10:00:05 in Paris in December (CET, UTC+1)
    assert stamp_texts(MOMENT, camera) == ["Front door  2026-12-01 10:00:05 CET",
                                           "Front door  10:00:05 CET", "10:00:05 CET"]
    assert time_labels(MOMENT, camera) == ["2026-12-01 10:00:05 CET", "10:00:05 CET"]


def test_without_camera_json_the_time_is_utc_and_unnamed(tmp_path):
    camera = read_camera_info(tmp_path)
    assert camera == CameraInfo()
    assert stamp_texts(MOMENT, camera) == ["2026-12-01 09:00:05 UTC", "09:00:05 UTC"]


@pytest.mark.parametrize(("content", "name", "zone_offset_hours"), [
    ("not json", "", 0),
    ("[1, 2]", "", 0),
    (json.dumps({"name": 42, "time_zone": ["x"]}), "", 0),
    (json.dumps({"name": "Gate\x1b[31m\nrear", "time_zone": "../../etc/passwd"}),
     "Gate [31m rear", 0),
    (json.dumps({"name": "x" * 500, "time_zone": "Asia/Tokyo"}), "x" * 59 + "…", 9),
    ("{" + " " * 70_000 + "}", "", 0),  # above the size cap: not even parsed
])
def test_hostile_camera_json_is_harmless(tmp_path, content, name, zone_offset_hours):
    (tmp_path / "camera.json").write_text(content)
    camera = read_camera_info(tmp_path)
    assert camera.name == name
    assert camera.local(MOMENT).utcoffset().total_seconds() == zone_offset_hours * 3600
