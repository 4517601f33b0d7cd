"""Every symbol the UI draws, in a Unicode set and an ASCII set.

The ASCII set is used with ``--ascii`` or when the terminal's encoding cannot show the Unicode
glyphs (a Latin-1 locale shows them all as ``?``). :func:`select` picks the set once at start-up;
widgets read :func:`current` when they build their text."""

from __future__ import annotations

from dataclasses import dataclass, fields

from een_tui.api.status import CameraStatus
from een_tui.termenv import can_encode, terminal_encoding


@dataclass(frozen=True)
class GlyphSet:
    """One symbol per use. ``half_block`` is empty when the set has none (the thumbnail then
    draws one pixel per cell with spaces on coloured backgrounds)."""

    name: str
    online: str
    off: str
    internet_offline: str
    offline: str
    password_needed: str
    unknown: str
    recording: str
    ellipsis: str
    separator: str
    up: str
    down: str
    left: str
    right: str
    on_disk: str
    left_quote: str
    right_quote: str
    half_block: str
    marked: str = "+"  # a camera marked for a download of several

    def status(self, status: CameraStatus) -> str:
        """The one-character mark of a camera status (reads without colour)."""
        return getattr(self, status.value)

    def drawn(self) -> str:
        """Every character of the set (to check the terminal can show them)."""
        return "".join(getattr(self, f.name) for f in fields(self) if f.name != "name")


UNICODE = GlyphSet(
    name="unicode",
    online="●",
    off="○",
    internet_offline="⊘",
    offline="✕",
    password_needed="⚿",
    unknown="?",
    recording="◉",
    ellipsis="…",
    separator="·",
    up="↑",
    down="↓",
    left="←",
    right="→",
    on_disk="▣",
    left_quote="“",
    right_quote="”",
    half_block="▀",
    marked="✓",
)

ASCII = GlyphSet(
    name="ascii",
    online="*",
    off="o",
    internet_offline="/",
    offline="x",
    password_needed="!",
    unknown="?",
    recording="R",
    ellipsis="~",
    separator="|",
    up="Up",
    down="Down",
    left="Left",
    right="Right",
    on_disk="+",
    left_quote='"',
    right_quote='"',
    half_block="",
)

_current = UNICODE


def choose(*, ascii_only: bool = False, encoding: str | None = None) -> GlyphSet:
    """ASCII when asked for, or when ``encoding`` (default: the terminal's) cannot show every
    Unicode glyph; Unicode otherwise."""
    if ascii_only:
        return ASCII
    return UNICODE if can_encode(UNICODE.drawn(), encoding or terminal_encoding()) else ASCII


def select(glyph_set: GlyphSet) -> GlyphSet:
    """Make ``glyph_set`` the one the widgets draw with; returns the previous one."""
    global _current
    previous, _current = _current, glyph_set
    return previous


def current() -> GlyphSet:
    """The glyph set in use."""
    return _current
