"""The footer: key hints of the current screen. When the terminal is too narrow for all of them,
whole hints drop (see :func:`fit_hints`): never half a word."""

from __future__ import annotations

import urwid

SEPARATOR = "  "
PINNED = 2  # the last hints (help, quit) stay longest


def _width(hints: list[tuple[str, str]]) -> int:
    cells = sum(urwid.calc_width(key, 0, len(key)) + 1 + len(word) for key, word in hints)
    return cells + len(SEPARATOR) * max(0, len(hints) - 1)


def fit_hints(hints: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """The ``(key, word)`` hints that fit in ``width`` cells: when they do not all fit, the
    ones just before the last :data:`PINNED` go first (the screens list them by importance,
    with help and quit at the end)."""
    shown = list(hints)
    while shown and _width(shown) > width:
        del shown[max(0, len(shown) - PINNED - 1) if len(shown) > PINNED else -1]
    return shown


def hints_markup(hints: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``[("key", key), ("footer", " word"), ("footer", "  "), ...]``."""
    markup: list[tuple[str, str]] = []
    for key, word in hints:
        if markup:
            markup.append(("footer", SEPARATOR))
        markup += [("key", key), ("footer", f" {word}")]
    return markup


class HintBar(urwid.Widget):
    """One line of ``key word`` hints that fits its width."""

    _sizing = frozenset([urwid.Sizing.FLOW])

    def __init__(self) -> None:
        super().__init__()
        self.hints: list[tuple[str, str]] = []

    def set_hints(self, hints: list[tuple[str, str]]) -> None:
        """Show ``hints``; redrawn only when they changed."""
        if hints != self.hints:
            self.hints = list(hints)
            self._invalidate()

    def rows(self, size: tuple[int], focus: bool = False) -> int:
        return 1

    def render(self, size: tuple[int], focus: bool = False) -> urwid.Canvas:
        (maxcol,) = size
        markup = hints_markup(fit_hints(self.hints, maxcol))
        return urwid.Text(markup or "", wrap="clip").render((maxcol,))
