"""The help overlay, generated from :data:`een_tui.ui.keymap.KEY_BINDINGS`."""

from __future__ import annotations

import urwid

from een_tui.ui import keymap


def help_widget() -> urwid.Widget:
    """A framed list of every key binding, grouped by screen."""
    rows: list[urwid.Widget] = [
        urwid.Text(("dim", "any key closes this help · ↑ ↓ PgUp PgDn scroll")),
        urwid.Divider(),
    ]
    current = None
    for title, keys, text in keymap.help_rows():
        if title != current:
            if current is not None:
                rows.append(urwid.Divider())
            rows.append(urwid.Text(("title", title)))
            current = title
        rows.append(
            urwid.Columns(
                [(14, urwid.Text(("notice", keys))), urwid.Text(text)],
                dividechars=1,
            )
        )
    body = urwid.ListBox(urwid.SimpleFocusListWalker(rows))
    return urwid.LineBox(body, title="Keys")


_cached_help: urwid.Widget | None = None


def shared_help_widget() -> urwid.Widget:
    """One help widget for the whole session: built once, its canvas cached by urwid."""
    global _cached_help
    if _cached_help is None:
        _cached_help = help_widget()
    return _cached_help


class HelpOverlay(urwid.WidgetWrap):
    """Help above another widget; ``on_close`` runs on the next key."""

    def __init__(self, under: urwid.Widget, on_close) -> None:
        self._on_close = on_close
        self._help = shared_help_widget()
        overlay = urwid.Overlay(
            self._help,
            under,
            align="center",
            width=("relative", 90),
            valign="middle",
            height=("relative", 90),
            min_width=20,
            min_height=5,
        )
        super().__init__(overlay)

    def selectable(self) -> bool:
        return True

    def keypress(self, size, key):
        if key in ("page up", "page down", "up", "down", "j", "k"):
            key = {"j": "down", "k": "up"}.get(key, key)
            self._help.original_widget.keypress(_inner_size(size), key)
            return None
        self._on_close()
        return None


def _inner_size(size: tuple[int, int]) -> tuple[int, int]:
    maxcol, maxrow = size
    return max(1, maxcol * 9 // 10 - 2), max(1, maxrow * 9 // 10 - 2)
