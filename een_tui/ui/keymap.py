"""Every key binding of the UI in one table: the screens dispatch through it and the help screen
is generated from it, so the two cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass

# Contexts: "global" keys work on every screen (unless a text field has the keyboard);
# the others apply to one screen.
GLOBAL = "global"
CAMERAS = "cameras"
FILTER = "filter"
DOWNLOAD = "download"
LOGIN = "login"

CONTEXT_TITLES = {
    GLOBAL: "Everywhere",
    CAMERAS: "Camera list",
    FILTER: "While filtering (after /)",
    DOWNLOAD: "Download",
    LOGIN: "Login",
}


@dataclass(frozen=True)
class KeyBinding:
    """One command: the keys (urwid key names) that trigger it, where, what it does, and the
    one word shown for it in the footer (empty: not offered there)."""

    command: str
    keys: tuple[str, ...]
    help: str
    context: str = GLOBAL
    hint: str = ""


KEY_BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding("quit", ("q",), "quit een-tui", hint="quit"),
    KeyBinding("help", ("?",), "show or hide this help", hint="help"),
    KeyBinding(
        "interrupt", ("ctrl c",), "quit at once, from any screen (also while typing)", hint="quit"
    ),
    KeyBinding("suspend", ("ctrl z",), "suspend to the shell; `fg` resumes"),
    KeyBinding("cursor_up", ("up", "k"), "move up", CAMERAS),
    KeyBinding("cursor_down", ("down", "j"), "move down", CAMERAS),
    KeyBinding("page_up", ("page up",), "page up", CAMERAS),
    KeyBinding("page_down", ("page down",), "page down", CAMERAS),
    KeyBinding("top", ("g", "home"), "first camera", CAMERAS),
    KeyBinding("bottom", ("G", "end"), "last camera", CAMERAS),
    KeyBinding("filter", ("/",), "filter by name or ESN as you type", CAMERAS, "filter"),
    KeyBinding("clear_filter", ("esc",), "clear the filter", CAMERAS),
    KeyBinding("sort", ("s",), "cycle the sort: status, name, ESN", CAMERAS, "sort"),
    KeyBinding("online_only", ("o",), "toggle online cameras only", CAMERAS, "online"),
    KeyBinding(
        "details",
        ("i",),
        "details of the selected camera (status bits, bridge, tags)",
        CAMERAS,
        "info",
    ),
    KeyBinding(
        "download", ("enter",), "download previews from the selected camera", CAMERAS, "download"
    ),
    KeyBinding("random", ("r",), "download from a random healthy camera", CAMERAS, "random"),
    KeyBinding("refresh", ("R",), "reload the camera list", CAMERAS, "reload"),
    KeyBinding(
        "filter_done", ("enter", "down", "up"), "keep the filter, back to the list", FILTER, "done"
    ),
    KeyBinding("filter_clear", ("esc",), "clear the filter, back to the list", FILTER, "clear"),
    KeyBinding("cancel", ("c",), "cancel the running download", DOWNLOAD, "cancel"),
    KeyBinding(
        "back",
        ("esc",),
        "back to the camera list (cancels a running download)",
        DOWNLOAD,
        "back",
    ),
    KeyBinding(
        "another",
        ("n",),
        "download from another random camera (cancels this one)",
        DOWNLOAD,
        "another",
    ),
    KeyBinding("next_field", ("tab", "down"), "next field", LOGIN, "next"),
    KeyBinding("prev_field", ("shift tab", "up"), "previous field", LOGIN),
    KeyBinding("submit", ("enter",), "log in / send the code / check the code", LOGIN, "ok"),
    KeyBinding(
        "login_back", ("esc",), "two-factor step: back to user name and password", LOGIN, "back"
    ),
)

_BY_CONTEXT: dict[tuple[str, str], str] = {}
for _binding in KEY_BINDINGS:
    for _key in _binding.keys:
        _BY_CONTEXT.setdefault((_binding.context, _key), _binding.command)


def command_for(key: str, context: str, *, include_global: bool = True) -> str | None:
    """The command ``key`` triggers in ``context`` (its own bindings first, then global ones)."""
    command = _BY_CONTEXT.get((context, key))
    if command is None and include_global:
        command = _BY_CONTEXT.get((GLOBAL, key))
    return command


def keys_for(command: str, context: str | None = None) -> tuple[str, ...]:
    """The keys bound to ``command`` (in ``context`` when given)."""
    for binding in KEY_BINDINGS:
        if binding.command == command and (context is None or binding.context == context):
            return binding.keys
    return ()


def key_label(key: str) -> str:
    """How a key is written for people: ``ctrl c`` -> ``Ctrl+C``, ``page up`` -> ``PgUp``."""
    special = {
        "page up": "PgUp",
        "page down": "PgDn",
        "esc": "Esc",
        "enter": "Enter",
        "up": "↑",
        "down": "↓",
        "home": "Home",
        "end": "End",
        "tab": "Tab",
        "shift tab": "Shift+Tab",
    }
    if key in special:
        return special[key]
    if key.startswith("ctrl "):
        return "Ctrl+" + key[5:].upper()
    return key


def help_rows(contexts: tuple[str, ...] | None = None) -> list[tuple[str, str, str]]:
    """``(context title, keys, help)`` rows for the help screen, in table order."""
    rows = []
    for context, title in CONTEXT_TITLES.items():
        if contexts is not None and context not in contexts:
            continue
        for binding in KEY_BINDINGS:
            if binding.context == context:
                rows.append((title, " ".join(key_label(k) for k in binding.keys), binding.help))
    return rows


def hint(context: str, commands: tuple[str, ...]) -> list[tuple[str, str]]:
    """Footer hints ``[(key label, word), ...]`` for ``commands`` (bound in ``context`` or
    everywhere), in the order given: most important first, as narrow footers drop the last."""
    hints: list[tuple[str, str]] = []
    for command in commands:
        for binding in KEY_BINDINGS:
            if binding.command == command and binding.context in (context, GLOBAL):
                hints.append((key_label(binding.keys[0]), binding.hint or command))
                break
    return hints
