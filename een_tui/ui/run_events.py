"""What the download screens of a one-camera and a many-camera run share: the run's state at the
head of the stats line, the headline words of an outcome, and the lower-left panel (the recent
events; after the run, the summary above them)."""

from __future__ import annotations

from collections import deque

import urwid

from een_tui.download.events import RunOutcome

LOG_LINES = 6
HEADLINES = {
    RunOutcome.DONE: ("ok", "Done"),
    RunOutcome.INCOMPLETE: ("notice", "Incomplete"),
    RunOutcome.CANCELLED: ("notice", "Cancelled"),
    RunOutcome.FAILED: ("error", "Failed"),
}


def state_markup(outcome: RunOutcome | None) -> tuple[str, str]:
    """``running`` (no outcome yet), ``done``, or the outcome: what a narrow terminal must
    still show of the stats line."""
    if outcome is None:
        return ("notice", "running")
    if outcome is RunOutcome.DONE:
        return ("ok", "done")
    return ("error", outcome.value)


class RecentEvents(urwid.WidgetPlaceholder):
    """The recent events (the oldest of :data:`LOG_LINES` goes); :meth:`show_summary` puts the
    run's summary above them."""

    def __init__(self) -> None:
        self.lines: deque[tuple[str, str]] = deque(maxlen=LOG_LINES)
        self.text = urwid.Text("", wrap="clip")
        self.summary_text = urwid.Text("")
        super().__init__(self._panel([]))

    def _panel(self, above: list[urwid.Widget]) -> urwid.Widget:
        return urwid.Filler(urwid.Pile([*above, urwid.Text(("title", "Recent events")), self.text]),
                            valign="top")

    def note(self, attr: str, text: str) -> None:
        """Add a line to the recent events."""
        self.lines.append((attr, text))
        markup = [(line_attr, line + "\n") for line_attr, line in self.lines]
        last_attr, last = markup[-1]
        markup[-1] = (last_attr, last.rstrip("\n"))
        self.text.set_text(markup)

    def show_summary(self, markup: list[tuple[str, str]]) -> None:
        """Show the run's summary above the recent events."""
        self.summary_text.set_text(markup)
        self.original_widget = self._panel(
            [urwid.Text(("title", "Summary")), self.summary_text, urwid.Divider()])
