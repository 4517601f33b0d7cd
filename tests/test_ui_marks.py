"""Marking cameras in the list: Space on a camera, ``*`` on what is shown (usable ones only),
marks kept across a reload, the mark drawn in the row."""

from __future__ import annotations

from test_ui_widgets import OFF_BITS, camera

from een_tui.ui.camera_list import CameraWalker
from een_tui.ui.camera_rows import row_markup


def cams():
    return [camera("10000001", "Lobby"), camera("10000002", "Dock"),
            camera("10000003", "Closet", OFF_BITS), camera("10000004", "Lobby Side")]


def test_space_marks_and_unmarks_the_focused_camera():
    walker = CameraWalker(cams())
    walker.set_focus(0)
    first = walker.focused_device
    assert walker.toggle_mark() is True
    assert walker.marked_devices == [first]
    assert walker.toggle_mark() is False
    assert walker.marked_devices == []


def test_star_marks_every_usable_camera_shown_then_unmarks_them():
    walker = CameraWalker(cams())
    walker.set_filter("lobby")
    assert walker.mark_shown() == 2
    assert {c.name for c in walker.marked_devices} == {"Lobby", "Lobby Side"}
    walker.set_filter("")
    assert walker.mark_shown() == 3  # the off camera is not marked
    assert "Closet" not in {c.name for c in walker.marked_devices}
    assert walker.mark_shown() == 0  # all usable shown were marked: unmark them


def test_marks_survive_a_reload_of_the_same_cameras():
    walker = CameraWalker(cams())
    walker.mark_shown()
    walker.set_devices(cams()[:2])  # a camera left the account
    assert [c.id for c in walker.marked_devices] == ["10000001", "10000002"]


def test_a_marked_row_shows_the_mark_before_the_name():
    device = cams()[0]
    plain = "".join(text for _, text in row_markup(device, 80))
    marked = "".join(text for _, text in row_markup(device, 80, marked=True))
    assert "✓ Lobby" in marked and "✓" not in plain
    assert len(marked) == len(plain) == 80  # the columns do not move
