"""A framed, scrollable box above the current screen (help, camera details): the arrows, ``j``/
``k`` and PgUp/PgDn scroll it, any other key closes it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import urwid

SCROLL_KEYS = {"up": "up", "down": "down", "k": "up", "j": "down"}
SCROLL_KEYS.update({"page up": "page up", "page down": "page down"})


class _DrawnOnce(urwid.WidgetWrap):
    """The box's canvas is kept per size: what is under the overlay redraws many times a second
    during a download, the box changes only when scrolled (a key or the mouse)."""

    def __init__(self, widget: urwid.Widget) -> None:
        super().__init__(widget)
        self._drawn: tuple[tuple, urwid.Canvas] | None = None

    def render(self, size: tuple[int, int], focus: bool = False) -> urwid.Canvas:
        key = (size, focus)
        if self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, self._w.render(size, focus))
        return self._drawn[1]

    def keypress(self, size: tuple[int, int], key: str) -> str | None:
        self._drawn = None
        return self._w.keypress(size, key)

    def mouse_event(self, size: tuple[int, int], event: str, button: int, col: int, row: int,
                    focus: bool) -> bool | None:
        self._drawn = None
        return self._w.mouse_event(size, event, button, col, row, focus)


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
            _DrawnOnce(urwid.LineBox(self.listbox, title=title)),
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
