"""A question above the current screen, answered by the keys of the ``confirm`` context of the
key table (``y`` quits, ``n``/Esc stays); every other key is ignored while it is open."""

from __future__ import annotations

from collections.abc import Callable

import urwid

from een_tui.ui import keymap


class ConfirmQuit(urwid.WidgetWrap):
    """"Quit while a download runs?" above ``under``: ``on_yes`` / ``on_no`` run on the answer."""

    def __init__(self, under: urwid.Widget, question: str, *, on_yes: Callable[[], None],
                 on_no: Callable[[], None]) -> None:
        self.keys = keymap.Dispatcher(
            keymap.CONFIRM, {"quit_confirmed": on_yes, "quit_declined": on_no}
        )
        self.footer_hints = keymap.hint(keymap.CONFIRM, ("quit_confirmed", "quit_declined"))
        answers = "   ".join(f"{key} {word}" for key, word in self.footer_hints)
        body = urwid.Pile([urwid.Text(question), urwid.Divider(), urwid.Text(("notice", answers))])
        box = urwid.LineBox(urwid.Filler(body, valign="top"), title="Quit?")
        overlay = urwid.Overlay(box, under, align="center", width=("relative", 70),
                                valign="middle", height=9, min_width=30)
        super().__init__(overlay)

    def selectable(self) -> bool:
        return True

    def keypress(self, size: tuple[int, int], key: str) -> str | None:
        """``y`` / ``n`` / Esc answer; nothing else gets through (not even ``q`` again)."""
        self.keys.dispatch(key)
        return None
