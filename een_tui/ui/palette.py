"""Colour palettes: 16- and 256-colour variants in one table, a monochrome fallback for
``NO_COLOR`` or a one-colour terminal. Status colours always come with a symbol (see
:class:`~een_tui.api.status.CameraStatus`), so nothing depends on colour alone."""

from __future__ import annotations

from een_tui.api.status import CameraStatus
from een_tui.download.events import WorkerState
from een_tui.termenv import no_color_requested

__all__ = ["focus_map", "no_color_requested", "palette", "status_attr", "worker_attr"]

# name: (16-colour fg, 16-colour bg, monochrome, 256-colour fg, 256-colour bg)
_ENTRIES: dict[str, tuple[str, str, str, str, str]] = {
    "body": ("default", "default", "", "default", "default"),
    "header": ("white,bold", "dark blue", "standout", "#fff,bold", "#005"),
    "footer": ("light gray", "dark blue", "standout", "#ddd", "#005"),
    "key": ("yellow,bold", "dark blue", "bold,standout", "#ff0,bold", "#005"),
    "title": ("white,bold", "default", "bold", "#fff,bold", "default"),
    "dim": ("dark gray", "default", "", "g50", "default"),
    "focus": ("black", "light gray", "standout", "#000", "#aaa"),
    "column_title": ("light gray,underline", "default", "underline", "#bbb,underline", "default"),
    "error": ("light red,bold", "default", "bold", "#f55,bold", "default"),
    "notice": ("yellow", "default", "bold", "#fd0", "default"),
    "ok": ("light green", "default", "", "#5f5", "default"),
    "recording": ("light red", "default", "", "#f44", "default"),
    "marked": ("light cyan,bold", "default", "bold", "#5df,bold", "default"),
    "edit": ("white", "dark gray", "underline", "#fff", "g23"),
    "edit_focus": ("white,bold", "dark blue", "standout", "#fff,bold", "#008"),
    "button": ("light gray", "default", "", "#ccc", "default"),
    "button_focus": ("black", "light gray", "standout", "#000", "#ccc"),
    "progress_normal": ("light gray", "dark gray", "", "#ccc", "g27"),
    "progress_done": ("black", "dark green", "standout", "#000", "#0a0"),
    "progress_smooth": ("dark green", "dark gray", "", "#0a0", "g27"),
    "status_online": ("light green,bold", "default", "bold", "#5f5,bold", "default"),
    "status_off": ("dark gray", "default", "", "g50", "default"),
    "status_internet_offline": ("light red", "default", "", "#f66", "default"),
    "status_offline": ("light red", "default", "", "#f66", "default"),
    "status_password_needed": ("yellow", "default", "", "#fd0", "default"),
    "status_unknown": ("light magenta", "default", "", "#d8f", "default"),
    "worker_idle": ("dark gray", "default", "", "g50", "default"),
    "worker_fetching": ("light cyan", "default", "bold", "#5df", "default"),
    "worker_retrying": ("yellow", "default", "underline", "#fd0", "default"),
    "worker_saved": ("light green", "default", "", "#5f5", "default"),
    "worker_failed": ("light red", "default", "bold", "#f55", "default"),
    "worker_stopped": ("dark gray", "default", "", "g50", "default"),
}


def status_attr(status: CameraStatus) -> str:
    """Palette name for a camera status, e.g. ``status_online``."""
    return f"status_{status.value}"


def worker_attr(state: WorkerState) -> str:
    """Palette name for a worker state, e.g. ``worker_fetching``."""
    return f"worker_{state.value}"


def palette() -> list[tuple[str, str, str, str, str, str]]:
    """The urwid palette: every entry in 16, 256 and monochrome variants; urwid picks the one
    matching the screen's colour count (set it to 1 for ``NO_COLOR``)."""
    return [(name, *values) for name, values in _ENTRIES.items()]


def focus_map() -> dict[str | None, str]:
    """Attribute map for a focused row: everything turns into the focus colours."""
    mapping: dict[str | None, str] = {name: "focus" for name in _ENTRIES}
    mapping[None] = "focus"
    return mapping
