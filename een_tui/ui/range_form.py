"""The range form: from, to or length, every; above the camera list. Enter checks it (the same
parsing as ``een-tui download --since/--start/--end/--length/--every``) and starts the download
of every frame in it; Esc closes it.

- From: a duration back from now (``10m``, ``2h``) or a time (``2026-12-01T09:00``, in the
  camera's time zone unless it carries an offset).
- To or length: empty (until now), a time, or a duration (``5m``: the range lasts that long).
- Every: empty (every frame) or a duration (``10s``: at most one frame per 10 s).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone

import urwid

from een_tui.api.model import Camera
from een_tui.download.range_spec import RangeError, RangeSpec, parse_duration
from een_tui.ui import keymap

LABEL_WIDTH = 14


def spec_from_form(start: str, end: str, every: str, now: datetime) -> RangeSpec:
    """The range of the form's three fields (RangeError when they do not make one)."""
    start, end, every = start.strip(), end.strip(), every.strip()
    if not start:
        raise RangeError("From is empty: a duration back from now (10m) or a time")
    back = _duration_or_none(start)
    end_length = _duration_or_none(end) if end else None
    if back is not None:
        if not end:
            return RangeSpec.parse(since=start, every=every or None)
        start = (now - back).isoformat(timespec="milliseconds")  # carries its offset
    if end and end_length is not None:
        return RangeSpec.parse(start=start, length=end, every=every or None)
    return RangeSpec.parse(start=start, end=end or None, every=every or None)


def _duration_or_none(text: str) -> object:
    """The duration ``text`` says; None when it is not one (a time, then). Text that can only
    be meant as a duration (a number, no ``-`` or ``:``: ``10``, ``99999h``) gets the duration's
    own error, not the one of a date."""
    try:
        return parse_duration(text)
    except RangeError:
        if text[:1].isdigit() and not any(c in text for c in "-:"):
            raise
        return None


class RangeForm(urwid.WidgetWrap):
    """Three fields in a box above ``under``; ``on_done(spec)`` on a valid Enter, ``on_done
    (None)`` on Esc."""

    def __init__(self, under: urwid.Widget, cameras: Sequence[Camera],
                 on_done: Callable[[RangeSpec | None], None]) -> None:
        self._on_done = on_done
        self.start = urwid.Edit()
        self.end = urwid.Edit()
        self.every = urwid.Edit()
        self.message = urwid.Text(("dim", "Enter: download every frame in the range  Esc: "
                                          "close"))
        names = ", ".join(c.name or (c.id or "") for c in cameras[:3])
        more = f" and {len(cameras) - 3} more" if len(cameras) > 3 else ""
        rows = [urwid.Text(("title", f"Time range of {names}{more}")), urwid.Divider()]
        for label, edit, example in (("From", self.start, "10m, or 2026-12-01T09:00"),
                                     ("To or length", self.end, "empty = now; a time, or 5m"),
                                     ("Every", self.every, "empty = every frame; or 10s")):
            rows.append(urwid.Columns([(LABEL_WIDTH, urwid.Text(label)),
                                       urwid.AttrMap(edit, "edit", "edit_focus")]))
            rows.append(urwid.Columns([(LABEL_WIDTH, urwid.Text("")),
                                       urwid.Text(("dim", example))]))
        rows += [urwid.Divider(), self.message]
        self.pile = urwid.Pile(rows)
        self.pile.focus_position = 2
        self.footer_hints = keymap.hint(keymap.LOGIN, ("next_field", "submit", "interrupt"))
        box = urwid.LineBox(urwid.Filler(self.pile, valign="top"), title="Time range")
        super().__init__(urwid.Overlay(box, under, align="center", width=("relative", 80),
                                       valign="middle", height=14, min_width=30))

    def selectable(self) -> bool:
        return True

    def keypress(self, size: tuple[int, int], key: str) -> str | None:
        """Tab / arrows between fields, Enter checks and starts, Esc closes."""
        if key == "esc":
            self._on_done(None)
            return None
        if key == "enter":
            self.submit(datetime.now(timezone.utc))
            return None
        if key in ("tab", "down", "shift tab", "up"):
            fields = [2, 4, 6]
            at = fields.index(self.pile.focus_position) if self.pile.focus_position in fields \
                else 0
            step = 1 if key in ("tab", "down") else -1
            self.pile.focus_position = fields[(at + step) % len(fields)]
            return None
        if key == "ctrl c":
            return key
        return super().keypress(size, key)

    def submit(self, now: datetime) -> None:
        """Check the fields; start (``on_done(spec)``) or say what is wrong."""
        try:
            spec = spec_from_form(self.start.edit_text, self.end.edit_text,
                                  self.every.edit_text, now)
            assert spec is not None
        except RangeError as exc:
            self.message.set_text(("error", str(exc)))
            return
        self._on_done(spec)
