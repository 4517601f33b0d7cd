"""A framed, scrollable box above the current screen (help, camera details): the arrows, ``j``/
``k`` and PgUp/PgDn scroll it, any other key closes it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import urwid

SCROLL_KEYS = {"up": "up", "down": "down", "k": "up", "j": "down"}
SCROLL_KEYS.update({"page up": "page up", "page down": "page down"})


class ScrollOverlay(urwid.WidgetWrap):
    """``rows`` in a titled box above ``under``; ``on_close(key)`` runs on the closing key."""

    def __init__(
        self,
        under: urwid.Widget,
        rows: Sequence[urwid.Widget],
        *,
        title: str,
        on_close: Callable[[str], None],
        footer_hints: list[tuple[str, str]],
    ) -> None:
        self._on_close = on_close
        self.footer_hints = footer_hints
        self.listbox = urwid.ListBox(urwid.SimpleFocusListWalker(list(rows)))
        overlay = urwid.Overlay(
            urwid.LineBox(self.listbox, title=title),
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

    def keypress(self, size: tuple[int, int], key: str) -> str | None:
        """Scroll keys scroll the box (urwid passes them down with the box's size); any other
        key closes it."""
        if key in SCROLL_KEYS:
            self._w.keypress(size, SCROLL_KEYS[key])  # at either end: nothing happens
            return None
        self._on_close(key)
        return None
