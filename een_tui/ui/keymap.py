"""Every key binding of the UI in one table: the screens dispatch through it and the help screen
is generated from it, so the two cannot disagree.

Every row names a command. A screen (or the app) handles its keys with a :class:`Dispatcher`:
handlers registered by command name, checked against the table when the dispatcher is built (a
name the table does not know, or a binding of the context without a handler, is an error at
start-up). Rows marked ``terminal`` describe what the terminal itself does (Ctrl+C sends SIGINT,
Ctrl+Z suspends): they are documented and offered in the footer, never dispatched."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from een_tui.ui import glyphs

# Contexts: "global" keys work on every screen (unless a text field has the keyboard);
# the others apply to one screen.
GLOBAL = "global"
CAMERAS = "cameras"
FILTER = "filter"
DOWNLOAD = "download"
LOGIN = "login"
VIEWER = "frames"
CONFIRM = "confirm"

CONTEXT_TITLES = {
    GLOBAL: "Everywhere",
    CAMERAS: "Camera list",
    FILTER: "While filtering (after /)",
    DOWNLOAD: "Download",
    VIEWER: "Image viewer",
    CONFIRM: "Quit while a download runs",
    LOGIN: "Login",
}


@dataclass(frozen=True)
class KeyBinding:
    """One command: the keys (urwid key names) that trigger it, where, what it does, and the
    one word shown for it in the footer (empty: not offered there). ``terminal``: the terminal
    does it (a signal), the UI only documents it."""

    command: str
    keys: tuple[str, ...]
    help: str
    context: str = GLOBAL
    hint: str = ""
    terminal: bool = False


KEY_BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding("quit", ("q",), "quit een-tui", hint="quit"),
    KeyBinding("help", ("?",), "show or hide this help", hint="help"),
    KeyBinding(
        "interrupt",
        ("ctrl c",),
        "quit at once, from any screen (also while typing)",
        hint="quit",
        terminal=True,
    ),
    KeyBinding("suspend", ("ctrl z",), "suspend to the shell; `fg` resumes", terminal=True),
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
    KeyBinding("mark", (" ",), "mark or unmark a camera (Enter: download the marked)",
               CAMERAS, "mark"),
    KeyBinding("mark_all", ("*",), "mark all cameras shown (again: unmark them)", CAMERAS),
    KeyBinding("time_range", ("t",), "download a time range from the marked or selected",
               CAMERAS, "range"),
    KeyBinding("random", ("r",), "download from a random healthy camera", CAMERAS, "random"),
    KeyBinding("refresh", ("R",), "reload the camera list", CAMERAS, "reload"),
    KeyBinding(
        "view_saved",
        ("v",),
        "view the selected camera's images already on disk (marked in the list)",
        CAMERAS,
        "view",
    ),
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
    KeyBinding("view", ("v",), "view this run's images large (also while it runs)", DOWNLOAD,
               "view"),
    KeyBinding("retry", ("r",), "after a run: fetch the images still missing", DOWNLOAD,
               "retry missing"),
    KeyBinding("previous_frame", ("left", "h"), "previous (older) image", VIEWER, "older"),
    KeyBinding("next_frame", ("right", "l"), "next (newer) image", VIEWER, "newer"),
    KeyBinding("first_frame", ("home", "g"), "oldest image", VIEWER),
    KeyBinding("last_frame", ("end", "G"), "newest image", VIEWER),
    KeyBinding("timelapse", ("T",), "write a timelapse GIF of these images beside them", VIEWER,
               "timelapse"),
    KeyBinding("close_viewer", ("esc",), "back to the screen the viewer came from", VIEWER,
               "back"),
    KeyBinding("quit_confirmed", ("y",), "quit: cancel the download (saved images stay)",
               CONFIRM, "quit"),
    KeyBinding("quit_declined", ("n", "esc"), "keep downloading", CONFIRM, "stay"),
    KeyBinding("next_field", ("tab", "down"), "next field", LOGIN, "next"),
    KeyBinding("prev_field", ("shift tab", "up"), "previous field", LOGIN),
    KeyBinding("submit", ("enter",), "log in / send the code / check the code", LOGIN, "ok"),
    KeyBinding(
        "login_back", ("esc",), "two-factor step: back to user name and password", LOGIN, "back"
    ),
)

_BY_CONTEXT: dict[tuple[str, str], str] = {}
for _binding in KEY_BINDINGS:
    if _binding.context not in CONTEXT_TITLES:
        raise ValueError(f"key binding {_binding.command!r}: unknown context {_binding.context!r}")
    if _binding.terminal:
        continue
    for _key in _binding.keys:
        _BY_CONTEXT.setdefault((_binding.context, _key), _binding.command)

Handler = Callable[[], object]


def dispatched_commands(context: str) -> frozenset[str]:
    """The commands of ``context`` that a handler must carry out (terminal rows excluded)."""
    return frozenset(b.command for b in KEY_BINDINGS if b.context == context and not b.terminal)


class Dispatcher:
    """Keys of one context to handlers registered by command name.

    Built at start-up: a handler name that is not a dispatched command of ``context`` raises
    :class:`ValueError`, and so does a command of ``context`` without a handler (unless listed
    in ``unhandled``, for commands that another dispatcher of the same context carries out)."""

    def __init__(
        self,
        context: str,
        handlers: Mapping[str, Handler],
        *,
        unhandled: tuple[str, ...] = (),
    ) -> None:
        if context not in CONTEXT_TITLES:
            raise ValueError(f"unknown key context {context!r}")
        known = dispatched_commands(context)
        unknown = sorted(set(handlers) - known)
        if unknown:
            raise ValueError(f"no {context!r} key binding names the command(s) {unknown}")
        missing = sorted(known - set(handlers) - set(unhandled))
        if missing:
            raise ValueError(f"{context!r} key binding(s) without a handler: {missing}")
        self.context = context
        self.handlers = dict(handlers)

    def command(self, key: str) -> str | None:
        """The command ``key`` names here when this dispatcher handles it, else None."""
        command = _BY_CONTEXT.get((self.context, key))
        return command if command in self.handlers else None

    def dispatch(self, key: str) -> bool:
        """Run the handler of ``key``'s command; False when ``key`` is not handled here."""
        command = self.command(key)
        if command is None:
            return False
        self.handlers[command]()
        return True


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
        " ": "Space",
        "page up": "PgUp",
        "page down": "PgDn",
        "esc": "Esc",
        "enter": "Enter",
        "up": glyphs.current().up,
        "down": glyphs.current().down,
        "left": glyphs.current().left,
        "right": glyphs.current().right,
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
