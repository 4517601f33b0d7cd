"""The help overlay, generated from :data:`een_tui.ui.keymap.KEY_BINDINGS` (and a legend of
the status symbols from :class:`~een_tui.api.status.CameraStatus`)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import urwid

from een_tui.api.status import CameraStatus
from een_tui.ui import keymap
from een_tui.ui.camera_list import RECORDING_MARK
from een_tui.ui.overlay import ScrollOverlay
from een_tui.ui.palette import status_attr

KEY_COLUMN = 14


@functools.cache
def help_rows() -> tuple[urwid.Widget, ...]:
    """Every key binding, grouped by screen, then what the status symbols mean. Built once per
    session: the same widgets (and their cached canvases) serve every opening of the help."""
    rows: list[urwid.Widget] = [
        urwid.Text(("dim", "any key closes this help · ↑ ↓ PgUp PgDn scroll")),
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
                    (KEY_COLUMN, urwid.Text((status_attr(status), status.symbol))),
                    urwid.Text(status.label),
                ],
                1,
            )
        )
    rows.append(
        urwid.Columns(
            [(KEY_COLUMN, urwid.Text(("recording", RECORDING_MARK))), urwid.Text("recording")], 1
        )
    )
    return tuple(rows)


class HelpOverlay(ScrollOverlay):
    """Help above another widget; ``on_close`` runs on the closing key."""

    def __init__(self, under: urwid.Widget, on_close: Callable[[], None]) -> None:
        super().__init__(
            under,
            help_rows(),
            title="Keys",
            on_close=lambda _key: on_close(),
            footer_hints=[("↑↓", "scroll"), ("Esc", "close")],
        )
