"""The camera rows of the many-camera download screen keep their columns whatever the state."""

from __future__ import annotations

from een_tui.api.model import Camera, CameraStatus
from een_tui.ui.fleet_screen import CameraProgressRow


def line(state: str, reason: str = "") -> str:
    camera = Camera(id="10093ad6", name="CFA1 R2-D2 Room", status=CameraStatus.ONLINE,
                    recording=True, raw_status=None)
    row = CameraProgressRow(camera, 20)
    row.set(saved=3, state=state, reason=reason)
    return row.render((80,)).text[0].decode()


def test_the_esn_column_stays_put_from_waiting_to_incomplete():
    columns = {line(state).index("10093ad6") for state in
               ("waiting", "running", "done", "cancelled", "incomplete")}
    assert columns == {47}  # 46 cells of name and a space: 80 - 12 state - 12 counts - 9 ESN - 1


def test_a_long_reason_takes_room_from_the_name_not_the_counts():
    text = line("skipped", "failed the health check: a preview cannot be fetched")
    assert "10093ad6 3/20" in text and len(text) == 80


def test_a_camera_whose_esn_the_server_sends_in_capitals_gets_its_row_updated(tmp_path):
    from een_tui.download.events import ImageSaved
    from een_tui.download.fleet import CameraFinished, CameraOpened
    from een_tui.download.lane import CameraResult, LaneState
    from een_tui.ui.fleet_screen import FleetScreen

    camera = Camera(id="1009EAFF", name="Hallway", status=CameraStatus.ONLINE, recording=True,
                    raw_status=None)
    screen = FleetScreen([camera], 2, 5, title="t", colors=256, no_color=False)
    folder = tmp_path / "1009eaff"  # the run's folder: the ESN in lower case
    screen.apply(CameraOpened(id="1009eaff", name="Hallway", wanted=2, out_dir=str(folder)))
    [row] = screen.camera_rows.values()
    assert row.state == "running"
    screen.apply(ImageSaved(worker=1, timestamp="20261201100000.000",
                            path=str(folder / "20261201100000.000.jpg"), size=10, saved=1,
                            requested=2))
    assert row.saved == 1
    screen.apply(CameraFinished(CameraResult(id="1009eaff", name="Hallway",
                                             state=LaneState.DONE, saved=2, wanted=2)))
    assert (row.state, row.saved) == ("done", 2)
