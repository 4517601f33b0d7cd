"""The help overlay, generated from :data:`een_tui.ui.keymap.KEY_BINDINGS` (and a legend of
the status symbols of :mod:`een_tui.ui.glyphs`)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import urwid

from een_tui.api.status import CameraStatus
from een_tui.ui import glyphs, keymap
from een_tui.ui.overlay import ScrollOverlay
from een_tui.ui.palette import status_attr

KEY_COLUMN = 14


def help_rows() -> tuple[urwid.Widget, ...]:
    """Every key binding, grouped by screen, then what the status symbols mean. Built once per
    session (and glyph set): the same widgets (and their cached canvases) serve every opening."""
    return _help_rows(glyphs.current())


@functools.cache
def _help_rows(marks: glyphs.GlyphSet) -> tuple[urwid.Widget, ...]:
    rows: list[urwid.Widget] = [
        urwid.Text(
            (
                "dim",
                f"any key closes this help {marks.separator} {marks.up} {marks.down} "
                "PgUp PgDn scroll",
            )
        ),
    ]
    current = None
    for title, keys, text in keymap.help_rows():
        if title != current:
            rows += [urwid.Divider(), urwid.Text(("title", title))]
            current = title
        rows.append(
            urwid.Columns([(KEY_COLUMN, urwid.Text(("notice", keys))), urwid.Text(text)], 1)
        )
    rows += [urwid.Divider(), urwid.Text(("title", "Camera status"))]
    for status in CameraStatus:
        rows.append(
            urwid.Columns(
                [
                    (KEY_COLUMN, urwid.Text((status_attr(status), marks.status(status)))),
                    urwid.Text(status.label),
                ],
                1,
            )
        )
    rows.append(
        urwid.Columns(
            [(KEY_COLUMN, urwid.Text(("recording", marks.recording))), urwid.Text("recording")], 1
        )
    )
    return tuple(rows)


class HelpOverlay(ScrollOverlay):
    """Help above another widget; ``on_close`` runs on the closing key."""

    def __init__(self, under: urwid.Widget, on_close: Callable[[], None]) -> None:
        marks = glyphs.current()
        super().__init__(
            under,
            help_rows(),
            title="Keys",
            on_close=lambda _key: on_close(),
            footer_hints=[(marks.up + marks.down, "scroll"), ("Esc", "close")],
        )
