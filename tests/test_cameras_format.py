"""`een-tui cameras` output pieces on the real 2019 list: table, summary, JSON, colour rules."""

import io
import json
from pathlib import Path

from een_tui.api.devices import parse_device_list
from een_tui.api.model import Camera
from een_tui.commands import cameras

ROWS = json.loads((Path(__file__).parent / "fixtures" / "een-v1-2019" / "device_list.json")
                  .read_text())


def devices(all_devices=False):
    found = [Camera.from_v1(d) for d in parse_device_list(ROWS).devices
             if all_devices or d.is_camera]
    return sorted(found, key=cameras.sort_key)


class FakeTty(io.StringIO):
    def isatty(self):
        return True


def test_table_sorted_by_status_then_name_with_a_summary():
    out = io.StringIO()
    cameras.write_table(devices(), out, colour=False)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:4] == ["STATUS", "REC", "NAME", "ESN"]
    body, summary = lines[1:-1], lines[-1]
    assert len(body) == 88
    assert body[0].startswith("● Online")
    assert body[-1].startswith("? Unknown")
    assert summary.startswith("76 online, 2 off, 5 internet offline, 3 offline, 2 unknown")
    assert "(88 cameras," in summary
    assert "\x1b" not in out.getvalue()
    online_names = [line[len("● Online") + 1:] for line in body if line.startswith("● Online")]
    assert len(online_names) == 76


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    assert cameras.use_colour(FakeTty()) is True
    assert cameras.use_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert cameras.use_colour(FakeTty()) is False
    out = io.StringIO()
    cameras.write_table(devices(), out, colour=True)
    assert "\x1b[32m" in out.getvalue()


def test_all_adds_bridges_and_a_type_column():
    out = io.StringIO()
    cameras.write_table(devices(all_devices=True), out, colour=False)
    text = out.getvalue()
    assert "TYPE" in text.splitlines()[0]
    assert "bridge" in text and "(97 devices," in text


def test_json_elements_have_the_documented_fields():
    out = io.StringIO()
    cameras.write_json(devices(), out)
    data = json.loads(out.getvalue())
    assert len(data) == 88
    for item in data:
        assert {"id", "name", "type", "status", "recording", "status_bits", "is_unsupported",
                "bridges", "usable"} <= set(item)
        assert item["status"] in {"online", "off", "internet_offline", "offline",
                                  "password_needed", "unknown"}
    off = [item for item in data if item["status_bits"] == 32803]
    assert off and all(item["status"] == "off" and not item["usable"] for item in off)
    assert any(item["id"] is None for item in data)


def test_summary_of_nothing():
    assert cameras.summary_line([]) == "no cameras"


def test_a_camera_whose_api_does_not_say_it_records_shows_a_dash():
    from een_tui.api.model import Esn
    from een_tui.api.status import CameraStatus

    v3 = Camera(id=Esn.parse("1000abcd"), name="Dock", status=CameraStatus.ONLINE,
                recording=None, raw_status="online")
    out = io.StringIO()
    cameras.write_table([v3], out, colour=False)
    row = out.getvalue().splitlines()[1]
    assert row.split()[2:4] == ["–", "Dock"]
    out = io.StringIO()
    cameras.write_json([v3], out)
    item = json.loads(out.getvalue())[0]
    assert item["recording"] is None and item["status_bits"] is None and item["usable"]
